// The mappings store on a real DuckDB file: versions are new rows (never updates), every save is
// audited, a refused save changes nothing, the latest of each name is listed, a header finds its
// mapping, and an upload's mapping name is resolved or refused by name.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { HttpError } from '../../src/lib/server/http';
import {
	getMapping,
	listMappings,
	mappingVersions,
	matchMapping,
	resolveMapping,
	saveMapping
} from '../../src/lib/server/extracts/mappings';
import { extractDbs } from '../helpers/extract-db';

let db: Db;
const dbs = extractDbs('mappings-store-');
beforeEach(async () => ({ db } = await dbs.next()));
afterAll(() => dbs.cleanup());

const HEADER = ['Crime Reference', 'Date Recorded', 'HO Code', 'District', 'DA Flag'];
const body = (over: Record<string, unknown> = {}) => ({
	name: 'Niche crimes export',
	kind: 'crimes',
	header: HEADER,
	columns: {
		'Crime Reference': 'crime_ref',
		'Date Recorded': 'recorded_date',
		'HO Code': 'offence_code',
		District: 'area',
		'DA Flag': 'domestic_abuse'
	},
	values: {},
	...over
});
const analyst = { user: 'analyst1', address: '10.0.0.5' };

const rows = () =>
	db.all<{ name: string; version: number; created_by: string }>(
		`SELECT name, version, created_by FROM mappings ORDER BY name, version`
	);
const audits = () =>
	db.all<{ actor: string; action: string; target: string; address: string; details: string }>(
		`SELECT actor, action, target, address, details::VARCHAR AS details FROM audit_log
		 WHERE action = 'mapping_saved' ORDER BY id`
	);

describe('saving mappings', () => {
	it('saves version 1, then version 2 as a new row, keeping version 1 as it was', async () => {
		const v1 = await saveMapping(db, body(), analyst);
		expect(v1).toMatchObject({
			name: 'Niche crimes export',
			kind: 'crimes',
			version: 1,
			created_by: 'analyst1'
		});
		expect(v1.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
		const v2 = await saveMapping(
			db,
			body({ values: { domestic_abuse: { DA: 'Y', 'Not DA': 'N' } } }),
			{ user: 'analyst2' }
		);
		expect(v2.version).toBe(2);
		expect(await rows()).toEqual([
			{ name: 'Niche crimes export', version: 1, created_by: 'analyst1' },
			{ name: 'Niche crimes export', version: 2, created_by: 'analyst2' }
		]);
		expect((await getMapping(db, 'Niche crimes export', 1))?.values).toEqual({});
		expect((await getMapping(db, 'Niche crimes export'))?.values).toEqual({
			domestic_abuse: { DA: 'Y', 'Not DA': 'N' }
		});
		expect(
			(await mappingVersions(db, 'Niche crimes export')).map((v) => [v.version, v.created_by])
		).toEqual([
			[1, 'analyst1'],
			[2, 'analyst2']
		]);
	});

	it('audits each save with its name, kind and version', async () => {
		await saveMapping(db, body(), analyst);
		await saveMapping(db, body(), analyst);
		const a = await audits();
		expect(a.map((r) => [r.actor, r.target, r.address])).toEqual([
			['analyst1', 'Niche crimes export', '10.0.0.5'],
			['analyst1', 'Niche crimes export', '10.0.0.5']
		]);
		expect(a.map((r) => JSON.parse(r.details))).toEqual([
			{ name: 'Niche crimes export', kind: 'crimes', version: 1 },
			{ name: 'Niche crimes export', kind: 'crimes', version: 2 }
		]);
	});

	it('refuses an invalid mapping with 400 and every problem by field, saving and auditing nothing', async () => {
		const bad = body({
			kind: 'crimes',
			columns: { 'Crime Reference': 'crime_ref', District: 'area' }
		});
		const err = await saveMapping(db, bad, analyst).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(HttpError);
		const h = err as HttpError;
		expect(h.status).toBe(400);
		expect(h.code).toBe('invalid_mapping');
		// Date Recorded, HO Code and DA Flag are left out, so three required columns have no source.
		expect(h.details.map((d) => d.message)).toEqual([
			'recorded_date is required in the crimes extract: map a column of the file to it',
			'offence_code is required in the crimes extract: map a column of the file to it',
			'domestic_abuse is required in the crimes extract: map a column of the file to it'
		]);
		expect(h.message).toMatch(/^The mapping was not saved: columns recorded_date is required/);
		expect(h.message).toMatch(/Nothing was changed\.$/);
		expect(await rows()).toEqual([]);
		expect(await audits()).toEqual([]);
	});
});

describe('reading mappings back', () => {
	it('lists the latest version of each name, by name', async () => {
		await saveMapping(db, body({ name: 'Niche crimes export' }), analyst);
		await saveMapping(db, body({ name: 'Niche crimes export' }), analyst);
		await saveMapping(
			db,
			{
				name: 'Athena arrests',
				kind: 'arrests',
				header: ['Arrest ID', 'Crime ID', 'Arrested On'],
				columns: {
					'Arrest ID': 'arrest_ref',
					'Crime ID': 'crime_ref',
					'Arrested On': 'arrest_date'
				}
			},
			analyst
		);
		expect((await listMappings(db)).map((m) => [m.name, m.kind, m.version])).toEqual([
			['Athena arrests', 'arrests', 1],
			['Niche crimes export', 'crimes', 2]
		]);
	});

	it("finds the mapping saved for a file's header, read trimmed and case-insensitively", async () => {
		await saveMapping(db, body(), analyst);
		const found = await matchMapping(db, [
			' crime reference',
			'DATE RECORDED',
			'ho code',
			'District ',
			'da flag'
		]);
		expect(found).toMatchObject({ name: 'Niche crimes export', version: 1 });
		expect(await matchMapping(db, HEADER.slice(0, 4))).toBeUndefined();
	});

	it("resolves an upload's mapping by name (latest) or by version, and refuses unknown ones by name", async () => {
		await saveMapping(db, body(), analyst);
		await saveMapping(db, body(), analyst);
		expect((await resolveMapping(db, 'Niche crimes export')).version).toBe(2);
		expect((await resolveMapping(db, 'Niche crimes export', 1)).version).toBe(1);
		const unknown = (await resolveMapping(db, 'Connect crimes').catch(
			(e: unknown) => e
		)) as HttpError;
		expect([unknown.status, unknown.code]).toEqual([400, 'bad_parameter']);
		expect(unknown.message).toBe(
			'There is no mapping named "Connect crimes". Save it on the Extracts page first (or leave mapping out). Nothing was loaded.'
		);
		const noVersion = (await resolveMapping(db, 'Niche crimes export', 3).catch(
			(e: unknown) => e
		)) as HttpError;
		expect(noVersion.message).toBe(
			'Mapping "Niche crimes export" has no version 3; its versions are 1 to 2. Nothing was loaded.'
		);
		expect(noVersion.details[0]).toMatchObject({ parameter: 'mapping_version', value: '3' });
	});
});
