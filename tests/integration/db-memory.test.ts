// DUCKDB_MEMORY_LIMIT (operations.md "Settings"): the database opens with DuckDB's memory_limit
// set from it, and a value that is not an amount stops the start with a message naming it.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';

let db: Db | undefined;
let dir: string | undefined;

afterEach(async () => {
	await db?.close();
	db = undefined;
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
	dir = undefined;
});

async function open(memoryLimit?: string): Promise<Db> {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-memory-'));
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
});
