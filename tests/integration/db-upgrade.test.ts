// Upgrading a database made by the previous schema (version 2, before uploads had an as-at date):
// opening it with the current code migrates it without loss and gives every old upload the as-at
// date an upload now defaults to (api.md "Uploads").
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDb, type Queryable } from '../../src/lib/server/db';
import { migrate, migrations, SCHEMA_VERSION } from '../../src/lib/server/db/migrations';
import { datasetAsAt } from '../../src/lib/server/metrics';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-upgrade-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A database at schema `version`, made with DuckDB alone: its instance and connection. */
async function migratedTo(file: string, version: number) {
	const instance = await DuckDBInstance.create(file);
	const c = await instance.connect();
	await c.run("SET TimeZone = 'UTC'");
	await migrate(
		{
			run: async (sql: string, params?: Record<string, unknown>) => {
				await c.run(sql, params as never);
			},
			all: async <T>(sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as T[]
		} as unknown as Queryable,
		migrations.filter((m) => m.version <= version)
	);
	return { instance, c };
}

/** A version-2 database with four uploads and their rows, written with DuckDB alone. */
async function versionTwo(file: string): Promise<void> {
	const { instance, c } = await migratedTo(file, 2);
	const upload = (seq: number, kind: string, at: string) =>
		c.run(`INSERT INTO uploads (id, seq, kind, mode, active, sha256, bytes, rows, inserted, replaced,
			uploaded_by, uploaded_at, report)
			VALUES ('up${seq}', ${seq}, '${kind}', 'merge', true, 'x${seq}', 1, 1, 1, 0, 'old', '${at}'::TIMESTAMPTZ, '{}')`);
	// up1 crimes: latest recorded 2 June, uploaded 10 June -> as-at 3 June.
	await upload(1, 'crimes', '2025-06-10T09:00:00Z');
	await c.run(`INSERT INTO h_crimes (upload_seq, line, crime_ref, recorded_date, offence_code, area,
		domestic_abuse) VALUES (1, 2, 'C1', '2025-05-20', '8Q', 'North', false),
		(1, 3, 'C2', '2025-06-02', '8Q', 'North', true)`);
	await c.run(`INSERT INTO crimes (upload_seq, crime_ref, recorded_date, offence_code, area,
		domestic_abuse) SELECT upload_seq, crime_ref, recorded_date, offence_code, area, domestic_abuse
		FROM h_crimes`);
	// up2 incidents: 23:30 UTC on 31 May is 00:30 on 1 June in London -> as-at 2 June.
	await upload(2, 'incidents', '2025-06-10T09:00:00Z');
	await c.run(`INSERT INTO h_incidents (upload_seq, line, incident_ref, opened_at, area,
		domestic_abuse, stalking_identified) VALUES
		(2, 2, 'I1', '2025-05-31T23:30:00Z', 'North', true, false)`);
	await c.run(`INSERT INTO incidents (upload_seq, incident_ref, opened_at, area, domestic_abuse,
		stalking_identified) SELECT upload_seq, incident_ref, opened_at, area, domestic_abuse,
		stalking_identified FROM h_incidents`);
	// up3 arrests: an arrest on the upload day itself -> as-at the upload day, not the day after.
	await upload(3, 'arrests', '2025-06-12T10:00:00Z');
	await c.run(`INSERT INTO h_arrests VALUES (3, 2, 'A1', 'C1', '2025-06-12')`);
	await c.run(`INSERT INTO arrests VALUES (3, 'A1', 'C1', '2025-06-12')`);
	// up4 population (no dates): uploaded 23:30 UTC on 10 June = 11 June in London (BST).
	await upload(4, 'population', '2025-06-10T23:30:00Z');
	await c.run(`INSERT INTO h_population VALUES (4, 2, 'North', 2024, 1000)`);
	await c.run(`INSERT INTO population VALUES (4, 'North', 2024, 1000)`);
	c.closeSync();
	instance.closeSync();
}

/** Every table's columns, in order, with their types: the schema as a database holds it. */
function columns(db: Queryable) {
	return db.all(`SELECT table_name, column_name, data_type, is_nullable, ordinal_position
		FROM information_schema.columns WHERE table_schema = 'main'
		ORDER BY table_name, ordinal_position`);
}

describe('a version 2 database', () => {
	it('is migrated to the current version without loss, each upload dated as it is now', async () => {
		const file = path.join(dir, 'v2.duckdb');
		await versionTwo(file);
		const db = await openDb(file);
		try {
			const versions = await db.all<{ version: number }>(
				'SELECT version FROM schema_migrations ORDER BY version'
			);
			expect(versions.map((v) => v.version)).toEqual(
				migrations.map((m) => m.version).sort((a, b) => a - b)
			);
			expect(await db.all('SELECT id, kind, as_of FROM uploads ORDER BY seq')).toEqual([
				{ id: 'up1', kind: 'crimes', as_of: '2025-06-03' },
				{ id: 'up2', kind: 'incidents', as_of: '2025-06-02' },
				{ id: 'up3', kind: 'arrests', as_of: '2025-06-12' },
				{ id: 'up4', kind: 'population', as_of: '2025-06-11' }
			]);
			// Nothing lost: 2 crimes (history and current), 1 incident, 1 arrest, 1 population row.
			expect(
				await db.one(`SELECT (SELECT count(*) FROM h_crimes)::INTEGER AS h_crimes,
					(SELECT count(*) FROM crimes)::INTEGER AS crimes,
					(SELECT count(*) FROM incidents)::INTEGER AS incidents,
					(SELECT count(*) FROM arrests)::INTEGER AS arrests,
					(SELECT count(*) FROM population)::INTEGER AS population`)
			).toEqual({ h_crimes: 2, crimes: 2, incidents: 1, arrests: 1, population: 1 });
			// Migration 12: the incident held gets its London day (23:30 UTC on 31 May is 1 June, BST).
			expect(await db.all('SELECT incident_ref, opened_local_date FROM incidents')).toEqual([
				{ incident_ref: 'I1', opened_local_date: '2025-06-01' }
			]);
			// Migration 13: each crime's facts; A1 is an arrest for C1, and neither names an incident.
			expect(
				await db.all(
					'SELECT crime_ref, arrested, incident_linked, outcome_num FROM crime_facts ORDER BY 1'
				)
			).toEqual([
				{ crime_ref: 'C1', arrested: true, incident_linked: false, outcome_num: null },
				{ crime_ref: 'C2', arrested: false, incident_linked: false, outcome_num: null }
			]);
			// Migration 8: the crimes keep their rows, their first offence code unknown; the
			// safeguarding kinds start empty, in the shape a new database has.
			expect(await db.all('SELECT crime_ref, first_offence_code FROM h_crimes ORDER BY 1')).toEqual(
				[
					{ crime_ref: 'C1', first_offence_code: null },
					{ crime_ref: 'C2', first_offence_code: null }
				]
			);
			expect(
				await db.one(`SELECT (SELECT count(*) FROM risk_assessments)::INTEGER AS ra,
					(SELECT count(*) FROM h_risk_assessments)::INTEGER AS h_ra,
					(SELECT count(*) FROM protective_orders)::INTEGER AS po,
					(SELECT count(*) FROM h_protective_orders)::INTEGER AS h_po`)
			).toEqual({ ra: 0, h_ra: 0, po: 0, h_po: 0 });
			const fresh = await openDb(path.join(dir, 'fresh.duckdb'));
			try {
				expect(await columns(db)).toEqual(await columns(fresh));
			} finally {
				await fresh.close();
			}
			// The earliest police-data as-at date, 2 June (incidents), leaves May the last complete month.
			expect(await datasetAsAt(db, '2025-06-20')).toEqual({
				as_of: '2025-06-02',
				complete_to: '2025-05'
			});
		} finally {
			await db.close();
		}
	});
});

describe('a version 3 database', () => {
	it('gives every API token an expiry 90 days after its creation', async () => {
		const file = path.join(dir, 'v3.duckdb');
		const { instance, c } = await migratedTo(file, 3);
		await c.run(`INSERT INTO api_tokens (id, token_hash, user_name, created_at, created_by) VALUES
			('tok_old', 'h1', 'ana', '2024-01-10T08:00:00Z', 'boss'),
			('tok_new', 'h2', 'ana', '2025-06-01T12:30:00Z', 'boss')`);
		c.closeSync();
		instance.closeSync();
		const db = await openDb(file);
		try {
			expect(await db.all('SELECT id, expires_at FROM api_tokens ORDER BY id')).toEqual([
				{ id: 'tok_new', expires_at: '2025-08-30T12:30:00.000Z' },
				{ id: 'tok_old', expires_at: '2024-04-09T08:00:00.000Z' }
			]);
		} finally {
			await db.close();
		}
	});
});

describe('a version 13 database', () => {
	it('gives each crime held the first days of the risk assessments naming it or its incident', async () => {
		const file = path.join(dir, 'v13.duckdb');
		const { instance, c } = await migratedTo(file, 13);
		await c.run(`INSERT INTO crimes (upload_seq, crime_ref, recorded_date, offence_code, area,
			domestic_abuse, incident_ref) VALUES (1, 'C1', '2025-05-20', '8Q', 'North', false, 'I1'),
			(1, 'C2', '2025-06-02', '8Q', 'North', true, NULL)`);
		// R1 names C1's incident at high risk with a MARAC referral; R2 names C1 at standard risk.
		await c.run(`INSERT INTO risk_assessments (upload_seq, assessment_ref, crime_ref, incident_ref,
			tool, completed_at, risk_level, marac_referral, advocacy_referral, completed_local_date)
			VALUES (2, 'R1', NULL, 'I1', 'dash', '2025-05-21T10:00:00Z', 'high', true, NULL, '2025-05-21'),
			(2, 'R2', 'C1', NULL, 'dash', '2025-05-20T10:00:00Z', 'standard', false, true, '2025-05-20')`);
		c.closeSync();
		instance.closeSync();
		const db = await openDb(file);
		try {
			expect(
				await db.all(`SELECT crime_ref, assessment_day, high_risk_day, standard_risk_day,
					marac_day, advocacy_referred FROM crime_facts ORDER BY 1`)
			).toEqual([
				{
					crime_ref: 'C1',
					assessment_day: '2025-05-20',
					high_risk_day: '2025-05-21',
					standard_risk_day: '2025-05-20',
					marac_day: '2025-05-21',
					advocacy_referred: true
				},
				{
					crime_ref: 'C2',
					assessment_day: null,
					high_risk_day: null,
					standard_risk_day: null,
					marac_day: null,
					advocacy_referred: null
				}
			]);
		} finally {
			await db.close();
		}
	});
});

describe('a database from a newer version of the dashboard', () => {
	it('is refused with a clear message and left exactly as it was', async () => {
		const file = path.join(dir, 'newer.duckdb');
		const db = await openDb(file, { dataDir: dir });
		await db.write((tx) =>
			tx.run(`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`)
		);
		await db.close();
		const before = createHash('sha256').update(fs.readFileSync(file)).digest('hex');

		await expect(openDb(file, { dataDir: dir })).rejects.toThrow(
			`This database was made by a newer version of the dashboard (schema version 99; this code knows up to ${SCHEMA_VERSION}). It was not changed.`
		);
		// Not a byte changed, and the file is free again (the refused open let it go).
		expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(before);
		const instance = await DuckDBInstance.create(file);
		const c = await instance.connect();
		const rows = (
			await c.runAndReadAll('SELECT max(version)::INTEGER AS v FROM schema_migrations')
		).getRowObjectsJS();
		expect(rows).toEqual([{ v: 99 }]);
		c.closeSync();
		instance.closeSync();
	});
});
