// Part c's server: the production build (built here when none is given, as the end-to-end tests
// build it: into a folder of its own under .test-build, behind the lock directory there) served by
// adapter-node on a free port over the benchmark's database.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serveEnv } from '../../../../scripts/serve-env';
import { buildAppInto, freePort } from '../../../../scripts/build-app';

const root = path.resolve(import.meta.dirname, '../../../..');

export interface AppBuild {
	/** The folder holding index.js. */
	dir: string;
	/** Remove what this run built (nothing when the build was given). */
	remove(): void;
}

/** The given build, or a fresh one in .test-build/bench-<pid>/app. */
export function appBuild(given?: string): AppBuild {
	if (given) {
		const dir = path.resolve(given);
		if (!fs.existsSync(path.join(dir, 'index.js'))) {
			throw new Error(
				`${dir} holds no build of the app (no index.js); leave --app out to build one.`
			);
		}
		return { dir, remove: () => undefined };
	}
	const dir = buildAppInto(`bench-${process.pid}`);
	return { dir, remove: () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }) };
}

export interface RunningServer {
	url: string;
	pid: number;
	/** The last lines it printed (for an error message). */
	output(): string;
	stop(): Promise<void>;
}

/** Start the build on the database and wait until it answers (SAMPLE_DATA off, logs at warn). */
export async function startServer(opts: {
	build: string;
	dbPath: string;
	dataDir: string;
	maxUploadMb: number;
	timeoutMs?: number;
}): Promise<RunningServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const env: Record<string, string | undefined> = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: url,
		DATABASE_PATH: opts.dbPath,
		DATA_DIR: opts.dataDir,
		SAMPLE_DATA: 'off',
		LOG_LEVEL: 'warn',
		MAX_UPLOAD_MB: String(opts.maxUploadMb),
		BODY_SIZE_LIMIT: undefined
	};
	let output = '';
	const child: ChildProcess = spawn(process.execPath, [path.join(opts.build, 'index.js')], {
		cwd: root,
		env: { ...env, ...serveEnv(env) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	};
	const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(`The server exited with code ${child.exitCode} before answering:\n${output}`);
		}
		try {
			const res = await fetch(`${url}/login`, { redirect: 'manual' });
			await res.arrayBuffer();
			break;
		} catch {
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`The server did not answer within the time allowed:\n${output}`);
			}
			await new Promise((r) => setTimeout(r, 150));
		}
	}
	return { url, pid: child.pid!, output: () => output, stop };
}
