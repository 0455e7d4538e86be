// Loading a records system's export through a saved column mapping, on a real DuckDB file: the
// rows it gives (counted by hand from tests/fixtures/mappings), the version the report names, an
// ignored Postcode column still refused, and a mapping for another kind refused with nothing changed.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import { datasetCounts, loadExtract, type LoadOutcome } from '../../src/lib/server/extracts';
import { getMapping, saveMapping, type Mapping } from '../../src/lib/server/extracts/mappings';
import { extractDbs } from '../helpers/extract-db';
import { NICHE_COLUMNS, NICHE_HEADER } from '../fixtures/mappings/niche-mapping';

const FIX = path.resolve(import.meta.dirname, '../fixtures/mappings');
const TODAY = '2024-06-01';

let db: Db;
let config: Config;
const dbs = extractDbs('mappings-load-');
beforeEach(async () => ({ db, config } = await dbs.next()));
afterAll(() => dbs.cleanup());

const COLUMNS = NICHE_COLUMNS;
// Version 1 misses "Not recorded"; version 2 adds it.
const VALUES_V1 = {
	relationship: { 'Former partner': 'ex_partner', 'Partner/Spouse': 'intimate_partner' },
	domestic_abuse: { DA: 'Y', 'Non-DA': 'N' }
};
const VALUES_V2 = {
	relationship: { ...VALUES_V1.relationship, 'Not recorded': 'unknown' },
	domestic_abuse: VALUES_V1.domestic_abuse
};

const save = (values: object, header = NICHE_HEADER, columns: object = COLUMNS) =>
	saveMapping(
		db,
		{ name: 'Niche crimes export', kind: 'crimes', header, columns, values },
		{ user: 'analyst1' }
	);

const load = (file: string, mapping?: Mapping, kind?: 'crimes' | 'arrests'): Promise<LoadOutcome> =>
	loadExtract(
		db,
		{ path: path.join(FIX, file) },
		{ user: 'analyst1', config, today: TODAY, mapping, kind }
	);

/** Every table's rows as text (but the audit log and the refused reports a refusal keeps), to show a refusal changed nothing. */
async function dumpTables(): Promise<Record<string, string>> {
	const tables = await db.all<{ t: string }>(
		`SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' AND table_name NOT IN ('audit_log', 'refused_reports', 'refused_problems') ORDER BY 1`
	);
	const out: Record<string, string> = {};
	for (const { t } of tables) {
		out[t] = JSON.stringify(await db.all(`SELECT * FROM ${t} ORDER BY ALL`));
	}
	return out;
}

describe('an export with a non-contract header', () => {
	it('is refused without a mapping: its header is not a crimes header', async () => {
		const r = await load('niche-crimes.csv', undefined, 'crimes');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.code).toBe('missing_columns');
		expect((await datasetCounts(db)).crimes).toBe(0);
	});

	it('loads through the mapping: renamed columns, rewritten values, the ignored column left out', async () => {
		const mapping = await save(VALUES_V2);
		const r = await load('niche-crimes.csv', mapping);
		expect(r.ok, JSON.stringify(!r.ok && r.error)).toBe(true);
		if (!r.ok) return;
		expect(r.upload).toMatchObject({ kind: 'crimes', rows: 6, inserted: 6, replaced: 0 });
		expect(r.upload.report.mapping).toEqual({ name: 'Niche crimes export', version: 1 });
		const rows = await db.all<{
			crime_ref: string;
			recorded_date: string;
			offence_code: string;
			area: string;
			domestic_abuse: boolean;
			relationship: string | null;
		}>(
			`SELECT crime_ref, recorded_date, offence_code, area, domestic_abuse, relationship
			 FROM crimes ORDER BY crime_ref`
		);
		// By hand from the fixture (its README): DD/MM/YYYY read as dates, DA and Non-DA as Y and N,
		// Former partner, Partner/Spouse and Not recorded as the contract's values.
		expect(rows).toEqual([
			{
				crime_ref: 'NC/24/1001',
				recorded_date: '2024-02-03',
				offence_code: '8Q',
				area: 'North',
				domestic_abuse: true,
				relationship: 'intimate_partner'
			},
			{
				crime_ref: 'NC/24/1002',
				recorded_date: '2024-02-05',
				offence_code: '8L',
				area: 'South',
				domestic_abuse: false,
				relationship: 'ex_partner'
			},
			{
				crime_ref: 'NC/24/1003',
				recorded_date: '2024-02-12',
				offence_code: '8Q',
				area: 'North',
				domestic_abuse: true,
				relationship: 'intimate_partner'
			},
			{
				crime_ref: 'NC/24/1004',
				recorded_date: '2024-02-20',
				offence_code: '8R',
				area: 'East',
				domestic_abuse: false,
				relationship: 'stranger'
			},
			{
				crime_ref: 'NC/24/1005',
				recorded_date: '2024-02-28',
				offence_code: '8Q',
				area: 'South',
				domestic_abuse: true,
				relationship: 'unknown'
			},
			{
				crime_ref: 'NC/24/1006',
				recorded_date: '2024-03-01',
				offence_code: '8Q',
				area: 'East',
				domestic_abuse: false,
				relationship: null
			}
		]);
		const stalking = await db.one<{ n: number; da: number }>(
			`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE domestic_abuse)::INTEGER AS da
			 FROM crimes WHERE offence_code = '8Q'`
		);
		// 8Q: 1001, 1003, 1005 and 1006; of them 1001 (Yes), 1003 (DA) and 1005 (Yes) are domestic abuse.
		expect(stalking).toEqual({ n: 4, da: 3 });
		// 6 renamed (Relationship already names its column, and still counts as read through the
		// mapping), Beat Code ignored; values: Former partner, Partner/Spouse, Not recorded, DA, Non-DA.
		expect(r.upload.warnings).toContain(
			'Read with the mapping "Niche crimes export" (version 1): 6 columns renamed, 1 ignored, 5 values rewritten (relationship 3, domestic_abuse 2).'
		);
		expect(r.upload.warnings).toContain(
			'Column "Beat Code" (column 7) is not part of the crimes extract and was ignored.'
		);
		const audit = await db.one<{ details: string }>(
			`SELECT details::VARCHAR AS details FROM audit_log WHERE action = 'upload'`
		);
		expect(JSON.parse(audit!.details).mapping).toEqual({ name: 'Niche crimes export', version: 1 });
	});

	it('uses version 2 once saved again, and the report names it; version 1 refused the file', async () => {
		const v1 = await save(VALUES_V1);
		const first = await load('niche-crimes.csv', v1);
		expect(first.ok).toBe(false);
		if (first.ok) return;
		// Line 6's "Not recorded" has no value map in version 1.
		expect(first.error.code).toBe('invalid_extract');
		expect(first.report?.mapping).toEqual({ name: 'Niche crimes export', version: 1 });
		expect(first.report?.problems.map((p) => [p.line, p.column, p.value])).toEqual([
			[6, 'relationship', 'Not recorded']
		]);
		expect((await datasetCounts(db)).crimes).toBe(0);

		await save(VALUES_V2);
		const latest = await getMapping(db, 'Niche crimes export');
		expect(latest?.version).toBe(2);
		const second = await load('niche-crimes.csv', latest);
		expect(second.ok).toBe(true);
		if (!second.ok) return;
		expect(second.upload.report.mapping).toEqual({ name: 'Niche crimes export', version: 2 });
		expect(second.upload.rows).toBe(6);
	});

	it('refuses a Postcode column even when the mapping ignores it, saying how to remove or pseudonymise it', async () => {
		const header = [...NICHE_HEADER.slice(0, 6), 'Postcode'];
		const { 'Beat Code': _beat, ...rest } = COLUMNS;
		const mapping = await save(VALUES_V2, header, { ...rest, Postcode: null });
		const before = await dumpTables();
		const r = await load('niche-crimes-postcode.csv', mapping);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.status).toBe(422);
		expect(r.error.code).toBe('personal_data');
		expect(r.error.message).toMatch(/column "Postcode" \(a postcode\)/);
		expect(r.error.message).toMatch(/Remove or pseudonymise that column in the export/);
		expect(await dumpTables()).toEqual(before);
	});

	it('refuses a mapping for crimes sent as another kind, changing nothing', async () => {
		const mapping = await save(VALUES_V2);
		const before = await dumpTables();
		const r = await load('niche-crimes.csv', mapping, 'arrests');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect([r.status, r.error.code]).toEqual([400, 'bad_parameter']);
		expect(r.error.message).toBe(
			'The mapping "Niche crimes export" (version 1) is for crimes extracts, but niche-crimes.csv was sent as arrests. Leave the kind out, or choose a mapping made for arrests. Nothing was loaded.'
		);
		expect(await dumpTables()).toEqual(before);
	});

	it('gives a contract file the report field null when no mapping is used', async () => {
		const r = await loadExtract(
			db,
			{ path: path.resolve(import.meta.dirname, '../fixtures/extracts/crimes-valid.csv') },
			{ user: 'analyst1', config, today: TODAY }
		);
		expect(r.ok).toBe(true);
		if (r.ok) expect(r.upload.report.mapping).toBeNull();
	});
});
