// The benchmark's temporary folder: its database, DATA_DIR and sample files, and their removal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RETENTION_DAYS, readConfig, type Config } from '../config';

export interface Workspace {
	/** The temporary folder; nothing of the run is left outside it. */
	root: string;
	/** DATA_DIR of the benchmark database (uploads, tmp), which the server uses too. */
	dataDir: string;
	dbPath: string;
	/** The generated extracts (under DATA_DIR, where DuckDB may read them, but outside DATA_DIR/tmp,
	 *  which a starting server clears). */
	sampleDir: string;
	config: Config;
	/** Remove the folder and everything in it (safe to call twice). */
	remove(): void;
}

/** A folder under the system's temporary directory, with an upload limit to fit any file made. */
export function createWorkspace(): Workspace {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-bench-'));
	const dataDir = path.join(root, 'data');
	const sampleDir = path.join(dataDir, 'sample');
	fs.mkdirSync(sampleDir, { recursive: true });
	const dbPath = path.join(dataDir, 'bench.duckdb');
	const { memoryLimit } = readConfig();
	return {
		root,
		dataDir,
		dbPath,
		sampleDir,
		config: {
			databasePath: dbPath,
			dataDir,
			maxUploadBytes: Number.MAX_SAFE_INTEGER,
			sampleData: false,
			logLevel: 'warn',
			retentionDays: DEFAULT_RETENTION_DAYS,
			// The database opens with DUCKDB_MEMORY_LIMIT (db/index.ts); a load that runs out of it
			// names the setting from here.
			...(memoryLimit ? { memoryLimit } : {})
		},
		remove: () => fs.rmSync(root, { recursive: true, force: true })
	};
}
