// Backups (issue 14): a consistent copy of the database and of the archived extract files, with a
// manifest of every table's row count and content checksum, taken while the server goes on serving;
// and the restore into an empty DATABASE_PATH / DATA_DIR, which checks everything before and after.
//
// A backup is a folder (or, from the server, a tar of the same folder streamed to the command):
//   database/schema.sql         the schema as DuckDB's EXPORT DATABASE writes it (sequences included)
//   database/<table>.parquet    every table, as EXPORT DATABASE wrote it (Parquet, zstd)
//   uploads/<file>              each archived file an upload of the snapshot names (DATA_DIR/uploads)
//   manifest.json               written last: versions, tables (rows, checksum), files (bytes, sha256)
//
// Consistency: the export runs on the writer connection through the single writer queue
// (db.exclusive), inside one transaction. No write of this process commits meanwhile, so an upload
// is wholly in the snapshot (it committed before) or wholly out (it commits after); readers go on
// reading. The row counts and checksums are taken in the same transaction. An upload's archive is
// named inside its commit (extracts/index.ts), so every file the snapshot's uploads name exists and
// is complete, and a file still being written by an upload in flight is named by no row of it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import tar from 'tar-stream';
import { z } from 'zod';
import type { Config } from './config';
import { DatabaseInUseError, type Db, type Params, type Queryable } from './db';
import { migrate, NewerDatabaseError, SCHEMA_VERSION } from './db/migrations';
import { VERSION } from './health';
import { HttpError } from './http';

export const BACKUP_FORMAT = 'stalking-dashboard-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST = 'manifest.json';

/** How a table's content checksum is made (said in every manifest, so it can be checked by hand). */
export const CHECKSUM_METHOD =
	'sha256 of the md5 of every row as text (row::VARCHAR, TimeZone UTC), sorted and concatenated';

const checksumSql = (table: string) =>
	`SELECT count(*)::BIGINT AS rows, sha256(coalesce(string_agg(h, '' ORDER BY h), '')) AS sha256
	 FROM (SELECT md5(t::VARCHAR) AS h FROM ${ident(table)} t)`;

export interface TableSum {
	rows: number;
	sha256: string;
}

export interface ManifestFile {
	/** Relative to the backup folder: `database/…` or `uploads/…`. */
	path: string;
	bytes: number;
	sha256: string;
}

export type BackupMethod = 'direct' | 'server';

export interface Manifest {
	format: typeof BACKUP_FORMAT;
	format_version: number;
	id: string;
	app_version: string;
	schema_version: number;
	duckdb_version: string;
	/** When the snapshot's transaction began. */
	created_at: string;
	created_by: string;
	method: BackupMethod;
	checksum_method: string;
	/** Every table of the database: rows, content checksum, and the file that holds it. */
	tables: Record<string, TableSum & { file: string }>;
	/** The uploads in the snapshot, oldest first (their ids). */
	uploads: string[];
	/** Archived files the snapshot's uploads name that were missing from DATA_DIR when it was taken. */
	missing: string[];
	/** Every file of the backup but this manifest. */
	files: ManifestFile[];
	/** The sum of files' bytes. */
	bytes: number;
}

export type Progress = (message: string) => void;

/** A backup refused or failed, with a message for the operator (exit 1, or the API's 4xx/5xx). */
export class BackupError extends Error {
	exitCode = 1;
	constructor(message: string) {
		super(message);
		this.name = 'BackupError';
	}
}

const damaged = (what: string) =>
	new BackupError(
		`Refused: the backup is damaged or partial: ${what}. Nothing was restored; use another backup.`
	);

// ---- small helpers --------------------------------------------------------------------------------

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const asDirectory = (dir: string) => path.resolve(dir) + path.sep;
/** 41231 -> "41,231", the same on every machine. */
export const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 9_300_000 -> "8.9 MB". */
export function sizeText(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
	return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function newBackupId(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
	return `bk-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

/** A name inside a backup: `manifest.json`, `database/<name>` or `uploads/<name>`, nothing else. */
const SAFE_NAME = /^(database|uploads)\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
export const isBackupPath = (p: string) => p === MANIFEST || SAFE_NAME.test(p);

/** What the table-reading functions need: `all` over a pool, a transaction or a bare connection. */
interface Reader {
	all<T>(sql: string, params?: Params): Promise<T[]>;
}

/** A bare DuckDB connection as a Queryable (the restore's own instance, the emptiness check). */
function bare(connection: DuckDBConnection): Queryable {
	const all = async <T>(sql: string, params?: Params): Promise<T[]> => {
		const reader = await connection.runAndReadAll(sql, params as never);
		return reader.getRowObjectsJS().map((row) => {
			const out: Record<string, unknown> = {};
			for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : v;
			return out as T;
		});
	};
	return {
		connection,
		all,
		one: async <T>(sql: string, params?: Params) => (await all<T>(sql, params))[0],
		run: async (sql: string, params?: Params) => {
			await connection.run(sql, params as never);
		}
	};
}

/** The database's own tables (main schema; temporary tables and attached databases left out). */
export async function tableNames(db: Reader): Promise<string[]> {
	const rows = await db.all<{ t: string }>(
		`SELECT table_name AS t FROM duckdb_tables()
		 WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
		 ORDER BY table_name`
	);
	return rows.map((r) => r.t);
}

/** Rows and content checksum (CHECKSUM_METHOD) of every table, or of the tables named. */
export async function tableChecksums(
	db: Reader,
	tables?: string[]
): Promise<Record<string, TableSum>> {
	const out: Record<string, TableSum> = {};
	for (const table of tables ?? (await tableNames(db))) {
		const [row] = await db.all<TableSum>(checksumSql(table));
		out[table] = { rows: Number(row.rows), sha256: row.sha256 };
	}
	return out;
}

/** Copy (or stream) a file while counting and hashing its bytes. */
function hasher() {
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	const transform = new Transform({
		transform(chunk: Buffer, _enc, cb) {
			hash.update(chunk);
			bytes += chunk.length;
			cb(null, chunk);
		}
	});
	return { transform, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	for await (const chunk of fs.createReadStream(file)) {
		hash.update(chunk as Buffer);
		bytes += (chunk as Buffer).length;
	}
	return { bytes, sha256: hash.digest('hex') };
}

async function copyHashed(source: string, dest: string) {
	const h = hasher();
	await pipeline(
		fs.createReadStream(source),
		h.transform,
		fs.createWriteStream(dest, { flags: 'wx' })
	);
	return h.result();
}

// ---- the snapshot -------------------------------------------------------------------------------

interface Snapshot {
	id: string;
	createdAt: string;
	staging: string;
	tables: Record<string, TableSum & { file: string }>;
	uploads: string[];
	/** Archived files the snapshot names, relative to DATA_DIR (posix separators). */
	archives: string[];
	/** DuckDB's version(), the engine that wrote the Parquet files. */
	duckdb: string;
}

/**
 * Export the database into DATA_DIR/tmp/<id> (DuckDB may write only under the app's folders) and
 * take every table's rows and checksum, all in one transaction on the writer connection.
 */
async function takeSnapshot(db: Db, config: Config, progress: Progress): Promise<Snapshot> {
	const id = newBackupId();
	const tmp = path.resolve(config.dataDir, 'tmp');
	fs.mkdirSync(tmp, { recursive: true });
	const staging = path.join(tmp, id);
	progress('Waiting for the writer (an upload in progress finishes its step first)…');
	const taken = await db
		.exclusive(async (conn) => {
			await conn.run('BEGIN TRANSACTION');
			try {
				const createdAt = new Date().toISOString();
				progress('Snapshot: exporting the database…');
				const { name, duckdb } = (await conn.one<{ name: string; duckdb: string }>(
					'SELECT current_database() AS name, version() AS duckdb'
				))!;
				// Naming the database leaves out this connection's temporary tables (an upload's staging).
				await conn.run(
					`EXPORT DATABASE ${ident(name)} TO ${sqlString(staging)} (FORMAT parquet, COMPRESSION zstd)`
				);
				progress('Snapshot: counting and checksumming every table…');
				const sums = await tableChecksums(conn);
				const uploads = await conn.all<{ id: string; archive: string | null }>(
					`SELECT id, CASE WHEN file_purged_at IS NULL THEN archive_path END AS archive
				 FROM uploads ORDER BY seq`
				);
				await conn.run('COMMIT');
				return { createdAt, sums, uploads, duckdb };
			} catch (err) {
				await conn.run('ROLLBACK').catch(() => undefined);
				throw err;
			}
		})
		.catch((err: unknown) => {
			// An export cut short leaves part of its folder behind.
			fs.rmSync(staging, { recursive: true, force: true });
			throw err;
		});
	try {
		// load.sql says which file holds which table; the restore reads the manifest instead (load.sql
		// names this staging folder), so it is not part of the backup.
		const load = fs.readFileSync(path.join(staging, 'load.sql'), 'utf8');
		const fileOf = new Map<string, string>();
		for (const [, table, file] of load.matchAll(/^COPY ("(?:[^"]|"")+"|\S+) FROM '(.*)' \(/gm)) {
			const name = table.startsWith('"') ? table.slice(1, -1).replace(/""/g, '"') : table;
			fileOf.set(name, path.basename(file.replace(/''/g, "'")));
		}
		const tables: Snapshot['tables'] = {};
		for (const [table, sum] of Object.entries(taken.sums)) {
			const file = fileOf.get(table);
			if (!file || !SAFE_NAME.test(`database/${file}`)) {
				throw new BackupError(`The export wrote no usable file for table ${table}.`);
			}
			tables[table] = { ...sum, file: `database/${file}` };
		}
		const archives = taken.uploads
			.map((u) => u.archive?.split(path.sep).join('/'))
			.filter((a): a is string => Boolean(a));
		for (const a of archives) {
			if (!SAFE_NAME.test(a) || !a.startsWith('uploads/'))
				throw new BackupError(`An upload names an archived file outside DATA_DIR/uploads: ${a}`);
		}
		return {
			id,
			createdAt: taken.createdAt,
			staging,
			tables,
			uploads: taken.uploads.map((u) => u.id),
			archives,
			duckdb: taken.duckdb
		};
	} catch (err) {
		fs.rmSync(staging, { recursive: true, force: true });
		throw err;
	}
}

interface Entry {
	/** The name inside the backup. */
	name: string;
	source: string;
	bytes: number;
}

/** The files of a snapshot, in the order they are written, and the archived files that are gone. */
function entriesOf(snap: Snapshot, config: Config, progress: Progress) {
	const entries: Entry[] = [];
	const add = (name: string, source: string) =>
		entries.push({ name, source, bytes: fs.statSync(source).size });
	add('database/schema.sql', path.join(snap.staging, 'schema.sql'));
	for (const t of Object.values(snap.tables)) {
		add(t.file, path.join(snap.staging, path.basename(t.file)));
	}
	const missing: string[] = [];
	for (const a of snap.archives) {
		const source = path.join(config.dataDir, a);
		if (fs.existsSync(source)) add(a, source);
		else {
			missing.push(a);
			progress(
				`Warning: ${a} is missing from DATA_DIR, though an upload names it; the backup goes on without it.`
			);
		}
	}
	return { entries, missing };
}

function manifestOf(
	snap: Snapshot,
	files: ManifestFile[],
	missing: string[],
	who: { user: string; method: BackupMethod }
): Manifest {
	return {
		format: BACKUP_FORMAT,
		format_version: BACKUP_FORMAT_VERSION,
		id: snap.id,
		app_version: VERSION,
		schema_version: SCHEMA_VERSION,
		duckdb_version: snap.duckdb,
		created_at: snap.createdAt,
		created_by: who.user,
		method: who.method,
		checksum_method: CHECKSUM_METHOD,
		tables: snap.tables,
		uploads: snap.uploads,
		missing,
		files,
		bytes: files.reduce((n, f) => n + f.bytes, 0)
	};
}

// ---- recording backups (the Admin page) ---------------------------------------------------------

export interface BackupRecord {
	id: string;
	created_at: string;
	created_by: string;
	method: BackupMethod;
	folder: string | null;
	bytes: number;
	tables: number;
	rows: number;
	files: number;
	schema_version: number;
	manifest_sha256: string;
	seconds: number | null;
	/** null: not checked yet (the command that received it has not said). */
	verified: boolean | null;
	verified_at: string | null;
	problem: string | null;
}

const RECORD_COLUMNS = `id, created_at, created_by, method, folder, bytes, tables, rows, files,
	schema_version, manifest_sha256, seconds, verified, verified_at, problem`;

async function recordBackup(
	db: Db,
	m: Manifest,
	manifestSha: string,
	extra: { folder?: string; seconds: number; verified: boolean | null; problem?: string }
): Promise<void> {
	await db.write((tx) =>
		tx.run(
			`INSERT INTO backups (${RECORD_COLUMNS}) VALUES ($id, $at::TIMESTAMPTZ, $by, $method, $folder,
				$bytes, $tables, $rows, $files, $schema, $sha, $seconds, $verified,
				CASE WHEN $verified IS NULL THEN NULL ELSE current_timestamp END, $problem)`,
			{
				id: m.id,
				at: m.created_at,
				by: m.created_by,
				method: m.method,
				folder: extra.folder ?? null,
				bytes: m.bytes,
				tables: Object.keys(m.tables).length,
				rows: Object.values(m.tables).reduce((n, t) => n + t.rows, 0),
				files: m.files.filter((f) => f.path.startsWith('uploads/')).length,
				schema: m.schema_version,
				sha: manifestSha,
				seconds: Math.round(extra.seconds * 1000) / 1000,
				verified: extra.verified,
				problem: extra.problem ?? null
			}
		)
	);
}

/** The newest backup, and the newest one checked good (when that is another), for the Admin page. */
export async function lastBackups(
	db: Queryable
): Promise<{ last: BackupRecord | null; lastGood: BackupRecord | null }> {
	const last = await db.one<BackupRecord>(
		`SELECT ${RECORD_COLUMNS} FROM backups ORDER BY created_at DESC LIMIT 1`
	);
	const lastGood = await db.one<BackupRecord>(
		`SELECT ${RECORD_COLUMNS} FROM backups WHERE verified ORDER BY created_at DESC LIMIT 1`
	);
	return { last: last ?? null, lastGood: lastGood ?? null };
}

// ---- a backup into a folder (the command on a free database) -----------------------------------

/** A folder for a new backup: absent (made here) or empty; never inside DATA_DIR's own folders. */
export function prepareFolder(folder: string, config: Config): { made: boolean } {
	const abs = path.resolve(folder);
	for (const own of ['tmp', 'uploads']) {
		if (asDirectory(abs).startsWith(asDirectory(path.join(config.dataDir, own)))) {
			throw new BackupError(
				`Refused: ${folder} is inside DATA_DIR/${own}, which the dashboard manages itself; choose a folder elsewhere.`
			);
		}
	}
	if (fs.existsSync(abs)) {
		if (!fs.statSync(abs).isDirectory()) throw new BackupError(`Refused: ${folder} is a file.`);
		if (fs.readdirSync(abs).length > 0) {
			throw new BackupError(
				`Refused: ${folder} is not empty. Give each backup a new folder (e.g. backups/$(date +%F)).`
			);
		}
		return { made: false };
	}
	fs.mkdirSync(abs, { recursive: true });
	return { made: true };
}

/** Remove what a failed backup or restore wrote into a folder (and the folder, if it made it). */
function clearFolder(folder: string, made: boolean) {
	if (made) fs.rmSync(folder, { recursive: true, force: true });
	else
		for (const name of fs.readdirSync(folder))
			fs.rmSync(path.join(folder, name), { recursive: true, force: true });
}

export interface BackupResult {
	manifest: Manifest;
	folder: string;
	seconds: number;
}

/**
 * Write a consistent backup of `db` and DATA_DIR's archived files into `folder` (absent or empty),
 * then check the folder against its manifest and record the backup for the Admin page.
 */
export async function createBackup(
	db: Db,
	config: Config,
	folder: string,
	onProgress: Progress = () => undefined,
	who: { user?: string } = {}
): Promise<BackupResult> {
	const started = performance.now();
	const { made } = prepareFolder(folder, config);
	let snap: Snapshot | undefined;
	try {
		snap = await takeSnapshot(db, config, onProgress);
		const { entries, missing } = entriesOf(snap, config, onProgress);
		const files: ManifestFile[] = [];
		for (const dir of ['database', 'uploads'])
			fs.mkdirSync(path.join(folder, dir), { recursive: true });
		for (const e of entries) {
			const copied = await copyHashed(e.source, path.join(folder, e.name));
			files.push({ path: e.name, ...copied });
		}
		onProgress(
			`Copied the database (${Object.keys(snap.tables).length} tables, ${sizeText(
				files.filter((f) => f.path.startsWith('database/')).reduce((n, f) => n + f.bytes, 0)
			)}) and ${files.filter((f) => f.path.startsWith('uploads/')).length} archived files.`
		);
		const manifest = manifestOf(snap, files, missing, {
			user: who.user ?? 'cli',
			method: 'direct'
		});
		const text = JSON.stringify(manifest, null, '\t') + '\n';
		// Last, and whole or not at all: a backup without its manifest is refused as partial.
		fs.writeFileSync(path.join(folder, `${MANIFEST}.partial`), text);
		fs.renameSync(path.join(folder, `${MANIFEST}.partial`), path.join(folder, MANIFEST));
		onProgress('Checking the folder against its manifest…');
		await verifyBackup(folder);
		const seconds = (performance.now() - started) / 1000;
		await recordBackup(db, manifest, sha256(text), {
			folder: path.resolve(folder),
			seconds,
			verified: true
		});
		return { manifest, folder: path.resolve(folder), seconds };
	} catch (err) {
		clearFolder(folder, made);
		throw err;
	} finally {
		if (snap) fs.rmSync(snap.staging, { recursive: true, force: true });
	}
}

const sha256 = (text: string | Buffer) => crypto.createHash('sha256').update(text).digest('hex');

// ---- a backup streamed by the server (GET /api/v1/admin/backup) -------------------------------

/**
 * Take the snapshot now, then answer a tar of the backup built on the fly: the database files,
 * the archived files, and the manifest last (so a cut-off stream has none and is refused). The
 * backup is recorded once the manifest is handed over, before the end of the archive; the command
 * that received it says whether it checked out (POST, confirmBackup).
 */
export async function backupResponse(db: Db, config: Config, user: string): Promise<Response> {
	const started = performance.now();
	let snap: Snapshot;
	try {
		snap = await takeSnapshot(db, config, () => undefined);
	} catch (err) {
		if (err instanceof BackupError) throw new HttpError(500, 'backup_failed', err.message);
		throw err;
	}
	let listed: ReturnType<typeof entriesOf>;
	try {
		listed = entriesOf(snap, config, () => undefined);
	} catch (err) {
		fs.rmSync(snap.staging, { recursive: true, force: true });
		throw err;
	}
	const { entries, missing } = listed;
	const mtime = new Date(snap.createdAt);
	const pack = tar.pack();
	let cleaned = false;
	const cleanup = () => {
		if (cleaned) return;
		cleaned = true;
		fs.rmSync(snap.staging, { recursive: true, force: true });
	};
	const write = async () => {
		const files: ManifestFile[] = [];
		for (const e of entries) {
			const hash = crypto.createHash('sha256');
			let bytes = 0;
			let done!: (err?: Error | null) => void;
			const finished = new Promise<void>((resolve, reject) => {
				done = (err) => (err ? reject(err) : resolve());
			});
			const sink = pack.entry({ name: e.name, size: e.bytes, mode: 0o644, mtime }, done);
			for await (const chunk of fs.createReadStream(e.source)) {
				hash.update(chunk as Buffer);
				bytes += (chunk as Buffer).length;
				if (!sink.write(chunk)) await once(sink, 'drain');
			}
			sink.end(() => undefined);
			await finished;
			files.push({ path: e.name, bytes, sha256: hash.digest('hex') });
		}
		const manifest = manifestOf(snap, files, missing, { user, method: 'server' });
		const text = JSON.stringify(manifest, null, '\t') + '\n';
		await new Promise<void>((resolve, reject) =>
			pack.entry({ name: MANIFEST, mode: 0o644, mtime }, text, (err) =>
				err ? reject(err) : resolve()
			)
		);
		cleanup();
		// Recorded before the end of the archive goes out, so the command's confirmation finds it.
		await recordBackup(db, manifest, sha256(text), {
			seconds: (performance.now() - started) / 1000,
			verified: null
		});
		pack.finalize();
	};
	write().catch((err: Error) => {
		cleanup();
		pack.destroy(err);
	});
	const chunks = pack[Symbol.asyncIterator]();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { value, done } = await chunks.next();
				if (done) controller.close();
				else controller.enqueue(new Uint8Array(value as Buffer));
			} catch (err) {
				controller.error(err);
			}
		},
		cancel() {
			pack.destroy();
			cleanup();
		}
	});
	return new Response(body, {
		status: 200,
		headers: {
			'content-type': 'application/x-tar',
			'content-disposition': `attachment; filename="${snap.id}.tar"`,
			'cache-control': 'no-store',
			'x-backup-id': snap.id
		}
	});
}

const confirmation = z.strictObject({
	id: z.string().regex(/^bk-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/),
	verified: z.boolean(),
	problem: z.string().max(2000).optional()
});

/** POST /api/v1/admin/backup: the command says whether the backup it received checked out. */
export async function confirmBackup(db: Db, body: unknown): Promise<Response> {
	const parsed = confirmation.safeParse(body);
	if (!parsed.success) {
		const details = parsed.error.issues.map((i) => ({
			parameter: i.path.join('.') || 'body',
			message: i.message
		}));
		throw new HttpError(
			400,
			'bad_request',
			`The confirmation must be {"id": "bk-…", "verified": true|false, "problem"?: "…"}: ${details
				.map((d) => `${d.parameter}: ${d.message}`)
				.join('; ')}.`,
			details
		);
	}
	const { id, verified, problem } = parsed.data;
	const found = await db.write(async (tx) => {
		const row = await tx.one<{ id: string }>('SELECT id FROM backups WHERE id = $id', { id });
		if (!row) return false;
		await tx.run(
			`UPDATE backups SET verified = $verified, verified_at = current_timestamp, problem = $problem
			 WHERE id = $id`,
			{ id, verified, problem: verified ? null : (problem ?? 'not given') }
		);
		return true;
	});
	if (!found) throw new HttpError(404, 'not_found', `There is no backup ${id}.`);
	const record = await db.one<BackupRecord>(
		`SELECT ${RECORD_COLUMNS} FROM backups WHERE id = $id`,
		{
			id
		}
	);
	return new Response(JSON.stringify({ backup: record }), {
		status: 200,
		headers: { 'content-type': 'application/json; charset=utf-8' }
	});
}

/**
 * Unpack a backup tar (the server's answer) into `folder`, refusing any name outside the layout.
 * Resolves when the archive ended properly; rejects on a cut-off stream.
 */
export async function unpackBackup(
	source: Readable,
	folder: string,
	onProgress: Progress = () => undefined
): Promise<{ files: number; bytes: number }> {
	const extract = tar.extract();
	source.on('error', (err) => extract.destroy(err));
	source.pipe(extract);
	let files = 0;
	let bytes = 0;
	for await (const entry of extract) {
		const name = entry.header.name;
		if (entry.header.type !== 'file' || !isBackupPath(name)) {
			entry.destroy();
			throw new BackupError(`The backup stream holds an unexpected entry: ${name.slice(0, 120)}`);
		}
		const dest = path.join(folder, name);
		fs.mkdirSync(path.dirname(dest), { recursive: true });
		await pipeline(entry, fs.createWriteStream(dest, { flags: 'wx' }));
		files++;
		bytes += entry.header.size ?? 0;
		if (name !== MANIFEST) onProgress(`  ${name} (${sizeText(entry.header.size ?? 0)})`);
	}
	return { files, bytes };
}

// ---- checking a backup --------------------------------------------------------------------------

const sumSchema = z.object({
	rows: z.number().int().min(0),
	sha256: z.string().regex(/^[0-9a-f]{64}$/)
});
const manifestSchema = z.object({
	format: z.literal(BACKUP_FORMAT),
	format_version: z.number().int(),
	id: z.string(),
	app_version: z.string(),
	schema_version: z.number().int().min(1),
	duckdb_version: z.string(),
	created_at: z.string(),
	created_by: z.string(),
	method: z.enum(['direct', 'server']),
	checksum_method: z.string(),
	tables: z.record(
		z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
		sumSchema.extend({ file: z.string() })
	),
	uploads: z.array(z.string()),
	missing: z.array(z.string()),
	files: z.array(
		z.object({
			path: z.string().refine((p) => SAFE_NAME.test(p), 'not a name a backup holds'),
			bytes: z.number().int().min(0),
			sha256: z.string().regex(/^[0-9a-f]{64}$/)
		})
	),
	bytes: z.number().int().min(0)
});

/** Read a backup folder's manifest, refusing one that is missing, cut short or not a backup's. */
export function readManifest(folder: string): Manifest {
	const file = path.join(folder, MANIFEST);
	if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
		throw new BackupError(`Refused: there is no backup folder ${folder}.`);
	}
	if (!fs.existsSync(file)) {
		throw damaged(`${MANIFEST} is missing from ${folder} (a backup that did not finish has none)`);
	}
	let raw: unknown;
	try {
		raw = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		throw damaged(`${MANIFEST} is not whole JSON (cut short?)`);
	}
	if ((raw as { format?: unknown })?.format !== BACKUP_FORMAT) {
		throw damaged(`${MANIFEST} is not a dashboard backup's manifest`);
	}
	const version = (raw as { format_version?: unknown }).format_version;
	if (typeof version === 'number' && version > BACKUP_FORMAT_VERSION) {
		throw new BackupError(
			`Refused: this backup's format (version ${version}) is newer than this code reads (${BACKUP_FORMAT_VERSION}). Nothing was restored. Restore it with the newer version of the dashboard that made it.`
		);
	}
	const parsed = manifestSchema.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw damaged(`${MANIFEST} has a bad field ${issue.path.join('.')}: ${issue.message}`);
	}
	const m = parsed.data as Manifest;
	const names = new Set(m.files.map((f) => f.path));
	if (names.size !== m.files.length) throw damaged(`${MANIFEST} lists a file twice`);
	for (const [table, t] of Object.entries(m.tables)) {
		if (!names.has(t.file) || !t.file.startsWith('database/')) {
			throw damaged(`${MANIFEST} names ${t.file} for table ${table}, which it does not list`);
		}
	}
	if (!names.has('database/schema.sql')) throw damaged(`${MANIFEST} lists no database/schema.sql`);
	return m;
}

/** The message a database made by newer code gets, said of a backup. */
function newerBackup(found: number): BackupError {
	const text = new NewerDatabaseError(found, SCHEMA_VERSION).message
		.replace('This database was made', 'This backup was made')
		.replace('It was not changed.', 'Nothing was restored.');
	return new BackupError(`Refused: ${text}`);
}

/**
 * Check a backup folder against its manifest: the format and schema version this code can
 * restore, every file present with its size and sha256. Returns the manifest; throws BackupError.
 */
export async function verifyBackup(
	folder: string,
	onProgress: Progress = () => undefined
): Promise<Manifest> {
	const m = readManifest(folder);
	if (m.schema_version > SCHEMA_VERSION) throw newerBackup(m.schema_version);
	for (const f of m.files) {
		const file = path.join(folder, f.path);
		const stat = fs.statSync(file, { throwIfNoEntry: false });
		if (!stat || !stat.isFile()) throw damaged(`${f.path} is missing`);
		if (stat.size !== f.bytes) {
			throw damaged(
				`${f.path} is ${thousands(stat.size)} bytes, the manifest says ${thousands(f.bytes)}`
			);
		}
	}
	onProgress(`Checking the sha256 of ${m.files.length} files (${sizeText(m.bytes)})…`);
	for (const f of m.files) {
		const { sha256: got } = await hashFile(path.join(folder, f.path));
		if (got !== f.sha256) {
			throw damaged(
				`${f.path} does not have the contents the manifest lists (sha256 ${got.slice(0, 12)}…, the manifest says ${f.sha256.slice(0, 12)}…)`
			);
		}
	}
	return m;
}

// ---- restore ------------------------------------------------------------------------------------

/** Tables a brand-new database already fills (schema history, reference data): not "data". */
async function pristineTables(): Promise<Set<string>> {
	const instance = await DuckDBInstance.create(':memory:');
	const conn = await instance.connect();
	try {
		const q = bare(conn);
		await migrate(q);
		const sums = await tableChecksums(q);
		return new Set(
			Object.entries(sums)
				.filter(([, s]) => s.rows > 0)
				.map(([t]) => t)
		);
	} finally {
		conn.closeSync();
		instance.closeSync();
	}
}

/** Refuse to restore over anything: a database file with data, or files in DATA_DIR/uploads. */
async function checkEmptyPlace(dbPath: string, dataDir: string): Promise<{ dbExists: boolean }> {
	const uploads = path.join(dataDir, 'uploads');
	const there = fs.existsSync(uploads) ? fs.readdirSync(uploads) : [];
	if (there.length) {
		throw new BackupError(
			`Refused: restore needs an empty place, and ${uploads} already has ${there.length} ${there.length === 1 ? 'file' : 'files'}. Nothing was changed. Point DATA_DIR (and DATABASE_PATH) at an empty folder, or move those files away first.`
		);
	}
	if (!fs.existsSync(dbPath)) return { dbExists: false };
	let instance: DuckDBInstance;
	try {
		instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
	} catch (err) {
		if (/lock/i.test(String(err))) throw new DatabaseInUseError(dbPath);
		throw new BackupError(
			`Refused: ${dbPath} exists and is not a database this code can open (${(err as Error).message.split('\n')[0]}). Nothing was changed. Move it away first.`
		);
	}
	const conn = await instance.connect();
	let holding: string[];
	try {
		const fresh = await pristineTables();
		const q = bare(conn);
		holding = [];
		for (const t of await tableNames(q)) {
			if (fresh.has(t)) continue;
			const [row] = await q.all<{ n: number }>(`SELECT count(*) AS n FROM ${ident(t)}`);
			if (row.n > 0) holding.push(t);
		}
	} finally {
		conn.closeSync();
		instance.closeSync();
	}
	if (holding.length) {
		throw new BackupError(
			`Refused: restore needs an empty place, and the database ${dbPath} already holds data (${holding.slice(0, 5).join(', ')}${holding.length > 5 ? ', …' : ''}). Nothing was changed. Point DATABASE_PATH and DATA_DIR at an empty folder, or move the database away first.`
		);
	}
	return { dbExists: true };
}

export interface RestoreResult {
	manifest: Manifest;
	databasePath: string;
	files: number;
	seconds: number;
}

/**
 * Restore a backup folder into an empty DATABASE_PATH and DATA_DIR: check the manifest and every
 * file first, build the database, check every table's rows and checksum against the manifest,
 * copy the archived files, and only then put the database in place. On any refusal or failure,
 * everything it wrote is removed again.
 */
export async function restoreBackup(
	folder: string,
	config: Config,
	onProgress: Progress = () => undefined
): Promise<RestoreResult> {
	const started = performance.now();
	if (config.databasePath === ':memory:') {
		throw new BackupError('Refused: DATABASE_PATH is :memory:; restore needs a database file.');
	}
	const source = path.resolve(folder);
	onProgress(`Checking ${folder} against its manifest…`);
	const m = await verifyBackup(source, onProgress);
	const dbPath = path.resolve(config.databasePath);
	const dataDir = path.resolve(config.dataDir);
	const { dbExists } = await checkEmptyPlace(dbPath, dataDir);

	const made: string[] = [];
	const written: string[] = [];
	const mkdir = (dir: string) => {
		const missing: string[] = [];
		for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
		for (const d of missing) {
			fs.mkdirSync(d);
			made.push(d);
		}
	};
	const building = `${dbPath}.restoring-${crypto.randomBytes(4).toString('hex')}`;
	try {
		mkdir(path.dirname(dbPath));
		written.push(building, `${building}.wal`, `${building}.tmp`);
		onProgress(
			`Restoring the database (${Object.keys(m.tables).length} tables, ${thousands(
				Object.values(m.tables).reduce((n, t) => n + t.rows, 0)
			)} rows)…`
		);
		await buildDatabase(source, m, building);
		const archives = m.files.filter((f) => f.path.startsWith('uploads/'));
		if (archives.length) {
			onProgress(
				`Copying ${archives.length} archived files into ${path.join(dataDir, 'uploads')}…`
			);
		}
		mkdir(path.join(dataDir, 'uploads'));
		for (const f of archives) {
			const dest = path.join(dataDir, f.path);
			written.push(dest);
			const copied = await copyHashed(path.join(source, f.path), dest);
			if (copied.bytes !== f.bytes || copied.sha256 !== f.sha256) {
				throw damaged(`${f.path} changed while it was copied`);
			}
		}
		if (dbExists) {
			// An empty database (nothing but what a new one has) gives way to the restored one.
			fs.rmSync(dbPath, { force: true });
			fs.rmSync(`${dbPath}.wal`, { force: true });
		}
		fs.renameSync(building, dbPath);
		fs.rmSync(`${building}.wal`, { force: true });
		return {
			manifest: m,
			databasePath: dbPath,
			files: archives.length,
			seconds: (performance.now() - started) / 1000
		};
	} catch (err) {
		for (const f of written) fs.rmSync(f, { recursive: true, force: true });
		for (const d of made.reverse()) fs.rmSync(d, { recursive: true, force: true });
		throw err;
	}
}

/** Build the database file from the backup's schema and Parquet files, then check every table. */
async function buildDatabase(folder: string, m: Manifest, file: string): Promise<void> {
	const instance = await DuckDBInstance.create(file);
	const conn = await instance.connect();
	try {
		// As the app locks its own instance (db/index.ts): files only from the backup and the target.
		await conn.run("SET GLOBAL TimeZone = 'UTC'");
		const dirs = [asDirectory(path.join(folder, 'database')), asDirectory(path.dirname(file))];
		await conn.run(`SET allowed_directories = [${dirs.map(sqlString).join(', ')}]`);
		await conn.run('SET enable_external_access = false');
		await conn.run('SET autoinstall_known_extensions = false');
		await conn.run('SET autoload_known_extensions = false');
		await conn.run('SET lock_configuration = true');
		const q = bare(conn);
		await q.run('BEGIN TRANSACTION');
		await q.run(fs.readFileSync(path.join(folder, 'database', 'schema.sql'), 'utf8'));
		const have = new Set(await tableNames(q));
		for (const table of Object.keys(m.tables)) {
			if (!have.has(table))
				throw damaged(`table ${table} is in the manifest but not in database/schema.sql`);
		}
		for (const table of have) {
			if (!(table in m.tables))
				throw damaged(`table ${table} is in database/schema.sql but not in the manifest`);
		}
		for (const [table, t] of Object.entries(m.tables)) {
			await q.run(
				`COPY ${ident(table)} FROM ${sqlString(path.join(folder, t.file))} (FORMAT parquet)`
			);
		}
		const sums = await tableChecksums(q, Object.keys(m.tables));
		for (const [table, want] of Object.entries(m.tables)) {
			const got = sums[table];
			if (got.rows !== want.rows) {
				throw damaged(
					`table ${table} has ${thousands(got.rows)} rows once restored, the manifest says ${thousands(want.rows)}`
				);
			}
			if (got.sha256 !== want.sha256) {
				throw damaged(
					`table ${table} does not have the contents the manifest lists (checksum ${got.sha256.slice(0, 12)}…, the manifest says ${want.sha256.slice(0, 12)}…)`
				);
			}
		}
		await q.run('COMMIT');
		await q.run('CHECKPOINT');
	} catch (err) {
		if (err instanceof BackupError) throw err;
		throw damaged(
			`its database files could not be loaded (${(err as Error).message.split('\n')[0]})`
		);
	} finally {
		conn.closeSync();
		instance.closeSync();
	}
}
