// The real dashboard for end-to-end tests: the production build served by adapter-node on a free
// port, over its own temporary database, plus headless Chromium. Nothing here is mocked.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { openDb, type Db } from '../../src/lib/server/db';
import { serveEnv } from '../../scripts/serve-env';
import { buildAppInto, freePort } from '../../scripts/build-app';

const root = path.resolve(import.meta.dirname, '../..');

/** Build the app once per test run (vitest globalSetup calls this) into a folder of its own. */
export function buildApp(): string {
	return buildAppInto(String(process.pid));
}

export interface TestServer {
	url: string;
	dbPath: string;
	dataDir: string;
	/** Everything the server printed so far (stdout and stderr). */
	output(): string;
	/** End the server and remove its database and DATA_DIR. */
	stop(): Promise<void>;
	/**
	 * End the process with `signal` (SIGKILL: a crash) and wait for it to exit, leaving the database
	 * and DATA_DIR in place for another server (`reuse`) or for the test to open.
	 */
	kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export interface StartOptions {
	/** Runs against the server's database before the server opens it (users, fixtures). */
	setup?: (db: Db, dataDir: string) => Promise<void>;
	/** Extra environment: SAMPLE_DATA is 'off' unless set here. */
	env?: Record<string, string>;
	/** How long to wait for the server to answer (sample loading takes a while). */
	timeoutMs?: number;
	/** Serve an existing database and DATA_DIR (a server's that was killed) instead of fresh ones. */
	reuse?: Pick<TestServer, 'dbPath' | 'dataDir'>;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
	const build = inject('appBuild');
	if (!build || !fs.existsSync(path.join(build, 'index.js'))) {
		throw new Error(
			'No test build: the e2e project globalSetup (tests/e2e/global-setup.ts) builds it.'
		);
	}
	const dataDir = options.reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dash-e2e-'));
	const dbPath = options.reuse?.dbPath ?? path.join(dataDir, 'dashboard.duckdb');
	if (options.setup) {
		const db = await openDb(dbPath, { dataDir });
		try {
			await options.setup(db, dataDir);
		} finally {
			await db.close();
		}
	}
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let output = '';
	const env: Record<string, string | undefined> = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: url,
		DATABASE_PATH: dbPath,
		DATA_DIR: dataDir,
		SAMPLE_DATA: 'off',
		LOG_LEVEL: 'warn',
		...options.env
	};
	// The rest as `npm start` sets it (BODY_SIZE_LIMIT from MAX_UPLOAD_MB).
	const child: ChildProcess = spawn(process.execPath, [path.join(build, 'index.js')], {
		cwd: root,
		env: { ...env, ...serveEnv(env) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
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
				child.kill('SIGKILL');
				throw new Error(`The server did not answer within the time allowed:\n${output}`);
			}
			await new Promise((r) => setTimeout(r, 150));
		}
	}

	const end = async (signal: 'SIGKILL' | 'SIGTERM') => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill(signal);
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	};
	return {
		url,
		dbPath,
		dataDir,
		output: () => output,
		kill: (signal = 'SIGKILL') => end(signal),
		async stop() {
			await end('SIGTERM');
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's, else the Linux x64 build that
 * the npm package @sparticuz/chromium ships (unpacked into /tmp on first use), so `npm install &&
 * npm test` needs nothing else. The global setup resolves it once and hands it to every test file.
 */
export async function resolveChromium(): Promise<string> {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	const found = candidates.find((p) => p && fs.existsSync(p));
	if (found) return found;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			'No Chromium found for the browser tests, and the bundled one is for Linux x64 only: ' +
				'set CHROMIUM_PATH to a Chromium or Chrome binary.'
		);
	}
	const { default: bundled } = await import('@sparticuz/chromium');
	return bundled.executablePath();
}

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: inject('chromiumPath'),
		// Our own flags, never the bundled package's `args`: those turn off web security, which would
		// hide CSP and CORS faults from these tests.
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic'
		]
	});
}
