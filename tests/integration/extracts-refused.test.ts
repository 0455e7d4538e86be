// A refused upload's report kept whole on a real DuckDB file (refused.ts): every problem stored,
// paged, grouped and filtered by rule, every problem as CSV, and the dataset left as it was.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import { datasetCounts, listUploads, loadExtract } from '../../src/lib/server/extracts';
import { readHistory } from '../../src/lib/server/extracts/history';
import { getRefused, getRefusedReport, readProblems } from '../../src/lib/server/extracts/refused';
import type { Refusal } from '../../src/lib/server/extracts/refusals';
import { extractDbs } from '../helpers/extract-db';

const TODAY = '2024-06-01';
const HEADER = 'crime_ref,recorded_date,offence_code,area,domestic_abuse';

let db: Db;
let config: Config;
let dir: string;

const dbs = extractDbs('extracts-refused-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

async function refuse(name: string, text: string): Promise<Refusal> {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	const r = await loadExtract(db, { path: file }, { user: 'analyst1', config, today: TODAY });
	if (r.ok) throw new Error(`expected ${name} to be refused`);
	return r;
}

// Eight problems counted by hand, line by line (line 1 is the header):
//   2 recorded_date YYYY-MM-DD month 13        3 recorded_date DD/MM/YYYY month 13
//   4 domestic_abuse not a flag                5 recorded_date 30 February, domestic_abuse not a flag
//   6 crime_ref CR-5 repeats on line 7         8 recorded_date empty
//   9 recorded_date YYYY-MM-DD month 13        (line 7 itself is the repeat, counted once at line 6)
const EIGHT = [
	HEADER,
	'CR-1,2024-13-01,8Q,North,Y',
	'CR-2,13/13/2024,8Q,North,Y',
	'CR-3,2024-01-05,8Q,North,maybe',
	'CR-4,2024-02-30,8Q,North,X',
	'CR-5,2024-01-05,8Q,North,Y',
	'CR-5,2024-01-06,8Q,North,N',
	'CR-6,,8Q,North,Y',
	'CR-7,2024-13-02,8Q,North,Y'
].join('\n');

const FLAG = 'is not a Y/N flag: use Y, N, Yes, No, TRUE, FALSE, 1 or 0';

describe('a refused file with eight problems of six rules', () => {
	it('keeps every problem, grouped by rule with counts, and changes nothing', async () => {
		const before = await datasetCounts(db);
		const r = await refuse('eight.csv', EIGHT);
		expect(r.status).toBe(422);
		expect(r.report!.errorCount).toBe(8);
		const stored = r.report!.stored!;
		expect(stored).toMatchObject({ ref: 'rf1', problems: 8, capped: false, per_page: 50 });
		expect(stored.href).toBe('/api/v1/extracts/refused/rf1');
		expect(stored.csv).toBe('/api/v1/extracts/refused/rf1?format=csv');
		// The answer lists its first page: all eight here.
		expect(r.report!.problems).toHaveLength(8);
		expect(r.report!.truncated).toBe(false);

		const report = await getRefused(db, stored.ref);
		expect(report).toMatchObject({
			file_name: 'eight.csv',
			kind: 'crimes',
			refused_by: 'analyst1',
			code: 'invalid_extract',
			rows: 8,
			error_count: 8,
			problem_count: 8,
			capped: false
		});
		// Count 2 first (by column name), then the ones, the repeated key last.
		expect(report.summary.map((s) => [s.rule, s.message, s.listed])).toEqual([
			[1, `2 rows: domestic_abuse ${FLAG}`, 2],
			[2, '2 rows: recorded_date is YYYY-MM-DD with month 13', 2],
			[3, '1 row: recorded_date is DD/MM/YYYY with month 13', 1],
			[4, '1 row: recorded_date is YYYY-MM-DD with day 30, but month 2 of 2024 has 29 days', 1],
			[5, '1 row: recorded_date is empty but it is required', 1],
			[
				6,
				'1 row: crime_ref repeats a key already used earlier in the file (keys must be unique)',
				1
			]
		]);

		// Not an upload: no dataset, no history row; the audit row names the report.
		expect(await datasetCounts(db)).toEqual(before);
		expect(await listUploads(db)).toEqual([]);
		const audit = await db.all<{ report: string; problems: number }>(
			`SELECT details->>'report' AS report, (details->>'problems')::INTEGER AS problems
			 FROM audit_log WHERE action = 'upload_refused'`
		);
		expect(audit).toEqual([{ report: 'rf1', problems: 8 }]);
		const history = await readHistory(db, new URLSearchParams());
		expect(history.rows.map((h) => [h.statuses, h.report, h.report_href])).toEqual([
			[['refused'], 'rf1', '/extracts/refused/rf1']
		]);
	});

	it('pages them in file order, three a page', async () => {
		const r = await refuse('eight.csv', EIGHT);
		const report = await getRefused(db, r.report!.stored!.ref);
		const page = async (n: number) => {
			const p = await readProblems(
				db,
				report,
				new URLSearchParams({ page: String(n), per_page: '3' })
			);
			return { ...p.page, lines: p.problems.map((x) => `${x.line} ${x.column}`) };
		};
		expect(await page(1)).toMatchObject({
			page: 1,
			pages: 3,
			total: 8,
			from: 1,
			to: 3,
			lines: ['2 recorded_date', '3 recorded_date', '4 domestic_abuse']
		});
		expect(await page(2)).toMatchObject({
			from: 4,
			to: 6,
			lines: ['5 recorded_date', '5 domestic_abuse', '6 crime_ref']
		});
		expect(await page(3)).toMatchObject({
			from: 7,
			to: 8,
			lines: ['8 recorded_date', '9 recorded_date']
		});
		await expect(page(4)).rejects.toThrow('page must be from 1 to 3');
	});

	it('filters by rule and by column, and refuses a rule or column the report does not have', async () => {
		const r = await refuse('eight.csv', EIGHT);
		const report = await getRefused(db, r.report!.stored!.ref);
		const lines = async (params: Record<string, string>) =>
			(await readProblems(db, report, new URLSearchParams(params))).problems.map(
				(p) => `${p.line} ${p.value}`
			);
		expect(await lines({ rule: '2' })).toEqual(['2 2024-13-01', '9 2024-13-02']);
		expect(await lines({ rule: '6' })).toEqual(['6 CR-5']);
		expect(await lines({ column: 'domestic_abuse' })).toEqual(['4 maybe', '5 X']);
		expect(await lines({ column: 'recorded_date', rule: '5' })).toEqual(['8 ']);
		await expect(lines({ rule: '7' })).rejects.toThrow('rule must be a whole number from 1 to 6');
		await expect(lines({ column: 'postcode' })).rejects.toThrow(
			'column must be a column the report names'
		);
	});

	it('gives every problem as CSV: a header and eight lines', async () => {
		const r = await refuse('eight.csv', EIGHT);
		const res = await getRefusedReport(db, r.report!.stored!.ref, new URL('http://x/?format=csv'));
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toContain('eight-report.csv');
		const lines = (await res.text()).split('\r\n');
		expect(lines.pop()).toBe('');
		expect(lines).toHaveLength(9);
		expect(lines[0]).toBe('severity,line,column,value,problem');
		expect(lines[1]).toBe(
			'error,2,recorded_date,2024-13-01,recorded_date is YYYY-MM-DD with month 13'
		);
		expect(lines[6]).toBe(
			'error,6,crime_ref,CR-5,"crime_ref repeats on lines 6, 7: a key must be unique within the file"'
		);
		expect(lines[7]).toBe('error,8,recorded_date,,recorded_date is empty but it is required');
	});

	it('answers 404 for a ref that names no report, and 400 for a bad page size', async () => {
		await expect(getRefused(db, 'rf99')).rejects.toThrow('There is no refused report rf99');
		await expect(getRefused(db, "rf1' OR 1=1")).rejects.toThrow('There is no refused report');
		const r = await refuse('eight.csv', EIGHT);
		const report = await getRefused(db, r.report!.stored!.ref);
		await expect(
			readProblems(db, report, new URLSearchParams({ per_page: '1001' }))
		).rejects.toThrow('per_page must be a whole number from 1 to 1,000');
	});

	it('keeps a personal-data value masked in the stored report', async () => {
		const r = await refuse(
			'email.csv',
			[HEADER, 'jo.bloggs@example.com,2024-01-05,8Q,North,Y'].join('\n')
		);
		expect(r.error.code).toBe('personal_data');
		const report = await getRefused(db, r.report!.stored!.ref);
		expect(report.personal).toBe(true);
		const rows = await db.all<{ value: string }>('SELECT value FROM refused_problems');
		expect(rows).toEqual([{ value: 'j… (21 characters, hidden)' }]);
		const csv = await (
			await getRefusedReport(db, report.ref, new URL('http://x/?format=csv'))
		).text();
		expect(csv).not.toContain('bloggs');
	});
});

describe('a refused file with 10,000 problems', () => {
	it('keeps all 10,000 (not the first 1,000), pages them and lists them all as CSV', async () => {
		// Every row's recorded_date has month 13: one problem a row.
		const rows = Array.from({ length: 10_000 }, (_, i) => `CR-${i + 1},2024-13-01,8Q,North,Y`);
		const r = await refuse('ten-thousand.csv', [HEADER, ...rows].join('\n'));
		expect(r.report!.errorCount).toBe(10_000);
		expect(r.report!.problems).toHaveLength(50);
		expect(r.error.details).toHaveLength(50);
		expect(r.report!.truncated).toBe(true);
		expect(r.report!.stored).toMatchObject({ problems: 10_000, capped: false });

		const report = await getRefused(db, r.report!.stored!.ref);
		expect(report.problem_count).toBe(10_000);
		expect(report.summary.map((s) => [s.message, s.listed])).toEqual([
			['10000 rows: recorded_date is YYYY-MM-DD with month 13', 10_000]
		]);
		// Page 200 of 200 at 50 a page: problems 9,951 to 10,000, file lines 9,952 to 10,001.
		const last = await readProblems(db, report, new URLSearchParams({ page: '200' }));
		expect(last.page).toMatchObject({ pages: 200, total: 10_000, from: 9951, to: 10_000 });
		expect(last.problems[0].line).toBe(9952);
		expect(last.problems.at(-1)!.line).toBe(10_001);

		const csv = await (
			await getRefusedReport(db, report.ref, new URL('http://x/?format=csv'))
		).text();
		const lines = csv.split('\r\n');
		expect(lines.pop()).toBe('');
		expect(lines).toHaveLength(10_001);
		expect(lines[10_000]).toBe(
			'error,10001,recorded_date,2024-13-01,recorded_date is YYYY-MM-DD with month 13'
		);
	});
});
