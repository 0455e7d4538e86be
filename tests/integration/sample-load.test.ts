// The whole sample through the real upload path (loadExtract) into a temp DuckDB file, as at first start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig, type Config } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';
import { datasetCounts } from '../../src/lib/server/extracts';
import { loadSampleIfEmpty, type SampleLoadResult } from '../../src/lib/server/sample/load';
import { generateSample } from '../../src/lib/server/sample';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-load-'));
const config: Config = {
	...readConfig({ DATA_DIR: path.join(root, 'data') }),
	databasePath: path.join(root, 'load.duckdb')
};
let db: Db;
let result: SampleLoadResult;
const messages: string[] = [];

beforeAll(async () => {
	db = await openDb(config.databasePath, { dataDir: config.dataDir });
	result = await loadSampleIfEmpty(db, config, (m) => messages.push(m));
	// Measured figures for the report: rows per kind and the seconds the whole load took.
	console.info(`sample load: ${JSON.stringify(result.rows)} in ${result.seconds?.toFixed(1)} s`);
});

afterAll(async () => {
	await db?.close();
	fs.rmSync(root, { recursive: true, force: true });
});

const one = async (sql: string) => (await db.one<{ v: number }>(sql))!.v;

describe('loading the sample at first start', () => {
	it('loads every kind through loadExtract with no refusal, as many rows as were generated', async () => {
		expect(result.loaded).toBe(true);
		const generated = await generateSample({ outDir: path.join(root, 'again') });
		const counts = await datasetCounts(db);
		for (const f of generated.files) {
			expect(result.rows?.[f.kind]).toBe(f.rows);
			expect(counts[f.kind]).toBe(f.rows);
		}
	});

	it('records one active replace upload per kind by the sample-data user', async () => {
		const uploads = await db.all<{
			kind: string;
			mode: string;
			uploaded_by: string;
			active: boolean;
		}>('SELECT kind, mode, uploaded_by, active FROM uploads ORDER BY seq');
		expect(uploads.map((u) => u.kind)).toEqual([
			'population',
			'prevalence',
			'workforce',
			'training',
			'incidents',
			'crimes',
			'arrests',
			'outcomes',
			'risk_assessments',
			'protective_orders'
		]);
		for (const u of uploads)
			expect(u).toMatchObject({ mode: 'replace', uploaded_by: 'sample-data', active: true });
	});

	it('loads each kind after the kinds it names, so no upload warns of an unknown ref', async () => {
		const warned = await db.all<{ kind: string; warning: string }>(
			`SELECT kind, unnest(json_extract_string(report, '$.warnings[*]')) AS warning FROM uploads`
		);
		expect(warned.filter((w) => /not in the current/.test(w.warning))).toEqual([]);
	});

	it('gives the safeguarding figures rows to work on: assessments linked to crimes, SPOs decided', async () => {
		// Through the current tables the metrics read: crimes with an assessment by crime or incident.
		const linked = await one(`SELECT count(DISTINCT crime_ref)::INTEGER AS v FROM (
				SELECT c.crime_ref FROM crimes c JOIN risk_assessments a ON a.crime_ref = c.crime_ref
				WHERE c.offence_code = '8Q'
				UNION ALL
				SELECT c.crime_ref FROM crimes c JOIN risk_assessments a ON a.incident_ref = c.incident_ref
				WHERE c.offence_code = '8Q')`);
		expect(linked).toBeGreaterThan(3000);
		expect(
			await one(`SELECT count(*)::INTEGER AS v FROM protective_orders
				WHERE order_type = 'spo' AND status = 'granted' AND decision_date >= applied_date`)
		).toBeGreaterThan(50);
		expect(
			await one(
				`SELECT count(*)::INTEGER AS v FROM crimes WHERE offence_code = '8Q' AND first_offence_code = '8L'`
			)
		).toBeGreaterThan(100);
	});

	it('says what it is loading, with row counts, on the log', () => {
		expect(messages.some((m) => /^Loading sample data: crimes [\d,]+ rows…$/.test(m))).toBe(true);
		expect(messages.at(-1)).toMatch(/^Sample data loaded in [\d.]+ s\.$/);
	});

	it('does not load again once the database holds data', async () => {
		const before = await datasetCounts(db);
		expect(await loadSampleIfEmpty(db, config, () => {})).toEqual({
			loaded: false,
			reason: 'not_empty'
		});
		expect(await datasetCounts(db)).toEqual(before);
	});

	it('loads nothing when SAMPLE_DATA is off', async () => {
		const empty = await openDb(path.join(root, 'off.duckdb'));
		try {
			const off = { ...config, sampleData: false };
			expect(await loadSampleIfEmpty(empty, off, () => {})).toEqual({
				loaded: false,
				reason: 'disabled'
			});
			expect(Object.values(await datasetCounts(empty)).every((n) => n === 0)).toBe(true);
		} finally {
			await empty.close();
		}
	});

	it('has calls near midnight whose London month differs from their UTC month', async () => {
		// e.g. 00:30 on 1 July BST is 23:30 on 30 June UTC: the metrics must count it in July.
		const edges = await one(`SELECT count(*)::INTEGER AS v FROM incidents
			WHERE strftime(timezone('Europe/London', opened_at), '%Y-%m') <> strftime(opened_at, '%Y-%m')`);
		expect(edges).toBeGreaterThan(0);
	});

	// metrics.md "Identification": a handler is trained for an incident when the stalking course was
	// completed on or before the incident's (London) date; incidents without a handler are in neither.
	const identification = (where: string) =>
		db.all<{ trained: boolean; rate: number }>(`
			SELECT (t.completed_date IS NOT NULL AND t.completed_date <= timezone('Europe/London', i.opened_at)::DATE) AS trained,
				avg(i.stalking_identified::INTEGER)::DOUBLE AS rate
			FROM incidents i LEFT JOIN training t ON t.staff_ref = i.handler_ref AND t.course = 'stalking'
			WHERE i.domestic_abuse AND i.handler_ref IS NOT NULL AND ${where}
			GROUP BY 1`);

	it('shows trained handlers identifying stalking in DA calls clearly more often than untrained', async () => {
		const rows = await identification(`i.opened_at >= TIMESTAMPTZ '2023-01-01 00:00:00+00'`);
		const trained = rows.find((r) => r.trained)!.rate;
		const untrained = rows.find((r) => !r.trained)!.rate;
		// Designed as about 9 % against 4 % (plus the calls stalking crimes came from).
		expect(trained).toBeGreaterThan(untrained * 1.5);
	});

	it('shows identification in DA calls rising through 2023 as the course rolls out', async () => {
		const rate = (from: string, to: string) =>
			one(`SELECT avg(stalking_identified::INTEGER)::DOUBLE AS v FROM incidents
				WHERE domestic_abuse AND timezone('Europe/London', opened_at)::DATE BETWEEN '${from}' AND '${to}'`);
		const before = await rate('2022-01-01', '2022-12-31');
		const after = await rate('2024-01-01', '2024-12-31');
		expect(after).toBeGreaterThan(before * 1.5);
	});
});
