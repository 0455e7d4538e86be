// Part c: the pages and the monthly endpoint over HTTP, alone, under 20 concurrent clients, and under
// the same load while a merge upload of the crimes file goes through POST /api/v1/extracts.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { SAMPLE_AS_OF } from '../sample/load';
import { isPage, runClients, runSequential, TARGETS, timedGet, type Sample } from './load';
import { peakRssMb } from './rss';
import { since, summarise, type Timing } from './stats';

export interface HttpOptions {
	url: string;
	pid: number;
	/** The session cookie's value (pages and API alike accept it for GETs). */
	session: string;
	/** An analyst's API token, for the upload. */
	token: string;
	/** The crimes file to upload during the load (a checksum the database has not seen). */
	uploadFile: string;
	clients: number;
	seconds: number;
	/** Requests per target by one client alone. */
	sequentialTimes: number;
	onStep?: (text: string) => void;
}

export interface LoadedRun {
	seconds: number;
	requests: number;
	errors: number;
	overall: Timing;
	pages: Timing;
	byTarget: Record<string, Timing & { errors: number }>;
}

export interface HttpResults {
	warmupErrors: number;
	single: Record<string, Timing & { errors: number }>;
	singlePages: Timing;
	loaded: LoadedRun;
	duringIngest: LoadedRun & { uploadSeconds: number; uploadStatus: number | null };
	serverPeakRssMb: number | null;
}

function byTarget(samples: readonly Sample[]): Record<string, Timing & { errors: number }> {
	const out: Record<string, Timing & { errors: number }> = {};
	for (const t of TARGETS) {
		const mine = samples.filter((s) => s.target === t.name);
		out[t.name] = { ...summarise(mine.map((s) => s.ms)), errors: mine.filter((s) => !s.ok).length };
	}
	return out;
}

const pageNames = new Set(TARGETS.filter(isPage).map((t) => t.name));

function loadedRun(samples: readonly Sample[], seconds: number): LoadedRun {
	return {
		seconds: Math.round(seconds * 10) / 10,
		requests: samples.length,
		errors: samples.filter((s) => !s.ok).length,
		overall: summarise(samples.map((s) => s.ms)),
		pages: summarise(samples.filter((s) => pageNames.has(s.target)).map((s) => s.ms)),
		byTarget: byTarget(samples)
	};
}

/** POST the file as a merge upload with the token; resolves with the status and seconds taken. */
export async function uploadOverHttp(
	url: string,
	token: string,
	file: string
): Promise<{ status: number | null; seconds: number }> {
	const started = performance.now();
	const query = new URLSearchParams({
		kind: 'crimes',
		mode: 'merge',
		as_of: SAMPLE_AS_OF,
		filename: path.basename(file)
	});
	try {
		const res = await fetch(`${url}/api/v1/extracts?${query}`, {
			method: 'POST',
			body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
			duplex: 'half'
		} as RequestInit);
		await res.arrayBuffer();
		return { status: res.status, seconds: since(started) / 1000 };
	} catch {
		return { status: null, seconds: since(started) / 1000 };
	}
}

export async function measureHttp(opts: HttpOptions): Promise<HttpResults> {
	const headers = { cookie: `session=${opts.session}` };
	opts.onStep?.('http: first request to each page');
	let warmupErrors = 0;
	for (const t of TARGETS) if (!(await timedGet(opts.url, t, headers)).ok) warmupErrors++;

	opts.onStep?.(`http: one client, ${opts.sequentialTimes} requests per page`);
	const seq = await runSequential({
		base: opts.url,
		headers,
		targets: TARGETS,
		times: opts.sequentialTimes
	});

	opts.onStep?.(`http: ${opts.clients} clients for ${opts.seconds} s`);
	const loaded = await runClients({
		base: opts.url,
		headers,
		targets: TARGETS,
		clients: opts.clients,
		seconds: opts.seconds
	});

	opts.onStep?.(`http: ${opts.clients} clients while the crimes file uploads`);
	const upload = uploadOverHttp(opts.url, opts.token, opts.uploadFile);
	const during = await runClients({
		base: opts.url,
		headers,
		targets: TARGETS,
		clients: opts.clients,
		// Only as long as the upload runs (capped at an hour).
		seconds: 3600,
		until: upload
	});
	const up = await upload;
	const duringRun = loadedRun(during.samples, during.seconds);
	// A refused or failed upload is an error of the run too.
	if (up.status !== 201) duringRun.errors++;

	return {
		warmupErrors,
		single: byTarget(seq),
		singlePages: summarise(seq.filter((s) => pageNames.has(s.target)).map((s) => s.ms)),
		loaded: loadedRun(loaded.samples, loaded.seconds),
		duringIngest: {
			...duringRun,
			uploadSeconds: Math.round(up.seconds * 100) / 100,
			uploadStatus: up.status
		},
		serverPeakRssMb: peakRssMb(opts.pid)
	};
}
