// The extract pipeline end to end on a real DuckDB file: every refusal reason, every accepted variant,
// merge/replace, rollback/restore, the archive, and that a refusal changes no table.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	archivedFilePath,
	datasetCounts,
	getUpload,
	listUploads,
	loadExtract,
	restoreUpload,
	rollbackUpload,
	type LoadOutcome,
	type UploadInfo
} from '../../src/lib/server/extracts';
import type { KindName } from '../../src/lib/server/extracts/contract';
import { CELL_PATTERNS, PATTERN_CELL_CHARS } from '../../src/lib/server/extracts/pii';
import { areas, identification, parseFilters, training } from '../../src/lib/server/metrics';
import { setSetting } from '../../src/lib/server/settings';
import { extractDbs } from '../helpers/extract-db';

const FIX = path.resolve(import.meta.dirname, '../fixtures/extracts');
const TODAY = '2024-06-01';

let dir: string;
let db: Db;
let config: Config;

// Each test starts from an empty database of its own (a real file) and an empty DATA_DIR.
const dbs = extractDbs('extracts-load-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

function load(
	file: string,
	opts: { kind?: KindName; mode?: 'merge' | 'replace'; maxUploadBytes?: number } = {}
): Promise<LoadOutcome> {
	return loadExtract(
		db,
		{ path: path.join(FIX, file) },
		{
			kind: opts.kind,
			mode: opts.mode,
			user: 'analyst1',
			config: { ...config, maxUploadBytes: opts.maxUploadBytes ?? config.maxUploadBytes },
			today: TODAY
		}
	);
}

/** Load a hand-written CSV (written to this test's DATA_DIR as `name`). */
async function loadedText(
	name: string,
	text: string,
	opts: { kind?: KindName; mode?: 'merge' | 'replace' } = {}
): Promise<UploadInfo> {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	const r = await loadExtract(
		db,
		{ path: file },
		{ ...opts, user: 'analyst1', config, today: TODAY }
	);
	if (!r.ok) throw new Error(`expected ${name} to load: ${r.error.message}`);
	return r.upload;
}

async function loaded(file: string, opts: Parameters<typeof load>[1] = {}): Promise<UploadInfo> {
	const r = await load(file, opts);
	if (!r.ok) throw new Error(`expected ${file} to load: ${r.error.message}`);
	return r.upload;
}

async function refused(file: string, opts: Parameters<typeof load>[1] = {}) {
	const r = await load(file, opts);
	if (r.ok) throw new Error(`expected ${file} to be refused`);
	return r;
}

/** Every table but the audit log and the refused reports, as JSON text (a refusal adds an upload_refused audit row and keeps its report). */
async function dumpTables(): Promise<Record<string, string>> {
	const tables = await db.all<{ name: string }>(
		`SELECT table_name AS name FROM information_schema.tables
		 WHERE table_schema = 'main' AND table_name NOT IN ('audit_log', 'refused_reports', 'refused_problems') ORDER BY 1`
	);
	const out: Record<string, string> = {};
	for (const { name } of tables) {
		const rows = await db.all(`SELECT * FROM "${name}" ORDER BY ALL`);
		out[name] = JSON.stringify(rows);
	}
	return out;
}

async function current(kind: KindName, order = 1) {
	return db.all(`SELECT * EXCLUDE (upload_seq) FROM ${kind} ORDER BY ${order}`);
}

describe('refusals: nothing changes', () => {
	// Each of these leaves every table (except the audit log and the refused reports) identical.
	const cases: [string, string, Parameters<typeof load>[1], number, string, RegExp][] = [
		['empty file', 'empty.csv', {}, 422, 'empty_file', /is empty/],
		['header but no rows', 'header-only.csv', {}, 422, 'empty_file', /no data rows/],
		['NUL byte', 'binary-nul.csv', {}, 415, 'not_text', /line 3 holds a control character/],
		[
			'invalid UTF-8 that is not clean Windows-1252',
			'invalid-utf8.csv',
			{},
			415,
			'bad_encoding',
			/first bad byte is on line 4/
		],
		['no header row', 'no-header.csv', {}, 415, 'no_header', /no header row/],
		['ragged row', 'ragged.csv', {}, 415, 'not_csv', /line 3 has 10 fields where the header has 9/],
		[
			'over the size limit',
			'crimes-valid.csv',
			{ maxUploadBytes: 100 },
			413,
			'too_large',
			/over the upload limit/
		],
		[
			'personal-data column name',
			'pii-column.csv',
			{},
			422,
			'personal_data',
			/"Victim Surname" \(a name\)/
		],
		[
			'type errors',
			'crimes-errors.csv',
			{},
			422,
			'invalid_extract',
			/problems in the crimes extract/
		],
		['repeated keys', 'duplicate-key.csv', {}, 422, 'invalid_extract', /repeats a key/]
	];
	it.each(cases)('refuses a file with %s', async (_what, file, opts, status, code, message) => {
		const before = await dumpTables();
		const r = await refused(file, opts);
		expect(r.status).toBe(status);
		expect(r.error.code).toBe(code);
		expect(r.error.message).toMatch(message);
		expect(await dumpTables()).toEqual(before);
	});

	it('records each refusal in the audit log without the file contents', async () => {
		await refused('pii-column.csv');
		const row = await db.one<{ action: string; details: string }>(
			`SELECT action, details::VARCHAR AS details FROM audit_log ORDER BY id DESC LIMIT 1`
		);
		expect(row?.action).toBe('upload_refused');
		expect(row?.details).toContain('personal_data');
		expect(row?.details).not.toContain('Smith');
	});
});

describe('validation report', () => {
	it('lists every type error with its line, column and reason, and sums them up', async () => {
		const r = await refused('crimes-errors.csv');
		const found = r.report!.problems.map((p) => [p.line, p.column, p.value, p.reason]);
		// Hand check of crimes-errors.csv (header = line 1):
		expect(found).toEqual([
			[2, 'recorded_date', '12/13/2023', 'is DD/MM/YYYY with month 13'],
			[
				3,
				'recorded_date',
				'31/02/2023',
				'is DD/MM/YYYY with day 31, but month 2 of 2023 has 28 days'
			],
			[3, 'area', '', 'is empty but it is required'],
			[3, 'domestic_abuse', 'maybe', 'is not a Y/N flag: use Y, N, Yes, No, TRUE, FALSE, 1 or 0'],
			[
				3,
				'relationship',
				'friend',
				'is not one of the allowed values: intimate_partner, ex_partner, family, acquaintance, stranger, unknown (case, spaces and hyphens do not matter)'
			],
			[
				3,
				'victim_sex',
				'Q',
				'is not one of the allowed values: F, M, X, U (case, spaces and hyphens do not matter)'
			],
			[
				3,
				'victim_age_band',
				'30s',
				'is not one of the allowed values: under_16, 16_24, 25_34, 35_44, 45_54, 55_64, 65_plus, unknown (case, spaces and hyphens do not matter)'
			],
			[
				3,
				'incident_ref',
				'INC 2',
				'is not a reference: use 1 to 128 letters, digits, -, _, / or .'
			],
			[
				4,
				'recorded_date',
				'2024-06-02',
				'is after the upload day (2024-06-01): dates cannot be in the future'
			],
			[5, 'recorded_date', '1999-12-31', 'is before 2000-01-01'],
			[6, 'recorded_date', '2023/01/05', 'is not a date (use YYYY-MM-DD or DD/MM/YYYY)']
		]);
		expect(r.report!.errorCount).toBe(11);
		expect(r.report!.summary.map((s) => s.message)).toContain(
			'1 row: recorded_date is DD/MM/YYYY with month 13'
		);
		expect(r.error.details).toHaveLength(11);
	});

	it('reports every repeated key with all its lines', async () => {
		const r = await refused('duplicate-key.csv');
		// CR-1 on lines 2, 3, 5; CR-2 on lines 4, 6: 3 rows repeat an earlier key.
		expect(r.report!.problems.map((p) => [p.line, p.column, p.value, p.reason])).toEqual([
			[2, 'crime_ref', 'CR-1', 'repeats on lines 2, 3, 5: a key must be unique within the file'],
			[4, 'crime_ref', 'CR-2', 'repeats on lines 4, 6: a key must be unique within the file']
		]);
		expect(r.report!.errorCount).toBe(3);
	});

	it('refuses bad timestamps, roles, end dates, outcome types, integers, decimals and ranges', async () => {
		const reasons = async (file: string) =>
			(await refused(file)).report!.problems.map((p) => `${p.line} ${p.column} ${p.reason}`);
		expect(await reasons('incidents-errors.csv')).toEqual([
			'2 opened_at has a time of day that does not exist',
			'3 opened_at is not a date and time (use YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS])'
		]);
		expect(await reasons('workforce-errors.csv')).toEqual([
			'2 role is not one of the allowed values: response_officer, control_room, neighbourhood_officer, investigator, other (case, spaces and hyphens do not matter)',
			'3 end_date is before start_date'
		]);
		expect(await reasons('outcomes-errors.csv')).toEqual([
			'2 outcome_type is not a Home Office outcome number 0 to 22 (optionally with a letter, e.g. 1A)',
			'3 outcome_type is not a Home Office outcome number 0 to 22 (optionally with a letter, e.g. 1A)'
		]);
		expect(await reasons('population-errors.csv')).toEqual([
			'2 population_16plus must be more than 0',
			'3 population_16plus is not a whole number',
			'4 year is not a year from 2000 to 2024'
		]);
		expect(await reasons('prevalence-errors.csv')).toEqual([
			'2 rate_pct must be more than 0 and less than 100',
			'3 rate_pct is not a number'
		]);
	});

	it('refuses personal data in cells, naming column and line without echoing the value', async () => {
		const r = await refused('pii-cells.csv');
		expect(r.error.code).toBe('personal_data');
		const problems = r.report!.problems;
		expect(problems.map((p) => [p.line, p.column])).toEqual([
			[2, 'contact'],
			[3, 'contact'],
			[4, 'contact'],
			[5, 'contact']
		]);
		expect(problems.map((p) => p.reason.match(/looks like (an? [^:]+)/)?.[1])).toEqual([
			'an email address',
			'a UK phone number',
			'a full UK postcode',
			'a National Insurance number'
		]);
		const everything = JSON.stringify(r);
		for (const secret of ['bloggs', '900123', '5AB', '123456C']) {
			expect(everything).not.toContain(secret);
		}
		expect(problems[0].reason).toMatch(/remove or pseudonymise this column/);
	});

	it('checks a 200,000-character cell on its first 256 characters only, still finding personal data there', async () => {
		const head = 'crime_ref,recorded_date,offence_code,area,domestic_abuse\n';
		const early = 'b'.repeat(100) + ' jo.bloggs@example.com ' + 'b'.repeat(200_000);
		const late = 'c'.repeat(300) + ' jo.bloggs@example.com';
		const file = path.join(dir, 'long-cells.csv');
		fs.writeFileSync(
			file,
			head +
				`CR-1,2023-01-05,8Q,${'a'.repeat(200_000)},Y\n` +
				`CR-2,2023-01-06,8Q,${early},Y\n` +
				`CR-3,2023-01-07,8Q,${late},Y\n`
		);
		const sources = new Set(CELL_PATTERNS.map((p) => p.source));
		const spy = vi.spyOn(RegExp.prototype, 'test');
		let r: LoadOutcome;
		try {
			r = await loadExtract(db, { path: file }, { user: 'analyst1', config, today: TODAY });
			const lengths = spy.mock.calls
				.filter((_, i) => sources.has((spy.mock.contexts[i] as RegExp).source))
				.map(([input]) => String(input).length);
			expect(Math.max(...lengths)).toBeLessThanOrEqual(PATTERN_CELL_CHARS);
		} finally {
			spy.mockRestore();
		}
		if (r.ok) throw new Error('expected the long cells to be refused');
		expect(r.error.code).toBe('personal_data');
		expect(
			r.report!.problems.map((p) => [p.line, p.column, p.value, p.reason.slice(0, 40)])
		).toEqual([
			[2, 'area', `${'a'.repeat(37)}…`, 'is longer than 200 characters'],
			[3, 'area', 'b… (200123 characters, hidden)', 'has a value that looks like an email add'],
			[4, 'area', `${'c'.repeat(37)}…`, 'is longer than 200 characters']
		]);
	});

	it('names the missing and unexpected columns and the kind the header looks like', async () => {
		const r = await refused('arrests-valid.csv', { kind: 'crimes' });
		expect(r.error.code).toBe('missing_columns');
		expect(r.error.message).toContain('missing recorded_date, offence_code, area, domestic_abuse');
		expect(r.error.message).toContain('unexpected arrest_ref, arrest_date');
		expect(r.error.message).toContain('looks like an arrests extract');
	});
});

describe('accepted variants', () => {
	it('loads a file with a byte-order mark and CRLF line ends', async () => {
		const u = await loaded('bom-crlf.csv', { mode: 'replace' });
		expect(u.rows).toBe(2);
		expect(await current('crimes')).toMatchObject([
			{ crime_ref: 'CR-1', area: 'Mansfield' },
			{ crime_ref: 'CR-2', area: 'Mansfield' }
		]);
	});

	it('keeps the file line numbers right across a quoted newline and a blank line', async () => {
		const r = await refused('quoted-newline.csv');
		// Record 1 spans lines 2-3, line 4 is blank, the bad month is on line 5.
		expect(r.report!.problems.map((p) => [p.line, p.column])).toEqual([[5, 'recorded_date']]);
	});

	it('stores the file line of each row when quoted fields span lines', async () => {
		const file = path.join(dir, 'multi.csv');
		fs.writeFileSync(
			file,
			'crime_ref,recorded_date,offence_code,area,domestic_abuse\nCR-7,2023-01-05,8Q,"A\nB\nC",Y\nCR-8,2023-01-05,8Q,D,N\n'
		);
		const r = await loadExtract(db, { path: file }, { user: 'a', config, today: TODAY });
		expect(r.ok ? r.upload.rows : r.error).toBe(2);
		const rows = await db.all(
			`SELECT crime_ref, line, area FROM h_crimes WHERE crime_ref IN ('CR-7', 'CR-8') ORDER BY 1`
		);
		// The area's newlines are spaces inside a name: stored as one line (canonical.ts).
		expect(rows).toEqual([
			{ crime_ref: 'CR-7', line: 2, area: 'A B C' },
			{ crime_ref: 'CR-8', line: 5, area: 'D' }
		]);
	});

	it('reads UK dates and Yes/No flags', async () => {
		await loaded('uk-dates-flags.csv', { mode: 'replace' });
		expect(await current('crimes')).toMatchObject([
			{ crime_ref: 'CR-1', recorded_date: '2023-01-05', domestic_abuse: true },
			{ crime_ref: 'CR-2', recorded_date: '2023-01-06', domestic_abuse: false }
		]);
	});

	it('matches header names case-insensitively with spaces and hyphens, and detects the kind', async () => {
		const u = await loaded('header-spelling.csv', { mode: 'replace' });
		expect(u.kind).toBe('crimes');
		expect(await current('crimes')).toMatchObject([{ crime_ref: 'CR-1', domestic_abuse: true }]);
	});

	it('ignores an extra column with a warning', async () => {
		const u = await loaded('extra-column.csv', { mode: 'replace' });
		expect(u.warnings).toContain(
			'Column "force_division" (column 6) is not part of the crimes extract and was ignored.'
		);
	});

	it('transcodes a clean Windows-1252 file and says so', async () => {
		const u = await loaded('windows-1252.csv', { mode: 'replace' });
		expect(u.report.encoding).toBe('windows-1252');
		expect(u.warnings[0]).toMatch(/read as Windows-1252/);
		const rows = await current('crimes');
		expect(rows[0]).toMatchObject({ crime_ref: 'CR-1', area: 'Café – Worksop' });
	});

	it('reads timestamps with and without an offset as instants, local ones in Europe/London', async () => {
		await loaded('incidents-valid.csv', { mode: 'replace' });
		// INC-2 "2023-07-01 00:30" is BST (UTC+1) -> 2023-06-30 23:30Z; INC-3 has +01:00 -> same instant;
		// INC-4 15/01/2023 08:05:30 is GMT -> unchanged; INC-5 a bare date -> local midnight (BST).
		expect(
			await db.all(
				`SELECT incident_ref, opened_at, domestic_abuse, stalking_identified FROM incidents ORDER BY 1`
			)
		).toEqual([
			{
				incident_ref: 'INC-1',
				opened_at: '2023-01-04T22:15:00.000Z',
				domestic_abuse: true,
				stalking_identified: false
			},
			{
				incident_ref: 'INC-2',
				opened_at: '2023-06-30T23:30:00.000Z',
				domestic_abuse: false,
				stalking_identified: true
			},
			{
				incident_ref: 'INC-3',
				opened_at: '2023-06-30T23:30:00.000Z',
				domestic_abuse: true,
				stalking_identified: false
			},
			{
				incident_ref: 'INC-4',
				opened_at: '2023-01-15T08:05:30.000Z',
				domestic_abuse: true,
				stalking_identified: false
			},
			{
				incident_ref: 'INC-5',
				opened_at: '2023-08-01T23:00:00.000Z',
				domestic_abuse: true,
				stalking_identified: false
			}
		]);
	});

	it('loads every kind from its sample file, upper-casing outcome types and offence codes', async () => {
		for (const kind of [
			'arrests',
			'outcomes',
			'workforce',
			'training',
			'population',
			'prevalence'
		] as const) {
			const u = await loaded(`${kind}-valid.csv`, { mode: 'replace' });
			expect(u.kind).toBe(kind);
		}
		expect(await current('outcomes')).toMatchObject([
			{ crime_ref: 'CR-1', outcome_type: '1A' },
			{ crime_ref: 'CR-2', outcome_type: '14' }
		]);
		expect(await current('prevalence')).toEqual([
			{
				year: 2022,
				rate_pct: 3.3,
				lower_pct: 3.0,
				upper_pct: 3.6,
				source: 'Crime Survey for England and Wales, year ending March 2023'
			},
			{ year: 2023, rate_pct: 3.2, lower_pct: null, upper_pct: null, source: null }
		]);
	});

	it('warns about refs to rows not loaded yet and loads them anyway', async () => {
		await loaded('crimes-valid.csv');
		const u = await loaded('arrests-valid.csv');
		// crimes holds CR-1..CR-3, so only AR-2's CR-9 on line 3 is unknown.
		expect(u.warnings.join(' ')).toContain(
			'1 row refers to crime_ref values that are not in the current crimes dataset (e.g. CR-9 on line 3)'
		);
		expect(await current('arrests')).toHaveLength(2);
	});
});

describe('values matched as analysts type them', () => {
	it('stores enum values typed in any case, with spaces or hyphens, in the contract spelling', async () => {
		await loadedText(
			'crimes-enums.csv',
			[
				'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band',
				'CR-1,2023-01-05,8Q,North,Y,Ex-Partner,f,25-34',
				'CR-2,2023-01-06,8Q,North,N, INTIMATE  PARTNER ,m,65 Plus',
				'CR-3,2023-01-07,8Q,North,N,stranger,U,Under_16'
			].join('\n')
		);
		expect(
			(await current('crimes')).map((r) => [r.relationship, r.victim_sex, r.victim_age_band])
		).toEqual([
			['ex_partner', 'F', '25_34'],
			['intimate_partner', 'M', '65_plus'],
			['stranger', 'U', 'under_16']
		]);
		await loadedText(
			'workforce-enums.csv',
			[
				'staff_ref,role,area,start_date,end_date',
				'ST-1,Response Officer,North,2020-01-01,',
				'ST-2, CONTROL-ROOM ,North,2020-01-01,',
				'ST-3,neighbourhood_officer,North,2020-01-01,'
			].join('\n')
		);
		expect((await current('workforce')).map((r) => r.role)).toEqual([
			'response_officer',
			'control_room',
			'neighbourhood_officer'
		]);
		// Still refused when the word itself differs, and the message says what does not matter.
		const file = path.join(dir, 'workforce-bad-role.csv');
		fs.writeFileSync(file, 'staff_ref,role,start_date\nST-9,Response Officers,2020-01-01\n');
		const r = await loadExtract(db, { path: file }, { user: 'analyst1', config, today: TODAY });
		expect(r.ok).toBe(false);
		expect(r.ok ? [] : r.error.details).toContainEqual(
			expect.objectContaining({
				line: 2,
				column: 'role',
				message: expect.stringContaining('(case, spaces and hyphens do not matter)')
			})
		);
	});

	it('counts staff trained on "Stalking" or " STALKING " as trained on the stalking course', async () => {
		await loadedText(
			'workforce.csv',
			[
				'staff_ref,role,area,start_date,end_date',
				'ST-1,response_officer,North,2020-01-01,',
				'ST-2,control_room,North,2020-01-01,',
				'ST-3,response_officer,North,2020-01-01,',
				'ST-4,investigator,North,2020-01-01,'
			].join('\n')
		);
		await loadedText(
			'training.csv',
			[
				'staff_ref,course,completed_date',
				'ST-1,Stalking,2023-02-10',
				'ST-2, STALKING ,2023-03-05',
				'ST-3,Domestic  Abuse,2023-01-15',
				'ST-4,stalking,2023-01-20'
			].join('\n')
		);
		expect((await current('training')).map((r) => r.course)).toEqual([
			'stalking',
			'stalking',
			'domestic abuse',
			'stalking'
		]);
		const f = await parseFilters(new URLSearchParams({ from: '2023-01', to: '2023-03' }), db);
		// In scope (response_officer, control_room): ST-1, ST-2, ST-3 = 3 every month.
		// Trained by 31 Jan: none (ST-3's course is not stalking) -> 0/3; by 28 Feb: ST-1 -> 1/3;
		// by 31 Mar: ST-1, ST-2 -> 2/3. Total trained (any role) adds ST-4 (20 Jan): 1, 2, 3.
		const expected = [
			{ month: '2023-01', in_scope: 3, trained: 0, coverage: 0, total_trained: 1 },
			{ month: '2023-02', in_scope: 3, trained: 1, coverage: 1 / 3, total_trained: 2 },
			{ month: '2023-03', in_scope: 3, trained: 2, coverage: 2 / 3, total_trained: 3 }
		];
		const r = await training(db, { ...f, role: null });
		expect(r.months).toMatchObject(expected);
		// An admin who types the setting as "Stalking " gets the same figures.
		await setSetting(db, 'training_course', 'Stalking ', 'admin1');
		expect((await training(db, { ...f, role: null })).months).toMatchObject(expected);

		// ST-1 handles a call on 5 Jan (before the course, 10 Feb: untrained, not identified) and on
		// 1 Mar (after: trained, identified) -> 1 trained of which 1 identified, 1 untrained, 0.
		await loadedText(
			'incidents.csv',
			[
				'incident_ref,opened_at,area,domestic_abuse,stalking_identified,handler_ref',
				'INC-1,2023-01-05 10:00,North,Y,N,ST-1',
				'INC-2,2023-03-01 10:00,North,Y,Y,ST-1'
			].join('\n')
		);
		expect((await identification(db, f)).totals).toMatchObject({
			trained_handler_incidents: 1,
			trained_handler_identified: 1,
			untrained_handler_incidents: 1,
			untrained_handler_identified: 0
		});
	});

	it('stores NORTH, North and north as one area, in the first loaded spelling, whatever comes later', async () => {
		// In this first file North is written twice and NORTH once -> North; "south  east" and
		// "South East" once each -> the earlier line's spelling, spaces collapsed: "south east".
		const first = await loadedText(
			'crimes-areas.csv',
			[
				'crime_ref,recorded_date,offence_code,area,domestic_abuse',
				'CR-1,2023-01-05,8Q,North,Y',
				'CR-2,2023-01-06,8Q, NORTH ,Y',
				'CR-3,2023-01-07,8Q,North,N',
				'CR-4,2023-01-08,8Q,south  east,N',
				'CR-5,2023-01-09,8Q,South East,N'
			].join('\n')
		);
		expect((await current('crimes')).map((r) => r.area)).toEqual([
			'North',
			'North',
			'North',
			'south east',
			'south east'
		]);
		expect(first.warnings).toContain(
			'Area names are matched ignoring case and spaces and kept in one spelling: stored ' +
				'"NORTH" (1 row, first on line 3) as "North", the spelling this file uses most; ' +
				'"South East" (1 row, first on line 6) as "south east", the spelling this file uses most.'
		);

		// Later files take the spelling already loaded, whichever kind they are.
		const pop = await loadedText(
			'population-areas.csv',
			['area,year,population_16plus', 'NORTH,2023,1000', 'north,2022,900'].join('\n')
		);
		expect((await current('population', 2)).map((r) => r.area)).toEqual(['North', 'North']);
		expect(pop.warnings.join(' ')).toContain(
			'"NORTH" (1 row, first on line 2) as "North", the spelling already loaded'
		);
		expect(await areas(db)).toEqual({ areas: ['North', 'south east'] });
		const filters = await parseFilters(new URLSearchParams({ area: 'NORTH' }), db);
		expect(filters.area).toBe('North');

		// Rolling the first upload back does not change the spelling: history keeps it.
		await rollbackUpload(db, first.id, 'analyst1');
		await loadedText(
			'incidents-areas.csv',
			[
				'incident_ref,opened_at,area,domestic_abuse,stalking_identified',
				'INC-1,2023-01-05 10:00,NORTH,Y,N',
				'INC-2,2023-01-05 11:00,SOUTH EAST,Y,N'
			].join('\n')
		);
		expect((await current('incidents')).map((r) => r.area)).toEqual(['North', 'south east']);
	});

	it('refuses North and NORTH for the same year in one population file as a repeated key', async () => {
		const file = path.join(dir, 'population-dup.csv');
		fs.writeFileSync(file, 'area,year,population_16plus\nNorth,2023,1000\nNORTH,2023,1000\n');
		const r = await loadExtract(db, { path: file }, { user: 'analyst1', config, today: TODAY });
		expect(r.ok).toBe(false);
		expect(r.ok ? [] : r.error.details).toContainEqual(
			expect.objectContaining({
				line: 2,
				column: 'area + year',
				message: expect.stringContaining('repeats on lines 2, 3')
			})
		);
	});

	it('warns about outcomes dated before their crime was recorded, from either side, and loads them', async () => {
		await loadedText(
			'crimes.csv',
			[
				'crime_ref,recorded_date,offence_code,area,domestic_abuse',
				'CR-1,2023-01-05,8Q,North,Y',
				'CR-2,2023-02-10,8Q,North,Y',
				'CR-3,2023-03-15,8Q,North,Y'
			].join('\n')
		);
		// CR-1 a day early and CR-3 14 days early -> 2; CR-2 on its recording day is fine; CR-9's
		// crime is not loaded, so it is the unknown-ref warning's, not this one's.
		const outcomes = await loadedText(
			'outcomes.csv',
			[
				'crime_ref,outcome_type,outcome_date',
				'CR-1,1,2023-01-04',
				'CR-2,1,2023-02-10',
				'CR-3,15 b,2023-03-01',
				'CR-9,1,2023-01-01'
			].join('\n')
		);
		expect(outcomes.warnings).toContain(
			'2 outcomes are dated before their crimes were recorded in the current crimes dataset ' +
				'(e.g. CR-1 on line 2: outcome 2023-01-04, recorded 2023-01-05; CR-3 on line 4: outcome ' +
				'2023-03-01, recorded 2023-03-15). They are kept, but those outcomes are left out of the ' +
				'days to charge until the dates are corrected; check the outcome_date and recorded_date in the exports.'
		);
		expect((await current('outcomes')).map((r) => r.outcome_type)).toEqual(['1', '1', '15B', '1']);

		// A corrected crimes extract: CR-1 now recorded 1 Jan (fine), CR-2 moved to 11 Feb, after its
		// outcome of 10 Feb -> 1, on line 3 of this file.
		const crimes = await loadedText(
			'crimes-corrected.csv',
			[
				'crime_ref,recorded_date,offence_code,area,domestic_abuse',
				'CR-1,2023-01-01,8Q,North,Y',
				'CR-2,2023-02-11,8Q,North,Y'
			].join('\n')
		);
		expect(crimes.warnings.join(' ')).toContain(
			'1 crime is recorded after the date of its outcome in the current outcomes dataset ' +
				'(e.g. CR-2 on line 3: outcome 2023-02-10, recorded 2023-02-11).'
		);
	});
});

describe('the database reads the app’s own folders only', () => {
	it('refuses other files and a change of settings, and still loads an upload with local times', async () => {
		await expect(db.all("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(
			/Permission Error/
		);
		await expect(db.run('SET enable_external_access = true')).rejects.toThrow(
			/configuration has been locked/
		);
		await expect(db.run('INSTALL httpfs')).rejects.toThrow(/Permission Error/);
		const settings = await db.one(
			`SELECT current_setting('enable_external_access') AS external,
			 current_setting('autoinstall_known_extensions') AS autoinstall,
			 current_setting('autoload_known_extensions') AS autoload,
			 current_setting('lock_configuration') AS locked, current_setting('TimeZone') AS tz`
		);
		expect(settings).toEqual({
			external: false,
			autoinstall: false,
			autoload: false,
			locked: true,
			tz: 'UTC'
		});
		// A fixture outside DATA_DIR is copied in; ICU (Europe/London) is built in.
		const upload = await loaded('incidents-valid.csv');
		expect(upload.rows).toBe(5);
		expect(await db.one("SELECT opened_at FROM incidents WHERE incident_ref = 'INC-2'")).toEqual({
			opened_at: '2023-06-30T23:30:00.000Z'
		});
		expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
	});
});

describe('merge, replace, rollback, restore', () => {
	it('merges by key, replaces, rolls back and restores to the exact previous datasets', async () => {
		const base = await loaded('crimes-valid.csv', { mode: 'replace' });
		expect([base.inserted, base.replaced]).toEqual([3, 0]);
		const afterBase = await current('crimes');

		// crimes-merge.csv: CR-2 changes, CR-4 is new -> 1 inserted, 1 replaced; CR-1 and CR-3 stay.
		const merge = await loaded('crimes-merge.csv');
		expect([merge.mode, merge.inserted, merge.replaced]).toEqual(['merge', 1, 1]);
		const afterMerge = await current('crimes');
		expect(afterMerge.map((r) => [r.crime_ref, r.offence_code])).toEqual([
			['CR-1', '8Q'],
			['CR-2', '8M'],
			['CR-3', '8Q'],
			['CR-4', '8Q']
		]);

		// crimes-replace.csv holds CR-5 only: it becomes the whole dataset.
		const replace = await loaded('crimes-replace.csv', { mode: 'replace' });
		expect(replace.warnings.join(' ')).toMatch(
			/4 rows of the previous crimes dataset are not in this file/
		);
		expect((await current('crimes')).map((r) => r.crime_ref)).toEqual(['CR-5']);

		await rollbackUpload(db, replace.id, 'analyst1');
		expect(await current('crimes')).toEqual(afterMerge);
		await rollbackUpload(db, merge.id, 'analyst1');
		expect(await current('crimes')).toEqual(afterBase);
		await restoreUpload(db, merge.id, 'analyst1');
		expect(await current('crimes')).toEqual(afterMerge);

		const history = await db.one<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM h_crimes WHERE upload_seq IN (
			SELECT seq FROM uploads WHERE id IN ($a, $b, $c))`,
			{ a: base.id, b: merge.id, c: replace.id }
		);
		expect(history?.n).toBe(3 + 2 + 1);
		expect((await getUpload(db, replace.id))?.active).toBe(false);
		const actions = await db.all<{ action: string; target: string }>(
			`SELECT action, target FROM audit_log WHERE action IN ('rollback', 'restore') ORDER BY id`
		);
		expect(actions).toEqual([
			{ action: 'rollback', target: replace.id },
			{ action: 'rollback', target: merge.id },
			{ action: 'restore', target: merge.id }
		]);
		await expect(rollbackUpload(db, replace.id, 'analyst1')).rejects.toThrow(/already rolled back/);
		await expect(rollbackUpload(db, 'up999', 'analyst1')).rejects.toThrow(/no upload up999/);
	});

	it('refuses the same file again while it is active, saying when and by whom', async () => {
		const first = await loaded('crimes-replace.csv', { mode: 'replace' });
		const before = await dumpTables();
		const r = await refused('crimes-replace.csv', { mode: 'replace' });
		expect(r.status).toBe(409);
		expect(r.error.code).toBe('already_loaded');
		expect(r.error.message).toContain(`upload ${first.id}`);
		expect(r.error.message).toContain('by analyst1');
		expect(await dumpTables()).toEqual(before);
		// Once rolled back, the same file may be loaded again.
		await rollbackUpload(db, first.id, 'analyst1');
		expect((await load('crimes-replace.csv', { mode: 'replace' })).ok).toBe(true);
	});

	it('archives the original file compressed, with the same sha256', async () => {
		const u = await loaded('windows-1252.csv', { mode: 'merge' });
		const original = fs.readFileSync(path.join(FIX, 'windows-1252.csv'));
		const archived = zlib.gunzipSync(fs.readFileSync(archivedFilePath(config, u)));
		expect(archived.equals(original)).toBe(true);
		expect(crypto.createHash('sha256').update(archived).digest('hex')).toBe(u.sha256);
		expect(
			fs.readdirSync(path.join(dir, 'uploads')).filter((f) => f.startsWith('.partial'))
		).toEqual([]);
	});

	it('lists uploads newest first and counts the current datasets', async () => {
		await loaded('crimes-valid.csv');
		await loaded('crimes-merge.csv');
		await loaded('crimes-replace.csv');
		await loaded('arrests-valid.csv');
		const list = await listUploads(db, { kind: 'crimes' });
		expect(list.map((u) => u.file_name)).toEqual([
			'crimes-replace.csv',
			'crimes-merge.csv',
			'crimes-valid.csv'
		]);
		const seqs = list.map((u) => Number(u.id.slice(2)));
		expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
		// Three merges: CR-1..3, then CR-2 replaced + CR-4, then CR-5 -> 5 crimes; 2 arrests.
		expect(await datasetCounts(db)).toEqual({
			crimes: 5,
			arrests: 2,
			outcomes: 0,
			incidents: 0,
			risk_assessments: 0,
			protective_orders: 0,
			workforce: 0,
			training: 0,
			population: 0,
			prevalence: 0
		});
	});
});
