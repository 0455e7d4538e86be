// Health for a service manager or a load balancer (operations): /healthz says the process answers,
// /readyz that it can serve: the database open, its schema current, room on disk for an upload.
// Neither says anything about the data.
import fs from 'node:fs';
import pkg from '../../../package.json';
import type { Config } from './config';
import type { Queryable } from './db';
import { SCHEMA_VERSION } from './db/migrations';

export const VERSION: string = pkg.version;

export interface Readiness {
	status: 'ready' | 'not_ready';
	version: string;
	checks: { database: string; migrations: string; disk: string };
}

/** Room for one more upload: its streamed body and its archive, at the upload limit each. */
export function diskCheck(freeBytes: number, maxUploadBytes: number): string {
	const needed = 2 * maxUploadBytes;
	return freeBytes >= needed
		? 'ok'
		: `only ${Math.floor(freeBytes / 1024 / 1024)} MB free for uploads; ${Math.ceil(needed / 1024 / 1024)} MB needed (twice MAX_UPLOAD_MB)`;
}

export async function readiness(
	db: Queryable | null,
	config: Config,
	freeBytes: (dir: string) => number = (dir) => {
		const s = fs.statfsSync(dir);
		return s.bavail * s.bsize;
	}
): Promise<Readiness> {
	let database = 'not open';
	let migrations = 'unknown';
	if (db) {
		try {
			const row = await db.one<{ v: number | null }>(
				'SELECT max(version)::INTEGER AS v FROM schema_migrations'
			);
			database = 'ok';
			migrations =
				row?.v === SCHEMA_VERSION
					? 'ok'
					: `schema version ${row?.v ?? 'none'}, this code needs ${SCHEMA_VERSION}`;
		} catch (err) {
			database = `not answering: ${(err as Error).message.split('\n')[0]}`;
		}
	}
	let disk: string;
	try {
		fs.mkdirSync(config.dataDir, { recursive: true });
		disk = diskCheck(freeBytes(config.dataDir), config.maxUploadBytes);
	} catch (err) {
		disk = `DATA_DIR cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`;
	}
	const ok = database === 'ok' && migrations === 'ok' && disk === 'ok';
	return {
		status: ok ? 'ready' : 'not_ready',
		version: VERSION,
		checks: { database, migrations, disk }
	};
}
