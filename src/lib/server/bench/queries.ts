// Part b: every metrics function, warm (repeated) and cold (the first call after an upload commits),
// for three filter sets, against the same SQL run bare. The bare SQL is what each function itself
// sent: a recording Queryable captures its statements and parameters, which are then run on a raw
// connection with nothing around them (no row conversion, no JavaScript after).
import type { Db, Params, Queryable } from '../db';
import {
	identification,
	journey,
	monthly,
	outcomes,
	parseFilters,
	reporting,
	safeguarding,
	spc,
	training,
	type Filters
} from '../metrics/index';
import { since, summarise, type Timing } from './stats';

export type MetricsFunction = (db: Queryable, f: Filters) => Promise<unknown>;

/** The metrics functions the API and the pages call (spc on its default series). */
export const FUNCTIONS: Record<string, MetricsFunction> = {
	monthly,
	outcomes,
	reporting,
	identification,
	training: (db, f) => training(db, f),
	spc: (db, f) => spc(db, f, 'recorded'),
	safeguarding,
	journey
};

export interface FilterSet {
	name: string;
	/** The query string a page or API call would carry. */
	params: URLSearchParams;
}

/** The default view, the area with most crimes, and a custom list of offence codes. */
export async function filterSets(db: Queryable): Promise<FilterSet[]> {
	const top = await db.one<{ area: string }>(
		'SELECT area FROM crimes WHERE area IS NOT NULL GROUP BY area ORDER BY count(*) DESC, area LIMIT 1'
	);
	return [
		{ name: 'default', params: new URLSearchParams() },
		{
			name: `area=${top?.area ?? 'all'}`,
			params: new URLSearchParams({ area: top?.area ?? 'all' })
		},
		{ name: 'offences=8Q,8L', params: new URLSearchParams({ offences: '8Q,8L' }) }
	];
}

interface Statement {
	sql: string;
	params?: Params;
}

/** A Queryable over `db` that notes every statement sent through it. */
export function recording(db: Queryable, log: Statement[]): Queryable {
	return {
		get connection() {
			return db.connection;
		},
		all: (sql, params) => (log.push({ sql, params }), db.all(sql, params)),
		one: (sql, params) => (log.push({ sql, params }), db.one(sql, params)),
		run: (sql, params) => (log.push({ sql, params }), db.run(sql, params))
	};
}

/** Run the statements one after another on one raw connection, reading every result. */
export async function runBare(db: Queryable, statements: readonly Statement[]): Promise<void> {
	const conn = db.connection;
	for (const s of statements) await conn.runAndReadAll(s.sql, s.params as never);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
	const started = performance.now();
	await fn();
	return since(started);
}

export interface QueryCell {
	warm: Timing;
	cold: Timing;
	bare: Timing;
	/** Statements the function sent (what the bare run replays). */
	statements: number;
}

export interface QueryResults {
	filterSets: string[];
	/** The filters themselves (parseFilters: the as-at date and default period, areas, groups). */
	filters: Record<string, Timing>;
	/** cells[function][filter set] */
	cells: Record<string, Record<string, QueryCell>>;
	/** Every sample, pooled, for the overall percentiles. */
	pooled: { warm: number[]; cold: number[]; bare: number[] };
}

export interface QueryOptions {
	/** Warm and bare runs of each function for each filter set (30). */
	runs: number;
	/** Uploads per filter set before which every function is timed once, cold (10: 30 per function). */
	coldRounds: number;
	/** Make a fresh upload commit (a one-row file, a different one each call). */
	upload: () => Promise<void>;
	onStep?: (text: string) => void;
}

/**
 * Warm and bare runs alternate, so load from elsewhere on the machine falls on both alike. Cold:
 * after each upload every function is called once, in an order that starts one further on each
 * round, so each is sometimes the very first.
 */
export async function measureQueries(db: Db, opts: QueryOptions): Promise<QueryResults> {
	const sets = await filterSets(db);
	const names = Object.keys(FUNCTIONS);
	const warm: Record<string, Record<string, number[]>> = {};
	const bare: Record<string, Record<string, number[]>> = {};
	const cold: Record<string, Record<string, number[]>> = {};
	const statements: Record<string, Record<string, Statement[]>> = {};
	for (const n of names) {
		warm[n] = {};
		bare[n] = {};
		cold[n] = {};
		statements[n] = {};
	}
	const filters: Record<string, Timing> = {};
	const parsed: Record<string, Filters> = {};

	for (const set of sets) {
		const samples: number[] = [];
		for (let i = 0; i < opts.runs; i++) {
			samples.push(
				await timed(async () => (parsed[set.name] = await parseFilters(set.params, db)))
			);
		}
		filters[set.name] = summarise(samples);
		for (const n of names) {
			opts.onStep?.(`queries warm: ${n} (${set.name})`);
			const log: Statement[] = [];
			await FUNCTIONS[n](recording(db, log), parsed[set.name]);
			statements[n][set.name] = log;
			// The recording wrapper has no write generation, so the figure cache skips it: the first
			// call on the database itself computes the figure. It is not a warm call; make it unmeasured,
			// or at 10 runs the nearest-rank p95 is that computation.
			await FUNCTIONS[n](db, parsed[set.name]);
			warm[n][set.name] = [];
			bare[n][set.name] = [];
			for (let i = 0; i < opts.runs; i++) {
				warm[n][set.name].push(await timed(() => FUNCTIONS[n](db, parsed[set.name])));
				bare[n][set.name].push(await timed(() => runBare(db, log)));
			}
		}
	}

	for (let round = 0; round < opts.coldRounds; round++) {
		for (const set of sets) {
			opts.onStep?.(`queries cold: round ${round + 1}/${opts.coldRounds} (${set.name})`);
			await opts.upload();
			for (let k = 0; k < names.length; k++) {
				const n = names[(k + round) % names.length];
				(cold[n][set.name] ??= []).push(await timed(() => FUNCTIONS[n](db, parsed[set.name])));
			}
		}
	}

	const cells: QueryResults['cells'] = {};
	const pooled: QueryResults['pooled'] = { warm: [], cold: [], bare: [] };
	for (const n of names) {
		cells[n] = {};
		for (const set of sets) {
			const w = warm[n][set.name];
			const b = bare[n][set.name];
			const c = cold[n][set.name] ?? [];
			pooled.warm.push(...w);
			pooled.bare.push(...b);
			pooled.cold.push(...c);
			cells[n][set.name] = {
				warm: summarise(w),
				bare: summarise(b),
				cold: summarise(c),
				statements: statements[n][set.name].length
			};
		}
	}
	return { filterSets: sets.map((s) => s.name), filters, cells, pooled };
}
