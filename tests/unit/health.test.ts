// Readiness for a load balancer: each check says what is wrong, in words, and nothing about the data.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/lib/server/config';
import type { Queryable } from '../../src/lib/server/db';
import { SCHEMA_VERSION } from '../../src/lib/server/db/migrations';
import { diskCheck, readiness } from '../../src/lib/server/health';
import pkg from '../../package.json';

const MB = 1024 * 1024;
const config = {
	databasePath: ':memory:',
	dataDir: '/tmp',
	maxUploadBytes: 512 * MB
} as Config;
/** A database answering `max(version)` with v. */
const at = (v: number | null) => ({ one: async () => ({ v }) }) as unknown as Queryable;

describe('readiness', () => {
	it('is ready with the database open, the schema current and room for an upload', async () => {
		expect(await readiness(at(SCHEMA_VERSION), config, () => 2048 * MB)).toEqual({
			status: 'ready',
			version: pkg.version,
			checks: { database: 'ok', migrations: 'ok', disk: 'ok' }
		});
	});

	it('says which check fails', async () => {
		const r = await readiness(at(SCHEMA_VERSION - 1), config, () => 700 * MB);
		expect(r.status).toBe('not_ready');
		// 2 × 512 MB are needed for one upload's body and archive.
		expect(r.checks).toEqual({
			database: 'ok',
			migrations: `schema version ${SCHEMA_VERSION - 1}, this code needs ${SCHEMA_VERSION}`,
			disk: 'only 700 MB free for uploads; 1024 MB needed (twice MAX_UPLOAD_MB)'
		});
		expect((await readiness(null, config, () => 2048 * MB)).checks.database).toBe('not open');
	});

	it('counts room for an upload as twice the upload limit', () => {
		expect(diskCheck(1024 * MB, 512 * MB)).toBe('ok');
		expect(diskCheck(1024 * MB - 1, 512 * MB)).toMatch(/^only 1023 MB free/);
	});
});
