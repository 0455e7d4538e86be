// Settings read from the environment (operations.md), resolved once with their defaults.
import path from 'node:path';

export interface Config {
	databasePath: string;
	dataDir: string;
	maxUploadBytes: number;
	sampleData: boolean;
	logLevel: string;
	/**
	 * Days an archived upload file is kept before `purge` deletes its bytes (extracts.md
	 * "Retention"); absent in hand-made configs, meaning DEFAULT_RETENTION_DAYS.
	 */
	retentionDays?: number;
	/**
	 * DuckDB's `memory_limit` (operations.md "Settings"), such as "1GB"; absent leaves DuckDB's own
	 * default of 80% of the machine's memory. Past it, DuckDB spills to a temporary folder beside
	 * the database file instead of growing.
	 */
	memoryLimit?: string;
}

/** extracts.md "Retention": 2,557 days, about seven years. */
export const DEFAULT_RETENTION_DAYS = 2557;

/** An amount DuckDB's memory_limit accepts: a number and a decimal or binary unit. */
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const dataDir = env.DATA_DIR || 'data';
	const maxMb = Number(env.MAX_UPLOAD_MB || 512);
	if (!Number.isFinite(maxMb) || maxMb <= 0) {
		throw new Error(
			`MAX_UPLOAD_MB must be a positive number of megabytes, not "${env.MAX_UPLOAD_MB}"`
		);
	}
	const retention = (env.RETENTION_DAYS || String(DEFAULT_RETENTION_DAYS)).trim();
	if (!/^\d{1,6}$/.test(retention) || Number(retention) < 1) {
		throw new Error(
			`RETENTION_DAYS must be a whole number of days, 1 or more (default ${DEFAULT_RETENTION_DAYS}), not "${env.RETENTION_DAYS}"`
		);
	}
	const memoryLimit = (env.DUCKDB_MEMORY_LIMIT || '').trim();
	if (memoryLimit && !MEMORY_LIMIT.test(memoryLimit)) {
		throw new Error(
			`DUCKDB_MEMORY_LIMIT must be an amount of memory such as 1GB or 512MB, not "${env.DUCKDB_MEMORY_LIMIT}"`
		);
	}
	return {
		databasePath: env.DATABASE_PATH || path.join(dataDir, 'dashboard.duckdb'),
		dataDir,
		maxUploadBytes: Math.round(maxMb * 1024 * 1024),
		sampleData: (env.SAMPLE_DATA || 'on').toLowerCase() !== 'off',
		logLevel: env.LOG_LEVEL || 'info',
		retentionDays: Number(retention),
		...(memoryLimit ? { memoryLimit: memoryLimit.replace(/\s+/g, '') } : {})
	};
}
