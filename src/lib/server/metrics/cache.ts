// Computed figures kept until the data changes. The data changes only when a write commits, so the
// database's write generation (db.generation) and the London day ("provisional" and the default
// period move with the day) are the whole key: a repeated view costs a lookup and a copy.
import type { Db, Queryable } from '../db';
import { londonToday } from '../../dates';

/** Entries kept per generation; the oldest go first beyond this (custom filters are unbounded). */
export const CACHE_ENTRIES = 1000;

interface Generation {
	key: string;
	entries: Map<string, Promise<unknown>>;
}

const generations = new WeakMap<Db, Generation>();
let hits = 0;
let misses = 0;

function isDb(db: Queryable): db is Db {
	return typeof (db as Partial<Db>).generation === 'number';
}

/** How the cache has served this process (for /metrics and the benchmark). */
export function cacheStats(): { hits: number; misses: number } {
	return { hits, misses };
}

/**
 * `fn`, computed once per data generation for the same arguments. Inside a transaction (a tx is not
 * the Db) it always computes: a transaction may be reading its own uncommitted writes. Callers get a
 * copy each, so one caller changing its result cannot change another's. A failed computation is not
 * kept.
 */
export function memo<A extends unknown[], R>(
	name: string,
	fn: (db: Queryable, ...args: A) => Promise<R>
): (db: Queryable, ...args: A) => Promise<R> {
	return async (db, ...args) => {
		if (!isDb(db)) return fn(db, ...args);
		const key = `${db.generation}|${londonToday()}`;
		let gen = generations.get(db);
		if (!gen || gen.key !== key) {
			gen = { key, entries: new Map() };
			generations.set(db, gen);
		}
		const entries = gen.entries;
		const argsKey = `${name}|${JSON.stringify(args)}`;
		let pending = entries.get(argsKey) as Promise<R> | undefined;
		if (pending) hits++;
		else {
			misses++;
			pending = fn(db, ...args);
			entries.set(argsKey, pending);
			if (entries.size > CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
			pending.catch(() => entries.delete(argsKey));
		}
		return structuredClone(await pending);
	};
}
