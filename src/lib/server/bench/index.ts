// `bench`: the scaled sample in a temporary folder and database, then ingest, queries, HTTP and
// memory measured side by side in one run (issue 13). Everything it makes is removed at the end,
// also on an error or an interrupt.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../db';
import { KIND_NAMES } from '../extracts/contract';
import { benchAccount } from './accounts';
import { measureHttp, type HttpResults } from './http';
import { BEFORE_CRIMES, compareIngest, loadFile, loadKinds, type IngestResult } from './ingest';
import { measureQueries, type QueryResults } from './queries';
import { peakRssMb, resetPeakRss } from './rss';
import { crimesAgain, generateScaled, oneRowFiles, scaleFor } from './sample';
import { appBuild, startServer, type AppBuild, type RunningServer } from './server';
import { since } from './stats';
import { createWorkspace, type Workspace } from './workspace';

export { percentile, summarise } from './stats';

export interface BenchOptions {
	/** Crimes to generate (the other kinds in proportion). */
	rows: number;
	/** An existing build of the app (a folder with index.js); else one is built for the run. */
	app?: string;
	clients?: number;
	/** Seconds of the HTTP load. */
	seconds?: number;
	/** Warm and bare runs per function and filter set. */
	runs?: number;
	/** Cold rounds per filter set (each an upload, then every function once). */
	coldRounds?: number;
	/** Requests per page by one client alone. */
	sequentialTimes?: number;
	onStep?: (text: string) => void;
}

export interface Machine {
	cpus: number;
	memory_gb: number;
	node: string;
	duckdb: string;
	platform: string;
	load_average_start: number[];
	/** The 1-minute load average over the steps of the run. */
	load_average_during: { min: number; max: number };
}

export interface BenchResult {
	rowsRequested: number;
	scale: number;
	rows: Record<string, number>;
	tmpDir: string;
	machine: Machine;
	generateSeconds: number;
	generatePeakRssMb: number | null;
	otherKindsSeconds: Record<string, number>;
	ingest: IngestResult;
	queries: QueryResults;
	queriesPeakRssMb: number | null;
	/** Peak while loading the other kinds (incidents is the largest file). */
	otherKindsPeakRssMb: number | null;
	http: HttpResults;
	/** The database file after the run's loads (current tables, their history, the uploads). */
	databaseMb: number;
	/** The generated extracts. */
	csvMb: number;
	/** The peak of this process over loading and querying (generation left out when it can be). */
	peakRssMb: number | null;
	rssResettable: boolean;
	totalSeconds: number;
	settings: Required<Omit<BenchOptions, 'app' | 'onStep' | 'rows'>>;
}

const fileMb = (file: string) =>
	(fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) / 1024 ** 2;

/** Undo what the run made, synchronously (also from a signal handler). */
function cleanupNow(parts: { server?: RunningServer; build?: AppBuild; ws?: Workspace }) {
	if (parts.server) {
		try {
			process.kill(parts.server.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	parts.build?.remove();
	parts.ws?.remove();
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
	const settings = {
		clients: opts.clients ?? 20,
		seconds: opts.seconds ?? 20,
		runs: opts.runs ?? 30,
		coldRounds: opts.coldRounds ?? 10,
		sequentialTimes: opts.sequentialTimes ?? 10
	};
	// The machine is shared: the 1-minute load average is noted at every step, to read the figures by.
	const loads: number[] = [];
	const step = (text: string) => {
		loads.push(os.loadavg()[0]);
		opts.onStep?.(text);
	};
	const started = performance.now();
	const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
	const parts: { server?: RunningServer; build?: AppBuild; ws?: Workspace } = {};
	const onSignal = (signal: NodeJS.Signals) => {
		cleanupNow(parts);
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	let db: Db | undefined;
	try {
		step(opts.app ? 'using the given build' : 'building the app (.test-build)');
		parts.build = appBuild(opts.app);
		const ws = (parts.ws = createWorkspace());

		step(`generating ${opts.rows} crimes (scale ${scaleFor(opts.rows).toFixed(3)})`);
		const rssResettable = resetPeakRss();
		const genStarted = performance.now();
		const sample = await generateScaled(ws.sampleDir, opts.rows);
		const generateSeconds = since(genStarted) / 1000;
		const generatePeakRssMb = peakRssMb();
		const crimes = sample.files.find((f) => f.kind === 'crimes')!;
		const oneRow = await oneRowFiles(crimes.path, ws.sampleDir, settings.coldRounds * 3);
		const again = crimesAgain(crimes.path, path.join(ws.sampleDir, 'crimes-again.csv'));

		db = await openDb(ws.dbPath, { dataDir: ws.dataDir });
		const duckdb = (await db.one<{ v: string }>('SELECT version() AS v'))!.v;
		resetPeakRss();
		const otherKindsSeconds = await loadKinds(db, ws.config, sample.files, BEFORE_CRIMES, (k, n) =>
			step(`loading ${k} (${n} rows)`)
		);
		const otherPeak = peakRssMb();
		step(`ingest: bare CREATE TABLE AS, then the pipeline (${crimes.rows} crimes)`);
		const ingest = await compareIngest(db, ws.config, crimes.path);
		resetPeakRss();
		const after = KIND_NAMES.filter((k) => k !== 'crimes' && !BEFORE_CRIMES.includes(k));
		Object.assign(
			otherKindsSeconds,
			await loadKinds(db, ws.config, sample.files, after, (k, n) =>
				step(`loading ${k} (${n} rows)`)
			)
		);
		const afterPeak = peakRssMb();

		resetPeakRss();
		let next = 0;
		const queries = await measureQueries(db, {
			runs: settings.runs,
			coldRounds: settings.coldRounds,
			upload: async () => {
				await loadFile(db!, ws.config, oneRow[next++], 'crimes', 'merge');
			},
			onStep: step
		});
		const queriesPeakRssMb = peakRssMb();

		const account = await benchAccount(db);
		await db.close();
		db = undefined;
		// Closing checkpoints: the file now holds everything (current tables, history, uploads).
		const databaseMb = fileMb(ws.dbPath) + fileMb(`${ws.dbPath}.wal`);
		const csvMb = sample.files.reduce((n, f) => n + fileMb(f.path), 0);

		step('http: starting the server');
		const uploadMb = Math.ceil(fs.statSync(again).size / 1024 / 1024) * 2 + 16;
		parts.server = await startServer({
			build: parts.build.dir,
			dbPath: ws.dbPath,
			dataDir: ws.dataDir,
			maxUploadMb: Math.max(512, uploadMb)
		});
		const http = await measureHttp({
			url: parts.server.url,
			pid: parts.server.pid,
			session: account.session,
			token: account.token,
			uploadFile: again,
			clients: settings.clients,
			seconds: settings.seconds,
			sequentialTimes: settings.sequentialTimes,
			onStep: step
		});
		await parts.server.stop();
		parts.server = undefined;

		const peaks = rssResettable
			? [otherPeak, ingest.peakRssMb, ingest.barePeakRssMb, afterPeak, queriesPeakRssMb]
			: [peakRssMb()];
		const known = peaks.filter((p): p is number => p !== null);
		return {
			rowsRequested: opts.rows,
			scale: scaleFor(opts.rows),
			rows: Object.fromEntries(sample.files.map((f) => [f.kind, f.rows])),
			tmpDir: ws.root,
			machine: {
				cpus: os.availableParallelism(),
				memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
				node: process.version,
				duckdb,
				platform: `${os.platform()} ${os.release()} ${os.arch()}`,
				load_average_start: loadAverage,
				load_average_during: {
					min: Math.round(Math.min(...loads) * 100) / 100,
					max: Math.round(Math.max(...loads) * 100) / 100
				}
			},
			generateSeconds,
			generatePeakRssMb,
			otherKindsSeconds,
			ingest,
			queries,
			queriesPeakRssMb,
			otherKindsPeakRssMb: rssResettable ? Math.max(otherPeak ?? 0, afterPeak ?? 0) : null,
			http,
			databaseMb: Math.round(databaseMb),
			csvMb: Math.round(csvMb),
			peakRssMb: known.length ? Math.max(...known) : null,
			rssResettable,
			totalSeconds: since(started) / 1000,
			settings
		};
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		await parts.server?.stop().catch(() => undefined);
		await db?.close().catch(() => undefined);
		cleanupNow({ build: parts.build, ws: parts.ws });
	}
}
