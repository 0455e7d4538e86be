// The one DuckDB instance of the process: reader connections, a single queued writer, migrations.
import fs from 'node:fs';
import path from 'node:path';
import {
	DuckDBConnection,
	DuckDBInstance,
	DuckDBTypeId,
	type DuckDBMaterializedResult,
	type DuckDBValue
} from '@duckdb/node-api';
import { readConfig } from '../config';
import { migrate } from './migrations';

/** Bound parameters: `$name` placeholders with an object, or `?` placeholders with an array. */
export type Params = Record<string, unknown> | unknown[];

export type Row = Record<string, unknown>;

/** What a query can do; both the pool and a write transaction offer it. */
export interface Queryable {
	/** Every row, with BIGINT turned into number, DATE into `YYYY-MM-DD`, timestamps into ISO strings. */
	all<T = Row>(sql: string, params?: Params): Promise<T[]>;
	/** The first row, or undefined. */
	one<T = Row>(sql: string, params?: Params): Promise<T | undefined>;
	/** Run a statement (or several, without parameters) for its effect. */
	run(sql: string, params?: Params): Promise<void>;
	/** The raw connection, for what the wrapper does not cover (appenders, streaming). */
	readonly connection: DuckDBConnection;
}

export interface Db extends Queryable {
	readonly path: string;
	/** The folders DuckDB may read and write (absolute, ending in a separator); nothing else. */
	readonly directories: readonly string[];
	/** Whether DuckDB may open `file` (it is inside one of `directories`). */
	mayRead(file: string): boolean;
	/**
	 * Run `fn` inside one transaction on the writer connection. Writes are queued: one runs at a
	 * time, in order. Readers keep reading the last committed state meanwhile (DuckDB MVCC).
	 * Throwing inside `fn` rolls back everything it did.
	 */
	write<T>(fn: (tx: Queryable) => Promise<T>, options?: WriteOptions): Promise<T>;
	/** Queue work on the writer connection without opening a transaction (long staging work). */
	exclusive<T>(fn: (conn: Queryable) => Promise<T>, options?: WriteOptions): Promise<T>;
	/**
	 * Goes up after every write that may change a figure (a `write` unless it says otherwise, an
	 * `exclusive`, a `run` on the pool): the key that computed figures are kept under
	 * (metrics/cache.ts). Only this process writes the file (DuckDB allows one writer process).
	 */
	readonly generation: number;
	close(): Promise<void>;
}

export interface WriteOptions {
	/**
	 * False for writes no figure reads (sessions, sign-in throttling, a token's last use), so that
	 * signing in or a session's refresh keeps the computed figures. Default true.
	 */
	figures?: boolean;
}

/** DuckDB's error when a statement needs more than its memory_limit (DUCKDB_MEMORY_LIMIT). */
export function isOutOfMemory(err: unknown): boolean {
	return err instanceof Error && /^Out of Memory Error\b/.test(err.message);
}

/** Raised when another process holds the database file (DuckDB allows one writer process). */
export class DatabaseInUseError extends Error {
	constructor(readonly dbPath: string) {
		super(
			`The database ${dbPath} is in use by another process (usually the running dashboard server). ` +
				`Either send the command through the server with --url URL --token TOKEN, ` +
				`or stop the server and run the command again.`
		);
		this.name = 'DatabaseInUseError';
	}
}

function convertValue(value: DuckDBValue | unknown, typeId: DuckDBTypeId): unknown {
	if (value === null || value === undefined) return null;
	if (typeof value === 'bigint') {
		const n = Number(value);
		if (!Number.isSafeInteger(n))
			throw new Error(`integer ${value} is too large to return as a number`);
		return n;
	}
	if (value instanceof Date) {
		if (typeId === DuckDBTypeId.DATE) return value.toISOString().slice(0, 10);
		return value.toISOString();
	}
	return value;
}

function toRows<T>(result: DuckDBMaterializedResult | { getRowObjectsJS(): unknown }): T[] {
	const reader = result as unknown as {
		getRowObjectsJS(): Row[];
		columnTypes(): { typeId: DuckDBTypeId }[];
		columnNames(): string[];
	};
	const rows = reader.getRowObjectsJS();
	if (rows.length === 0) return [];
	const names = reader.columnNames();
	const types = reader.columnTypes().map((t) => t.typeId);
	return rows.map((row) => {
		const out: Row = {};
		names.forEach((name, i) => {
			out[name] = convertValue(row[name], types[i]);
		});
		return out as T;
	});
}

function wrap(connection: DuckDBConnection): Queryable {
	return {
		connection,
		async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
			const reader = await connection.runAndReadAll(sql, params as never);
			return toRows<T>(reader as never);
		},
		async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
			const rows = await this.all<T>(sql, params);
			return rows[0];
		},
		async run(sql: string, params?: Params): Promise<void> {
			await connection.run(sql, params as never);
		}
	};
}

const READERS = 4;

export interface OpenOptions {
	/** DATA_DIR: uploads stream to DATA_DIR/tmp and are read from there. Default: as readConfig. */
	dataDir?: string;
	/** DUCKDB_MEMORY_LIMIT, such as "1GB". Default: as readConfig (absent: DuckDB's own). */
	memoryLimit?: string;
}

const asDirectory = (dir: string) => path.resolve(dir) + path.sep;

/**
 * Lock the instance down before any query runs: files only inside the app's own folders, no
 * extension installed or loaded behind our back (ICU and JSON are built in to @duckdb/node-api),
 * and the configuration locked so no later statement can undo it. Settings are instance-wide, so
 * every connection (made after this) has them.
 */
async function lockDown(conn: DuckDBConnection, directories: readonly string[]): Promise<void> {
	// Timestamps are stored as instants; months are taken in Europe/London explicitly in SQL.
	await conn.run("SET GLOBAL TimeZone = 'UTC'");
	// SET takes no parameters; the folders come from the environment, quoted as SQL strings.
	const list = directories.map((d) => `'${d.replace(/'/g, "''")}'`).join(', ');
	await conn.run(`SET allowed_directories = [${list}]`);
	await conn.run('SET enable_external_access = false');
	await conn.run('SET autoinstall_known_extensions = false');
	await conn.run('SET autoload_known_extensions = false');
	await conn.run('SET lock_configuration = true');
}

/** Open (creating if needed) the database at `dbPath` and bring its schema up to date. */
export async function openDb(dbPath: string, options: OpenOptions = {}): Promise<Db> {
	const directories = [
		...new Set([
			...(dbPath === ':memory:' ? [] : [asDirectory(path.dirname(dbPath))]),
			asDirectory(options.dataDir ?? readConfig().dataDir)
		])
	];
	if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
	let instance: DuckDBInstance;
	try {
		const memoryLimit = options.memoryLimit ?? readConfig().memoryLimit;
		instance = await DuckDBInstance.create(
			dbPath,
			memoryLimit ? { memory_limit: memoryLimit } : undefined
		);
	} catch (err) {
		if (/lock/i.test(String(err))) throw new DatabaseInUseError(dbPath);
		throw err;
	}
	const connect = () => instance.connect();
	const writerConn = await connect();
	try {
		await lockDown(writerConn, directories);
	} catch (err) {
		writerConn.closeSync();
		instance.closeSync();
		throw err;
	}
	const writer = wrap(writerConn);
	try {
		await migrate(writer);
	} catch (err) {
		// A database this code cannot bring up to date (a newer one, a failed step) is let go at once.
		writerConn.closeSync();
		instance.closeSync();
		throw err;
	}
	const readers: Queryable[] = [];
	for (let i = 0; i < READERS; i++) readers.push(wrap(await connect()));
	let next = 0;
	const reader = () => readers[next++ % readers.length];

	let queue: Promise<unknown> = Promise.resolve();
	function enqueue<T>(fn: () => Promise<T>): Promise<T> {
		const result = queue.then(fn, fn);
		queue = result.catch(() => undefined);
		return result;
	}

	let closed = false;
	let generation = 0;
	return {
		path: dbPath,
		directories,
		mayRead: (file) => directories.some((dir) => path.resolve(file).startsWith(dir)),
		get connection() {
			return reader().connection;
		},
		all: (sql, params) => reader().all(sql, params),
		one: (sql, params) => reader().one(sql, params),
		run: async (sql, params) => {
			try {
				await reader().run(sql, params);
			} finally {
				generation++;
			}
		},
		get generation() {
			return generation;
		},
		write<T>(fn: (tx: Queryable) => Promise<T>, options: WriteOptions = {}): Promise<T> {
			return enqueue(async () => {
				await writer.run('BEGIN TRANSACTION');
				try {
					const value = await fn(writer);
					await writer.run('COMMIT');
					return value;
				} catch (err) {
					await writer.run('ROLLBACK').catch(() => undefined);
					throw err;
				} finally {
					if (options.figures !== false) generation++;
				}
			});
		},
		exclusive<T>(fn: (conn: Queryable) => Promise<T>, options: WriteOptions = {}): Promise<T> {
			return enqueue(async () => {
				try {
					return await fn(writer);
				} finally {
					if (options.figures !== false) generation++;
				}
			});
		},
		async close() {
			if (closed) return;
			closed = true;
			await queue;
			for (const r of readers) r.connection.closeSync();
			writerConn.closeSync();
			instance.closeSync();
		}
	};
}

let shared: Promise<Db> | undefined;

/** The process's one database, opened on first use at DATABASE_PATH. */
export function getDb(dbPath?: string): Promise<Db> {
	if (!shared) {
		shared = openDb(
			dbPath ??
				process.env.DATABASE_PATH ??
				path.join(process.env.DATA_DIR || 'data', 'dashboard.duckdb')
		);
		shared.catch(() => (shared = undefined));
	}
	return shared;
}

/** Close the shared database (tests, CLI exit). */
export async function closeDb(): Promise<void> {
	if (!shared) return;
	const db = await shared.catch(() => undefined);
	shared = undefined;
	await db?.close();
}
