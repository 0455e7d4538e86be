// Part c's clients: concurrent signed-in GETs over the dashboard, timed one by one, errors counted
// (any answer but 2xx, and any network error or time-out).
import { since } from './stats';

export interface Target {
	name: string;
	path: string;
}

/** Every dashboard page and the monthly endpoint, with the default view. */
export const TARGETS: readonly Target[] = [
	{ name: 'overview', path: '/overview' },
	{ name: 'arrests-and-charges', path: '/arrests-and-charges' },
	{ name: 'under-reporting', path: '/under-reporting' },
	{ name: 'training', path: '/training' },
	{ name: 'safeguarding', path: '/safeguarding' },
	{ name: 'areas', path: '/areas' },
	{ name: 'api:monthly', path: '/api/v1/metrics/monthly' }
];

export const isPage = (t: Target) => !t.name.startsWith('api:');

export interface Sample {
	target: string;
	ms: number;
	ok: boolean;
}

const REQUEST_TIMEOUT_MS = 120_000;

/** One GET, its body read to the end; never throws. */
export async function timedGet(
	base: string,
	target: Target,
	headers: HeadersInit
): Promise<Sample> {
	const started = performance.now();
	try {
		const res = await fetch(`${base}${target.path}`, {
			headers,
			redirect: 'manual',
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
		});
		await res.arrayBuffer();
		return { target: target.name, ms: since(started), ok: res.status >= 200 && res.status < 300 };
	} catch {
		return { target: target.name, ms: since(started), ok: false };
	}
}

/**
 * `clients` loops, each going round the targets (starting at its own), until `seconds` have passed
 * or `until` settles, whichever is first; every client makes at least one request.
 */
export async function runClients(opts: {
	base: string;
	headers: HeadersInit;
	targets: readonly Target[];
	clients: number;
	seconds: number;
	until?: Promise<unknown>;
}): Promise<{ samples: Sample[]; seconds: number }> {
	const samples: Sample[] = [];
	let stopped = false;
	const timer = setTimeout(() => (stopped = true), opts.seconds * 1000);
	opts.until?.then(
		() => (stopped = true),
		() => (stopped = true)
	);
	const started = performance.now();
	const client = async (c: number) => {
		for (let i = c; ; i++) {
			samples.push(await timedGet(opts.base, opts.targets[i % opts.targets.length], opts.headers));
			if (stopped) return;
		}
	};
	try {
		await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
	} finally {
		clearTimeout(timer);
	}
	return { samples, seconds: since(started) / 1000 };
}

/** One client, `times` requests to each target in turn (the pages without contention). */
export async function runSequential(opts: {
	base: string;
	headers: HeadersInit;
	targets: readonly Target[];
	times: number;
}): Promise<Sample[]> {
	const samples: Sample[] = [];
	for (let i = 0; i < opts.times; i++) {
		for (const t of opts.targets) samples.push(await timedGet(opts.base, t, opts.headers));
	}
	return samples;
}
