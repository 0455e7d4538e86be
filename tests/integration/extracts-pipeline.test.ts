// The extract pipeline's stages on a real DuckDB file: each reported in order with the file's row
// counts, refusals stopping at the stage that refuses, and a cancel at any stage before the commit
// leaving the database, DATA_DIR and DuckDB's temp tables exactly as they were.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	listUploads,
	loadExtract,
	UploadCancelled,
	type Progress,
	type StageName
} from '../../src/lib/server/extracts';
import { extractDbs } from '../helpers/extract-db';
import { tableChecksums } from '../helpers/checksums';

const TODAY = '2024-06-01';
const HEADER =
	'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref';
// Three data rows under the header: 3 rows to read, validate, guard and load.
const THREE_CRIMES = [
	HEADER,
	'CR-1,2023-01-05,8Q,North,Y,ex_partner,F,25_34,INC-1',
	'CR-2,2023-02-10,8L,South,N,stranger,M,35_44,',
	'CR-3,2023-03-15,8Q,North,Y,family,F,16_24,INC-3'
].join('\n');
// One row, a crime of its own, loaded first so the tables are not empty when a cancel is tried.
const ONE_CRIME = [HEADER, 'CR-9,2023-01-02,8Q,South,N,unknown,U,unknown,'].join('\n');

let db: Db;
let config: Config;
let dir: string;
const dbs = extractDbs('extracts-pipeline-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

function write(name: string, text: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
}

function load(
	file: string,
	extra: { onProgress?: (e: Progress) => void; signal?: AbortSignal; config?: Config }
) {
	return loadExtract(db, { path: file }, { user: 'analyst1', config, today: TODAY, ...extra });
}

/** The stages in the order first reported. */
const order = (events: Progress[]) =>
	events.map((e) => e.stage).filter((s, i, all) => all.indexOf(s) === i);

/** The last report of a stage. */
const lastOf = (events: Progress[], stage: StageName) =>
	events.filter((e) => e.stage === stage).at(-1);

/** Every file under DATA_DIR (the database files aside, which a checkpoint may rewrite). */
function files(root: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const f of fs.readdirSync(d, { withFileTypes: true })) {
			const full = path.join(d, f.name);
			if (f.isDirectory()) walk(full);
			else if (!f.name.startsWith('test.duckdb')) out.push(path.relative(root, full));
		}
	};
	walk(root);
	return out.sort();
}

const tempTables = () =>
	db.exclusive((conn) =>
		conn.all<{ name: string }>(
			`SELECT table_name AS name FROM duckdb_tables() WHERE temporary ORDER BY 1`
		)
	);

const audits = () =>
	db.all<{ action: string; details: string }>(
		`SELECT action, details::VARCHAR AS details FROM audit_log ORDER BY id`
	);

describe('stages', () => {
	it('reports reading, validating, guard, loading and done in order, each with the 3 rows', async () => {
		const file = write('three.csv', THREE_CRIMES);
		const events: Progress[] = [];
		const outcome = await load(file, { onProgress: (e) => events.push(e) });
		expect(outcome.ok).toBe(true);
		expect(order(events)).toEqual(['reading', 'validating', 'guard', 'loading', 'done']);
		for (const stage of ['reading', 'validating', 'guard', 'loading', 'done'] as const) {
			expect(lastOf(events, stage)?.rows, stage).toBe(3);
		}
		// The scan reports the bytes it has read: the whole file by its end.
		const scanned = events.filter((e) => e.stage === 'reading' && e.bytes !== undefined);
		expect(scanned.at(-1)?.bytes).toBe(Buffer.byteLength(THREE_CRIMES));
	});

	it('stops after the guard for a file the rules refuse, and loads nothing', async () => {
		const file = write('bad.csv', THREE_CRIMES.replace('2023-02-10', '2023-02-30'));
		const events: Progress[] = [];
		const outcome = await load(file, { onProgress: (e) => events.push(e) });
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.error.code).toBe('invalid_extract');
		expect(order(events)).toEqual(['reading', 'validating', 'guard']);
		expect(await listUploads(db)).toEqual([]);
	});

	it('refuses a Postcode column by its name without reading the rows', async () => {
		const file = write(
			'postcode.csv',
			THREE_CRIMES.split('\n')
				.map((l, i) => `${l},${i === 0 ? 'Postcode' : 'NG1 1AA'}`)
				.join('\n')
		);
		const events: Progress[] = [];
		const outcome = await load(file, { onProgress: (e) => events.push(e) });
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.error.code).toBe('personal_data');
		expect(outcome.status).toBe(422);
		expect(outcome.error.message).toContain('column "Postcode" (a postcode)');
		expect(order(events)).toEqual(['reading', 'guard']);
	});
});

describe('cancel', () => {
	for (const stage of ['reading', 'validating', 'guard', 'loading'] as const) {
		it(`cancelled at ${stage} leaves the tables, DATA_DIR and temp tables as they were`, async () => {
			expect((await load(write('one.csv', ONE_CRIME), {})).ok).toBe(true);
			const file = write('three.csv', THREE_CRIMES);
			const tables = await tableChecksums(db);
			const before = files(dir);
			const audited = await audits();
			expect(await tempTables()).toEqual([]);

			const controller = new AbortController();
			const seen: StageName[] = [];
			const cancelled = load(file, {
				signal: controller.signal,
				onProgress: (e) => {
					seen.push(e.stage);
					if (e.stage === stage) controller.abort();
				}
			});
			await expect(cancelled).rejects.toBeInstanceOf(UploadCancelled);
			await expect(cancelled).rejects.toMatchObject({ stage, status: 499 });
			expect(seen).not.toContain('done');

			expect(await tableChecksums(db)).toEqual(tables);
			expect(files(dir)).toEqual(before);
			expect(await tempTables()).toEqual([]);
			const after = await audits();
			expect(after).toHaveLength(audited.length + 1);
			const added = after.filter((a) => a.action === 'upload_cancelled');
			expect(added).toHaveLength(1);
			expect(JSON.parse(added[0].details)).toEqual({ file_name: 'three.csv', stage });
			expect((await listUploads(db)).map((u) => u.rows)).toEqual([1]);
		});
	}

	it('once the commit has begun, a cancel changes nothing: the upload completes', async () => {
		const controller = new AbortController();
		const outcome = await load(write('three.csv', THREE_CRIMES), {
			signal: controller.signal,
			onProgress: (e) => {
				if (e.stage === 'done') controller.abort();
			}
		});
		expect(outcome.ok).toBe(true);
		expect((await listUploads(db)).map((u) => u.rows)).toEqual([3]);
		expect((await audits()).map((a) => a.action)).toEqual(['upload']);
	});

	it('interrupts the DuckDB statement running when the cancel comes', async () => {
		// 60,000 rows: typing them takes DuckDB long enough for a cancel to land mid-statement.
		const rows = Array.from(
			{ length: 60_000 },
			(_, i) => `CR-${i},2023-01-05,8Q,North,Y,ex_partner,F,25_34,INC-${i}`
		);
		const file = write('many.csv', [HEADER, ...rows].join('\n'));
		const tables = await tableChecksums(db);
		const controller = new AbortController();
		// The cancel comes 10 ms into the statement that types the rows (validating); what that
		// statement ends with is kept.
		const ended: string[] = [];
		const run = DuckDBConnection.prototype.run;
		const spy = vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(function (
			this: DuckDBConnection,
			...args: Parameters<typeof run>
		) {
			const result = run.apply(this, args);
			if (/^CREATE TEMP TABLE typ_/.test(args[0])) {
				setTimeout(() => controller.abort(), 10);
				result.then(
					() => ended.push('finished'),
					(err: Error) => ended.push(err.message)
				);
			}
			return result;
		});
		try {
			const cancelled = load(file, {
				config: { ...config, maxUploadBytes: 16 * 1024 * 1024 },
				signal: controller.signal
			});
			await expect(cancelled).rejects.toMatchObject({ stage: 'validating' });
		} finally {
			spy.mockRestore();
		}
		expect(ended).toEqual([expect.stringMatching(/INTERRUPT Error: Interrupted/)]);
		expect(await tableChecksums(db)).toEqual(tables);
		expect(await tempTables()).toEqual([]);
		expect(files(dir)).toEqual(['many.csv']);
	});
});
