// DUCKDB_MEMORY_LIMIT (operations.md "Settings"): the database opens with DuckDB's memory_limit
// set from it, a value that is not an amount stops the start with a message naming it, and a load
// that needs more than the limit stops with a message naming the setting, changing nothing.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig, type Config } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';
import { datasetCounts, listUploads, loadExtract } from '../../src/lib/server/extracts';
import { HttpError } from '../../src/lib/server/http';

let db: Db | undefined;
let dir: string | undefined;

afterEach(async () => {
	await db?.close();
	db = undefined;
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
	dir = undefined;
});

async function open(memoryLimit?: string): Promise<Db> {
	dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'db-memory-'));
	db = await openDb(path.join(dir, 'd.duckdb'), {
		dataDir: dir,
		...(memoryLimit ? { memoryLimit } : {})
	});
	return db;
}

const setting = async (d: Db) =>
	(await d.one<{ v: string }>("SELECT current_setting('memory_limit') AS v"))?.v;

describe('DUCKDB_MEMORY_LIMIT', () => {
	it('sets DuckDB memory_limit: 256MB is 256,000,000 bytes, 244.1 MiB', async () => {
		expect(await setting(await open('256MB'))).toBe('244.1 MiB');
	});

	it('binary units as given: 1GiB is 1,073,741,824 bytes, shown as 1.0 GiB', async () => {
		expect(await setting(await open('1GiB'))).toBe('1.0 GiB');
	});

	it('is read from the environment, spaces dropped, and absent when not set', () => {
		expect(readConfig({ DUCKDB_MEMORY_LIMIT: ' 2 GB ' }).memoryLimit).toBe('2GB');
		expect(readConfig({}).memoryLimit).toBeUndefined();
	});

	it('refuses a value that is not an amount, naming the variable and the value', () => {
		expect(() => readConfig({ DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(
			'DUCKDB_MEMORY_LIMIT must be an amount of memory such as 1GB or 512MB, not "lots"'
		);
		expect(() => readConfig({ DUCKDB_MEMORY_LIMIT: '80%' })).toThrow(/not "80%"/);
	});

	describe('a load that needs more memory than the limit', () => {
		// 20,000 incidents, one a minute from 1 January 2023 (about 1.2 MB).
		function incidentsFile(folder: string): string {
			const lines = ['incident_ref,opened_at,area,domestic_abuse,stalking_identified,handler_ref'];
			for (let i = 1; i <= 20_000; i++) {
				const at = new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString().slice(0, 19);
				lines.push(`INC-${i},${at}Z,Nottingham North,No,${i % 7 ? 'No' : 'Yes'},ST-${i % 500}`);
			}
			const file = path.join(folder, 'incidents.csv');
			fs.writeFileSync(file, lines.join('\n') + '\n');
			return file;
		}
		const load = (d: Db, file: string, memoryLimit: string) => {
			const config: Config = {
				databasePath: path.join(dir!, 'd.duckdb'),
				dataDir: dir!,
				maxUploadBytes: 10 * 1024 * 1024,
				sampleData: false,
				logLevel: 'silent',
				memoryLimit
			};
			return loadExtract(d, { path: file }, { kind: 'incidents', user: 'analyst1', config });
		};

		it('stops with 503 out_of_memory naming the stage, the file and the setting; nothing changes', async () => {
			// 16MB is less than one block DuckDB's CSV reader asks for, so the read cannot start.
			const small = await open('16MB');
			const file = incidentsFile(dir!);
			const err = await load(small, file, '16MB').then(
				() => undefined,
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(HttpError);
			const e = err as HttpError;
			expect([e.status, e.code]).toEqual([503, 'out_of_memory']);
			expect(e.message).toMatch(
				/^The database ran out of memory while reading the rows of incidents\.csv: it needed [\d.]+ MiB more with [\d.]+ MiB of its 15\.2 MiB in use\. Nothing was loaded and nothing changed\. DUCKDB_MEMORY_LIMIT is 16MB: raise it/
			);
			// Not DuckDB's tuning hints, and not "not a regular CSV file".
			expect(e.message).not.toMatch(/threads|preserve_insertion_order|CSV file/);
			expect(await listUploads(small)).toEqual([]);
			expect((await datasetCounts(small)).incidents).toBe(0);
			const archive = path.join(dir!, 'archive');
			const archived = fs.existsSync(archive) ? fs.readdirSync(archive, { recursive: true }) : [];
			expect(archived).toEqual([]);

			// Raised, the same file loads: all 20,000 rows.
			await small.close();
			const raised = await open('256MB');
			const outcome = await load(raised, file, '256MB');
			expect(outcome.ok).toBe(true);
			expect((await datasetCounts(raised)).incidents).toBe(20_000);
		});
	});
});
