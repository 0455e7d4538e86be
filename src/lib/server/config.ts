// Settings read from the environment (operations.md), resolved once with their defaults.
import path from 'node:path';

export interface Config {
	databasePath: string;
	dataDir: string;
	maxUploadBytes: number;
	sampleData: boolean;
	logLevel: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const dataDir = env.DATA_DIR || 'data';
	const maxMb = Number(env.MAX_UPLOAD_MB || 512);
	if (!Number.isFinite(maxMb) || maxMb <= 0) {
		throw new Error(
			`MAX_UPLOAD_MB must be a positive number of megabytes, not "${env.MAX_UPLOAD_MB}"`
		);
	}
	return {
		databasePath: env.DATABASE_PATH || path.join(dataDir, 'dashboard.duckdb'),
		dataDir,
		maxUploadBytes: Math.round(maxMb * 1024 * 1024),
		sampleData: (env.SAMPLE_DATA || 'on').toLowerCase() !== 'off',
		logLevel: env.LOG_LEVEL || 'info'
	};
}
