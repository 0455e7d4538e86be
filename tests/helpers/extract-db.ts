// A real DuckDB file and DATA_DIR of its own for each test that loads extracts through the pipeline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';

/**
 * Folders under one temp root: `next()` closes the previous database and opens an empty one in a
 * new folder (uploads limited to 1 MB); `cleanup()` closes it and removes the root.
 */
export function extractDbs(prefix: string) {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	let n = 0;
	let db: Db | undefined;
	return {
		root,
		async next(): Promise<{ db: Db; config: Config; dir: string }> {
			await db?.close();
			const dir = path.join(root, String(++n));
			db = await openDb(path.join(dir, 'test.duckdb'));
			const config: Config = {
				databasePath: path.join(dir, 'test.duckdb'),
				dataDir: dir,
				maxUploadBytes: 1024 * 1024,
				sampleData: false,
				logLevel: 'silent'
			};
			return { db, config, dir };
		},
		async cleanup(): Promise<void> {
			await db?.close();
			fs.rmSync(root, { recursive: true, force: true });
		}
	};
}
