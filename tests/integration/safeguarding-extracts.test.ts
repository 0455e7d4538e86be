// The safeguarding extracts (risk_assessments, protective_orders) and crimes' first_offence_code
// through the one pipeline on a real DuckDB file: every rule refused with its line, column and value
// and nothing changed; valid files typed as the contract says; unknown-ref warnings; the
// personal-data guard; merge, replace, rollback and restore; freshness and the as-at date.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	loadExtract,
	restoreUpload,
	rollbackUpload,
	type LoadOutcome,
	type UploadInfo
} from '../../src/lib/server/extracts';
import type { KindName } from '../../src/lib/server/extracts/contract';
import { dataFreshness, datasetAsAt } from '../../src/lib/server/metrics';
import { extractDbs } from '../helpers/extract-db';

const TODAY = '2024-06-01';

let dir: string;
let db: Db;
let config: Config;

const dbs = extractDbs('safeguarding-extracts-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

const CRIMES = `crime_ref,recorded_date,offence_code,area,domestic_abuse,incident_ref,first_offence_code
CR-1,2024-01-05,8Q,Mansfield,Y,INC-1,8l
CR-2,2024-02-10,8Q,Ashfield,N,,8Q
CR-3,2024-03-15,8L,Mansfield,Y,INC-2,
`;
const INCIDENTS = `incident_ref,opened_at,area,domestic_abuse,stalking_identified
INC-1,2024-01-04T22:15:00Z,Mansfield,Y,Y
INC-2,2024-03-14 09:30,Mansfield,Y,N
`;
// RA-2 is linked by its incident only (the assessment at the call, before the crime was recorded).
const RISK_HEAD =
	'assessment_ref,crime_ref,incident_ref,tool,completed_at,risk_level,marac_referral,advocacy_referral';
const RISK = `${RISK_HEAD}
RA-1,CR-1,INC-1,DASH,2024-01-05 14:00,high,Y,Y
RA-2,,INC-2,dara,2024-03-14,Medium,N,
RA-3,CR-2,,S-DASH,2024-02-13T09:00:00Z,standard,,No
`;
// PO-1 expires after the upload day (an expiry lies ahead); PO-3 is pending, without a decision.
const ORDERS_HEAD =
	'order_ref,order_type,crime_ref,area,applied_date,status,decision_date,expires_date,breach_count';
const ORDERS = `${ORDERS_HEAD}
PO-1,spo,CR-1,Mansfield,2024-02-01,granted,2024-03-01,2026-03-01,1
PO-2,Interim SPO,CR-1,Mansfield,2024-01-20,granted,2024-01-22,2024-03-01,0
PO-3,SPO,,Ashfield,2024-05-01,pending,,,
PO-4,dvpo,CR-3,Mansfield,2024-03-16,withdrawn,2024-03-20,,
`;

let files = 0;
function load(
	text: string,
	opts: { kind?: KindName; mode?: 'merge' | 'replace' } = {}
): Promise<LoadOutcome> {
	const file = path.join(dir, `file-${++files}.csv`);
	fs.writeFileSync(file, text);
	return loadExtract(db, { path: file }, { ...opts, user: 'analyst1', config, today: TODAY });
}

async function loaded(text: string, opts: Parameters<typeof load>[1] = {}): Promise<UploadInfo> {
	const r = await load(text, opts);
	if (!r.ok) throw new Error(`expected the file to load: ${r.error.message}`);
	return r.upload;
}

async function refused(text: string, opts: Parameters<typeof load>[1] = {}) {
	const r = await load(text, opts);
	if (r.ok) throw new Error('expected the file to be refused');
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
		out[name] = JSON.stringify(await db.all(`SELECT * FROM "${name}" ORDER BY ALL`));
	}
	return out;
}

const current = (kind: KindName) => db.all(`SELECT * EXCLUDE (upload_seq) FROM ${kind} ORDER BY 1`);

describe('valid files', () => {
	it('loads risk assessments, one linked by its incident only, in the contract spelling', async () => {
		await loaded(CRIMES);
		await loaded(INCIDENTS);
		const u = await loaded(RISK);
		expect(u.kind).toBe('risk_assessments');
		expect(u.rows).toBe(3);
		// Every crime and incident named is loaded: no unknown-ref warning.
		expect(u.warnings).toEqual([]);
		expect(await current('risk_assessments')).toEqual([
			{
				assessment_ref: 'RA-1',
				crime_ref: 'CR-1',
				incident_ref: 'INC-1',
				tool: 'dash',
				// 14:00 London time in January is 14:00 UTC.
				completed_at: '2024-01-05T14:00:00.000Z',
				risk_level: 'high',
				marac_referral: true,
				advocacy_referral: true,
				// Its day on the London clock, worked out as it is loaded.
				completed_local_date: '2024-01-05'
			},
			{
				assessment_ref: 'RA-2',
				crime_ref: null,
				incident_ref: 'INC-2',
				tool: 'dara',
				// A date alone is midnight London time (March 14th is still GMT).
				completed_at: '2024-03-14T00:00:00.000Z',
				risk_level: 'medium',
				marac_referral: false,
				advocacy_referral: null,
				completed_local_date: '2024-03-14'
			},
			{
				assessment_ref: 'RA-3',
				crime_ref: 'CR-2',
				incident_ref: null,
				tool: 's_dash',
				completed_at: '2024-02-13T09:00:00.000Z',
				risk_level: 'standard',
				marac_referral: null,
				advocacy_referral: false,
				completed_local_date: '2024-02-13'
			}
		]);
	});

	it('loads protective orders: a pending one without a decision, an expiry after the upload day', async () => {
		await loaded(CRIMES);
		const u = await loaded(ORDERS);
		expect(u.kind).toBe('protective_orders');
		expect(u.warnings).toEqual([]);
		// The latest date the extract records is PO-3's application on 1 May; PO-1's expiry in 2026
		// is a date ahead, not one the extract was taken after.
		expect(u.as_of).toBe('2024-05-02');
		expect(await current('protective_orders')).toEqual([
			{
				order_ref: 'PO-1',
				order_type: 'spo',
				crime_ref: 'CR-1',
				area: 'Mansfield',
				applied_date: '2024-02-01',
				status: 'granted',
				decision_date: '2024-03-01',
				expires_date: '2026-03-01',
				breach_count: 1
			},
			{
				order_ref: 'PO-2',
				order_type: 'interim_spo',
				crime_ref: 'CR-1',
				area: 'Mansfield',
				applied_date: '2024-01-20',
				status: 'granted',
				decision_date: '2024-01-22',
				expires_date: '2024-03-01',
				breach_count: 0
			},
			{
				order_ref: 'PO-3',
				order_type: 'spo',
				crime_ref: null,
				area: 'Ashfield',
				applied_date: '2024-05-01',
				status: 'pending',
				decision_date: null,
				expires_date: null,
				breach_count: null
			},
			{
				order_ref: 'PO-4',
				order_type: 'dvpo',
				crime_ref: 'CR-3',
				area: 'Mansfield',
				applied_date: '2024-03-16',
				status: 'withdrawn',
				decision_date: '2024-03-20',
				expires_date: null,
				breach_count: null
			}
		]);
	});

	it('loads a file with only the required columns of each kind', async () => {
		const ra = await loaded(
			`assessment_ref,incident_ref,tool,completed_at,risk_level\nRA-9,INC-9,dash,2024-05-01,high\n`
		);
		expect(ra.kind).toBe('risk_assessments');
		const po = await loaded(
			`order_ref,order_type,area,applied_date,status\nPO-9,spo,Gedling,2024-05-01,pending\n`
		);
		expect(po.kind).toBe('protective_orders');
	});

	it('keeps first_offence_code on crimes upper-cased, and unknown when the export has no such column', async () => {
		await loaded(CRIMES);
		expect(
			await db.all('SELECT crime_ref, offence_code, first_offence_code FROM crimes ORDER BY 1')
		).toEqual([
			{ crime_ref: 'CR-1', offence_code: '8Q', first_offence_code: '8L' },
			{ crime_ref: 'CR-2', offence_code: '8Q', first_offence_code: '8Q' },
			{ crime_ref: 'CR-3', offence_code: '8L', first_offence_code: null }
		]);
		await loaded(
			`crime_ref,recorded_date,offence_code,area,domestic_abuse\nCR-1,2024-01-05,8Q,Mansfield,Y\n`
		);
		expect(await db.one(`SELECT first_offence_code FROM crimes WHERE crime_ref = 'CR-1'`)).toEqual({
			first_offence_code: null
		});
	});
});

describe('refusals: each rule with its line, column and value, and nothing changed', () => {
	// [what, file, line, column, value, reason]
	const cases: [string, string, number, string, string, RegExp][] = [
		[
			'a risk assessment with neither crime_ref nor incident_ref',
			`${RISK_HEAD}\nRA-1,CR-1,,dash,2024-01-05,high,Y,N\nRA-2,,,dash,2024-01-06,high,Y,N\n`,
			3,
			'crime_ref',
			'',
			/one of crime_ref or incident_ref is required/
		],
		[
			'a risk assessments file with no crime_ref or incident_ref column at all',
			`assessment_ref,tool,completed_at,risk_level\nRA-1,dash,2024-01-05,high\n`,
			2,
			'crime_ref',
			'',
			/and so is incident_ref/
		],
		[
			'a tool that is not in the contract',
			`${RISK_HEAD}\nRA-1,CR-1,,MARAC,2024-01-05,high,Y,N\n`,
			2,
			'tool',
			'MARAC',
			/not one of the allowed values: dash, dara, s_dash, other/
		],
		[
			'a risk level that is not in the contract',
			`${RISK_HEAD}\nRA-1,CR-1,,dash,2024-01-05,very high,Y,N\n`,
			2,
			'risk_level',
			'very high',
			/allowed values: standard, medium, high/
		],
		[
			'completed_at with month 13',
			`${RISK_HEAD}\nRA-1,CR-1,,dash,2024-13-05 10:00,high,Y,N\n`,
			2,
			'completed_at',
			'2024-13-05 10:00',
			/month 13/
		],
		[
			'completed_at after the upload day',
			`${RISK_HEAD}\nRA-1,CR-1,,dash,2024-06-02,high,Y,N\n`,
			2,
			'completed_at',
			'2024-06-02',
			/after the upload day/
		],
		[
			'a MARAC referral flag that is not Y or N',
			`${RISK_HEAD}\nRA-1,CR-1,,dash,2024-01-05,high,maybe,N\n`,
			2,
			'marac_referral',
			'maybe',
			/not a Y\/N flag/
		],
		[
			'a granted order without a decision date',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,pending,,,\nPO-2,spo,CR-1,Mansfield,2024-02-01,granted,,,\n`,
			3,
			'decision_date',
			'',
			/set the status to pending/
		],
		[
			'a refused order in a file with no decision_date column',
			`order_ref,order_type,area,applied_date,status\nPO-1,spo,Mansfield,2024-02-01,refused\n`,
			2,
			'decision_date',
			'',
			/the court has decided/
		],
		[
			'a decision before the application',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,granted,2024-01-31,,\n`,
			2,
			'decision_date',
			'2024-01-31',
			/before applied_date/
		],
		[
			'an order that expires before it was decided',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,granted,2024-03-01,2024-02-28,\n`,
			2,
			'expires_date',
			'2024-02-28',
			/cannot end before it was made/
		],
		[
			'a breach count of -1',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,granted,2024-03-01,,-1\n`,
			2,
			'breach_count',
			'-1',
			/must be 0 or more/
		],
		[
			'a breach count that is not a whole number',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,granted,2024-03-01,,1.5\n`,
			2,
			'breach_count',
			'1.5',
			/not a whole number/
		],
		[
			'a status that is not in the contract',
			`${ORDERS_HEAD}\nPO-1,spo,CR-1,Mansfield,2024-02-01,approved,2024-03-01,,\n`,
			2,
			'status',
			'approved',
			/allowed values: pending, granted, refused, withdrawn/
		],
		[
			'an order type that is not in the contract',
			`${ORDERS_HEAD}\nPO-1,injunction,CR-1,Mansfield,2024-02-01,granted,2024-03-01,,\n`,
			2,
			'order_type',
			'injunction',
			/allowed values: spo, interim_spo, dapo, dvpo, restraining_order, other/
		],
		[
			'an application dated after the upload day (only the expiry may lie ahead)',
			`${ORDERS_HEAD}\nPO-1,spo,,Mansfield,2024-07-01,pending,,,\n`,
			2,
			'applied_date',
			'2024-07-01',
			/after the upload day/
		]
	];

	it.each(cases)('refuses %s', async (_what, text, line, column, value, reason) => {
		await loaded(CRIMES);
		await loaded(ORDERS);
		const before = await dumpTables();
		const r = await refused(text);
		expect(r.status).toBe(422);
		expect(r.error.code).toBe('invalid_extract');
		const found = r.report!.problems.find((p) => p.line === line && p.column === column);
		expect(found, JSON.stringify(r.report!.problems)).toBeDefined();
		expect(found!.value).toBe(value);
		expect(found!.reason).toMatch(reason);
		// One problem per broken rule: a rule does not report a value another already refused.
		expect(r.report!.errorCount).toBe(1);
		expect(await dumpTables()).toEqual(before);
	});

	it('sums a rule broken on many rows into one line of the summary', async () => {
		const rows = Array.from(
			{ length: 4 },
			(_, i) => `PO-${i},spo,,Mansfield,2024-02-01,granted,,,`
		).join('\n');
		const r = await refused(`${ORDERS_HEAD}\n${rows}\n`);
		expect(r.report!.summary.map((s) => [s.column, s.count, s.firstLines])).toEqual([
			['decision_date', 4, [2, 3, 4, 5]]
		]);
	});
});

describe('refs to rows not loaded yet', () => {
	it('warns about risk assessments of unknown crimes and incidents, and loads them', async () => {
		await loaded(CRIMES);
		const u = await loaded(RISK);
		// Crimes are loaded, incidents are not: RA-1's INC-1 (line 2) and RA-2's INC-2 (line 3).
		expect(u.warnings).toEqual([
			'2 rows refer to incident_ref values that are not in the current incidents dataset (e.g. INC-1 on line 2, INC-2 on line 3); they are kept and will link up once that incidents extract is loaded.'
		]);
		expect(u.rows).toBe(3);
	});

	it('warns about orders resting on unknown crimes, and loads them', async () => {
		const u = await loaded(ORDERS);
		// PO-3 names no crime, which is allowed and not warned about.
		expect(u.warnings).toEqual([
			'3 rows refer to crime_ref values that are not in the current crimes dataset (e.g. CR-1 on line 2, CR-1 on line 3, CR-3 on line 5); they are kept and will link up once that crimes extract is loaded.'
		]);
	});
});

describe('the personal-data guard', () => {
	it('refuses a postcode in a protective orders file, naming column and line, not echoing it', async () => {
		const before = await dumpTables();
		const r = await refused(`${ORDERS_HEAD}\nPO-1,spo,,NG1 5DT,2024-02-01,pending,,,\n`);
		expect(r.status).toBe(422);
		expect(r.error.code).toBe('personal_data');
		const p = r.report!.problems.find((x) => x.line === 2 && x.column === 'area');
		expect(p?.personal).toBe(true);
		expect(p?.reason).toMatch(/postcode/);
		expect(JSON.stringify(r)).not.toContain('NG1 5DT');
		expect(await dumpTables()).toEqual(before);
	});

	it('refuses a postcode column in a protective orders file by its name', async () => {
		const r = await refused(
			`${ORDERS_HEAD},postcode\nPO-1,spo,,Mansfield,2024-02-01,pending,,,,NG1\n`,
			{ kind: 'protective_orders' }
		);
		expect(r.error.code).toBe('personal_data');
		expect(r.error.message).toContain('column "postcode"');
	});

	it('refuses a phone number in a risk assessment ref', async () => {
		const r = await refused(`${RISK_HEAD}\nRA-1,07700900123,,dash,2024-01-05,high,Y,N\n`);
		expect(r.error.code).toBe('personal_data');
		expect(r.report!.problems[0]).toMatchObject({ line: 2, column: 'crime_ref', personal: true });
	});
});

describe('merge, replace, rollback, restore', () => {
	it('merges orders by key, replaces them, and rolls back and restores to the exact datasets', async () => {
		const first = await loaded(ORDERS);
		const afterFirst = await current('protective_orders');
		// The court decides PO-3, and a new application arrives.
		const second = await loaded(
			`${ORDERS_HEAD}\nPO-3,spo,,Ashfield,2024-05-01,granted,2024-05-20,,0\nPO-5,spo,,Gedling,2024-05-25,pending,,,\n`
		);
		expect(second).toMatchObject({ inserted: 1, replaced: 1 });
		const merged = await current('protective_orders');
		expect(merged.map((o) => (o as { order_ref: string }).order_ref)).toEqual([
			'PO-1',
			'PO-2',
			'PO-3',
			'PO-4',
			'PO-5'
		]);
		expect(merged[2]).toMatchObject({ status: 'granted', decision_date: '2024-05-20' });

		await rollbackUpload(db, second.id, 'analyst1');
		expect(await current('protective_orders')).toEqual(afterFirst);
		await restoreUpload(db, second.id, 'analyst1');
		expect(await current('protective_orders')).toEqual(merged);

		const replace = await loaded(
			`${ORDERS_HEAD}\nPO-7,dvpo,,Rushcliffe,2024-04-01,refused,2024-04-03,,\n`,
			{ mode: 'replace' }
		);
		expect(await current('protective_orders')).toMatchObject([{ order_ref: 'PO-7' }]);
		await rollbackUpload(db, replace.id, 'analyst1');
		expect(await current('protective_orders')).toEqual(merged);

		// The history keeps every row of every upload, with its upload and file line.
		const history = await db.all<{ upload_seq: number; line: number; order_ref: string }>(
			'SELECT upload_seq, line, order_ref FROM h_protective_orders ORDER BY upload_seq, line'
		);
		const seq = (u: UploadInfo) => Number(u.id.slice(2));
		expect(history.map((h) => [h.upload_seq, h.line, h.order_ref])).toEqual([
			[seq(first), 2, 'PO-1'],
			[seq(first), 3, 'PO-2'],
			[seq(first), 4, 'PO-3'],
			[seq(first), 5, 'PO-4'],
			[seq(second), 2, 'PO-3'],
			[seq(second), 3, 'PO-5'],
			[seq(replace), 2, 'PO-7']
		]);
	});

	it('rolls a risk assessments upload back to an empty dataset and restores it', async () => {
		const u = await loaded(RISK);
		const all = await current('risk_assessments');
		await rollbackUpload(db, u.id, 'analyst1');
		expect(await current('risk_assessments')).toEqual([]);
		await restoreUpload(db, u.id, 'analyst1');
		expect(await current('risk_assessments')).toEqual(all);
	});
});

describe('freshness and the as-at date', () => {
	it('gives each new kind its latest month, never an expiry ahead', async () => {
		await loaded(RISK);
		await loaded(ORDERS);
		const kinds = (await dataFreshness(db)).kinds;
		expect(kinds.find((k) => k.kind === 'risk_assessments')).toMatchObject({
			rows: 3,
			latest: '2024-03'
		});
		expect(kinds.find((k) => k.kind === 'protective_orders')).toMatchObject({
			rows: 4,
			latest: '2024-05'
		});
	});

	it('leaves the dataset as-at date to the police-activity kinds', async () => {
		await loaded(CRIMES);
		const asAt = await datasetAsAt(db, TODAY);
		// Orders taken later (2 May) and assessments do not move it from the crimes' 16 March.
		await loaded(ORDERS);
		await loaded(RISK);
		expect(await datasetAsAt(db, TODAY)).toEqual(asAt);
		expect(asAt.as_of).toBe('2024-03-16');
	});
});
