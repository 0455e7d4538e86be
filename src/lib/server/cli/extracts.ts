// CLI commands over the extract pipeline: load (a file or a folder), uploads, rollback, restore — locally on the database
// file, or through a running server's API with --url and --token — and purge (local only).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { readConfig } from '../config';
import { DatabaseInUseError, openDb, type Db } from '../db';
import { HttpError } from '../http';
import { isIsoDate } from '../../dates';
import { LOAD_ORDER as ORDER } from '../../load-order';
import { isKindName, KIND_NAMES, type KindName } from '../extracts/contract';
import { detectKind } from '../extracts/header';
import { listMappings, mappingForHeader, resolveMapping, type Mapping } from '../extracts/mappings';
import { splitCsvRecord } from '../extracts/scan';
import {
	listUploads,
	loadExtract,
	restoreUpload,
	rollbackUpload,
	type UploadInfo,
	type UploadSummary,
	type ValidationReport
} from '../extracts/index';
import { purgeExpired, purgeUploadFile } from '../extracts/retention';

/** The order a folder is loaded in: the Extracts page's (src/lib/load-order.ts). */
export const LOAD_ORDER: readonly KindName[] = ORDER;

type Command = (args: string[]) => Promise<number>;

class Usage extends Error {
	exitCode = 2;
}

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

interface Parsed {
	values: { [option: string]: string | undefined } & { json?: boolean };
	positionals: string[];
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): Parsed {
	try {
		return parseArgs({
			args,
			options: { url: { type: 'string' }, token: { type: 'string' }, ...options },
			allowPositionals: true,
			strict: true
		}) as unknown as Parsed;
	} catch (e) {
		throw new Usage(`${(e as Error).message}\nRun "npm run cli" for usage.`);
	}
}

/** Open the database, or explain that the server holds it (exit 1). */
async function withDb(fn: (db: Db) => Promise<number>): Promise<number> {
	let db: Db;
	try {
		db = await openDb(readConfig().databasePath);
	} catch (e) {
		if (e instanceof DatabaseInUseError) {
			err(e.message);
			return 1;
		}
		throw e;
	}
	try {
		return await fn(db);
	} catch (e) {
		if (e instanceof HttpError) {
			err(e.message);
			return 1;
		}
		throw e;
	} finally {
		await db.close();
	}
}

interface Remote {
	url: string;
	token: string;
}

function remote(values: Parsed['values']): Remote | undefined {
	if (!values.url && !values.token) return undefined;
	if (!values.url || !values.token) throw new Usage('--url and --token go together.');
	return { url: values.url.replace(/\/+$/, ''), token: values.token };
}

async function call(r: Remote, method: string, pathname: string, init: RequestInit = {}) {
	const res = await fetch(`${r.url}${pathname}`, {
		method,
		...init,
		headers: { authorization: `Bearer ${r.token}`, accept: 'application/json', ...init.headers }
	}).catch((e: Error) => {
		throw new Error(`Could not reach the server at ${r.url}: ${e.message}`);
	});
	const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
	return { status: res.status, body };
}

function printReport(report: ValidationReport | undefined) {
	if (!report) return;
	for (const s of report.summary) err(`  ${s.message} (e.g. line ${s.firstLines.join(', ')})`);
	const shown = report.problems.slice(0, 20);
	if (shown.length) err('First problems:');
	for (const p of shown) {
		err(`  line ${p.line}, ${p.column}: ${p.reason}${p.value ? ` (value: ${p.value})` : ''}`);
	}
	if (report.errorCount > shown.length) err(`  … ${report.errorCount - shown.length} more`);
	// The refused report is kept whole: where to read every problem later.
	const kept = report.stored;
	if (kept) {
		err(
			`The whole report is kept as ${kept.ref}: ${kept.problems} problems${kept.capped ? ' (the first ones; more were found)' : ''}, on the site at ${kept.page}, as CSV at ${kept.csv}.`
		);
	}
}

function printLoaded(upload: UploadInfo) {
	err(
		`Loaded ${upload.kind} upload ${upload.id} (${upload.mode}): ${upload.rows} rows, ${upload.inserted} new, ${upload.replaced} replaced; taken ${upload.as_of}.`
	);
	for (const w of upload.warnings) err(`Warning: ${w}`);
}

function printRefusal(error: { message?: string; details?: unknown[] }, report?: ValidationReport) {
	err(`Refused: ${error.message ?? 'the server refused the upload'}`);
	if (report) printReport(report);
	else {
		for (const d of (error.details ?? []).slice(0, 20) as { line?: number; message?: string }[]) {
			err(`  ${d.line ? `line ${d.line}: ` : ''}${d.message ?? ''}`);
		}
	}
}

/** What `load` was asked, checked: the options every file of a folder shares. */
interface LoadArgs {
	kind?: KindName;
	mode: 'merge' | 'replace';
	asOf?: string;
	mapping?: string;
	user?: string;
	remote?: Remote;
}

/** A refusal as the pipeline or the API gives it. */
interface LoadError {
	code?: string;
	message?: string;
	details?: unknown[];
}

/** One file's answer: loaded (the upload) or refused (the error, and the report when rows were read). */
type FileOutcome =
	{ ok: true; upload: UploadInfo } | { ok: false; error: LoadError; report?: ValidationReport };

export const load: Command = async (args) => {
	const { values, positionals } = parse(args, {
		kind: { type: 'string' },
		mode: { type: 'string' },
		'as-of': { type: 'string' },
		as: { type: 'string' },
		mapping: { type: 'string' }
	});
	if (positionals.length !== 1)
		throw new Usage(
			'load needs exactly one file or folder: load <file.csv|folder> [--kind K] [--mode merge|replace] [--mapping NAME] [--as-of YYYY-MM-DD] [--as USER]'
		);
	const target = positionals[0];
	if (values.kind && !isKindName(values.kind)) {
		throw new Usage(`--kind must be one of ${KIND_NAMES.join(', ')}, not "${values.kind}".`);
	}
	if (values.mode && values.mode !== 'merge' && values.mode !== 'replace') {
		throw new Usage(`--mode must be merge or replace, not "${values.mode}".`);
	}
	const asOf = values['as-of'];
	if (asOf !== undefined && !isIsoDate(asOf)) {
		throw new Usage(
			`--as-of must be a date written YYYY-MM-DD (the day the extract was taken), not "${asOf}".`
		);
	}
	if (values.mapping !== undefined && !values.mapping.trim()) {
		throw new Usage(
			'--mapping needs the name of a saved mapping, e.g. --mapping "Niche crimes export".'
		);
	}
	const opts: LoadArgs = {
		kind: values.kind && isKindName(values.kind) ? values.kind : undefined,
		mode: values.mode === 'replace' ? 'replace' : 'merge',
		asOf,
		mapping: values.mapping?.trim(),
		user: values.as,
		remote: remote(values)
	};
	if (opts.remote && values.as) {
		err("Note: --as is ignored with --url; the upload is made as the token's user.");
	}
	if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
		// Each file of a folder is recognised by its own header, so one kind or mapping cannot apply.
		if (opts.kind || opts.mapping) {
			throw new Usage(
				`--${opts.kind ? 'kind' : 'mapping'} is for one file: the files of a folder are recognised by their headers (a contract header, or a saved mapping's). Leave it out, or load the file on its own.`
			);
		}
		return loadFolder(target, opts);
	}
	if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
		err(`There is no file or folder ${target}.`);
		return 1;
	}
	const done = (outcome: FileOutcome) => {
		if (outcome.ok) {
			printLoaded(outcome.upload);
			out(JSON.stringify(outcome.upload, null, 2));
			return 0;
		}
		printRefusal(outcome.error, outcome.report);
		out(JSON.stringify({ error: outcome.error, report: outcome.report }, null, 2));
		return 1;
	};
	if (opts.remote) return done(await postFile(opts.remote, target, opts, opts.mapping));
	return withDb(async (db) => {
		let mapping: Mapping | undefined;
		try {
			mapping = opts.mapping ? await resolveMapping(db, opts.mapping) : undefined;
		} catch (e) {
			if (!(e instanceof HttpError)) throw e;
			return done({ ok: false, error: { code: e.code, message: e.message, details: e.details } });
		}
		return done(await loadLocal(db, target, opts, mapping));
	});
};

async function loadLocal(
	db: Db,
	file: string,
	opts: LoadArgs,
	mapping?: Mapping
): Promise<FileOutcome> {
	const outcome = await loadExtract(
		db,
		{ path: file },
		{
			kind: opts.kind,
			mode: opts.mode,
			asOf: opts.asOf,
			mapping,
			user: opts.user || `${os.userInfo().username} (cli)`,
			config: readConfig()
		}
	);
	return outcome.ok ? outcome : { ok: false, error: outcome.error, report: outcome.report };
}

/** POST one file to the server's API, with its kind and mapping (name and version) if any. */
async function postFile(
	r: Remote,
	file: string,
	opts: LoadArgs,
	mapping?: string,
	mappingVersion?: number
): Promise<FileOutcome> {
	const query = new URLSearchParams({ mode: opts.mode, filename: path.basename(file) });
	if (opts.kind) query.set('kind', opts.kind);
	if (opts.asOf) query.set('as_of', opts.asOf);
	if (mapping) query.set('mapping', mapping);
	if (mappingVersion) query.set('mapping_version', String(mappingVersion));
	const res = await call(r, 'POST', `/api/v1/extracts?${query}`, {
		body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
		headers: { 'content-type': 'text/csv' },
		duplex: 'half'
	} as RequestInit);
	if (res.status === 201) return { ok: true, upload: res.body.upload as UploadInfo };
	return {
		ok: false,
		error: (res.body.error as LoadError | undefined) ?? {
			message: `the server answered ${res.status}`
		},
		report: res.body.report as ValidationReport | undefined
	};
}

/** The header record of a CSV file (its first record, BOM dropped), read from its first bytes. */
function readHeader(file: string): string[] {
	const fd = fs.openSync(file, 'r');
	try {
		const buf = Buffer.alloc(1 << 20);
		const n = fs.readSync(fd, buf, 0, buf.length, 0);
		let bytes = buf.subarray(0, n);
		if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
		let text: string;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			// A cut multi-byte character at the end, or an Excel (Windows-1252) file.
			text = new TextDecoder('windows-1252').decode(bytes);
		}
		return splitCsvRecord(text);
	} finally {
		fs.closeSync(fd);
	}
}

/** One file of a folder: what its header says it is, and the mapping saved for that header. */
interface FolderFile {
	file: string;
	name: string;
	kind?: KindName;
	mapping?: Pick<Mapping, 'name' | 'version'>;
	/** The mapping itself (local loads). */
	saved?: Mapping;
}

/** Each CSV of the folder with its kind, in LOAD_ORDER (unrecognised files last, to be refused). */
function planFolder(folder: string, mappings: readonly Mapping[]): FolderFile[] {
	const files = fs
		.readdirSync(folder)
		.filter((n) => n.toLowerCase().endsWith('.csv') && fs.statSync(path.join(folder, n)).isFile())
		.sort();
	const planned = files.map((name): FolderFile => {
		const file = path.join(folder, name);
		const header = readHeader(file);
		// A mapping saved for this very header wins: it was made for this source's files.
		const saved = mappingForHeader(mappings, header);
		if (saved) {
			return {
				file,
				name,
				kind: saved.kind,
				mapping: { name: saved.name, version: saved.version },
				saved
			};
		}
		const detected = detectKind(header);
		return { file, name, kind: detected.ok ? detected.kind : undefined };
	});
	const rank = (k?: KindName) => (k ? LOAD_ORDER.indexOf(k) : LOAD_ORDER.length);
	return planned
		.map((f, i) => ({ f, i }))
		.sort((a, b) => rank(a.f.kind) - rank(b.f.kind) || a.i - b.i)
		.map((x) => x.f);
}

/**
 * load <folder>: every CSV of the folder, reference data first and then each kind before the kinds
 * that refer to it, each as its own upload; one summary at the end. A refused file does not stop
 * the others (each upload stands alone); exit 1 when any was refused.
 */
async function loadFolder(folder: string, opts: LoadArgs): Promise<number> {
	const run = async (
		mappings: Mapping[],
		send: (f: FolderFile) => Promise<FileOutcome>
	): Promise<number> => {
		const plan = planFolder(folder, mappings);
		if (!plan.length) {
			err(`There is no CSV file in ${folder}.`);
			return 1;
		}
		err(
			`Loading ${plan.length} ${plan.length === 1 ? 'file' : 'files'} from ${folder}: ${plan.map((f) => `${f.name} (${f.kind ?? 'kind not recognised'}${f.mapping ? `, mapping "${f.mapping.name}" v${f.mapping.version}` : ''})`).join(', ')}.`
		);
		const results: { f: FolderFile; outcome: FileOutcome }[] = [];
		for (const [i, f] of plan.entries()) {
			err(`[${i + 1}/${plan.length}] ${f.name}`);
			const outcome = await send(f);
			if (outcome.ok) printLoaded(outcome.upload);
			else printRefusal(outcome.error, outcome.report);
			results.push({ f, outcome });
		}
		const loaded = results.filter((r) => r.outcome.ok);
		const refused = results.length - loaded.length;
		const warnings = loaded.reduce(
			(n, r) => n + (r.outcome.ok ? r.outcome.upload.warnings.length : 0),
			0
		);
		err('');
		err(
			`Summary: ${loaded.length} loaded, ${refused} refused, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}, of ${results.length} ${results.length === 1 ? 'file' : 'files'} in ${folder}.`
		);
		for (const { f, outcome } of results) {
			err(
				outcome.ok
					? `  loaded   ${f.name}: ${outcome.upload.kind} upload ${outcome.upload.id}, ${outcome.upload.rows} rows`
					: `  refused  ${f.name}: ${outcome.error.message ?? outcome.error.code ?? 'refused'}`
			);
		}
		out(
			JSON.stringify(
				{
					folder,
					loaded: loaded.length,
					refused,
					warnings,
					files: results.map(({ f, outcome }) => ({
						file: f.name,
						kind: outcome.ok ? outcome.upload.kind : (f.kind ?? null),
						mapping: f.mapping ?? null,
						status: outcome.ok ? 'loaded' : 'refused',
						...(outcome.ok
							? {
									upload: outcome.upload.id,
									rows: outcome.upload.rows,
									warnings: outcome.upload.warnings
								}
							: { error: outcome.error })
					}))
				},
				null,
				2
			)
		);
		return refused ? 1 : 0;
	};
	const r = opts.remote;
	if (r) {
		const res = await call(r, 'GET', '/api/v1/mappings');
		if (res.status !== 200) {
			err(
				(res.body.error as { message?: string })?.message ?? `The server answered ${res.status}.`
			);
			return 1;
		}
		return run(res.body.mappings as Mapping[], (f) =>
			postFile(r, f.file, opts, f.mapping?.name, f.mapping?.version)
		);
	}
	return withDb(async (db) =>
		run(await listMappings(db), (f) => loadLocal(db, f.file, opts, f.saved))
	);
}

function table(uploads: UploadSummary[]): string {
	const rows = [
		['id', 'kind', 'mode', 'active', 'rows', 'uploaded_at', 'uploaded_by', 'file'],
		...uploads.map((u) => [
			u.id,
			u.kind,
			u.mode,
			u.active ? 'yes' : 'no',
			String(u.rows),
			u.uploaded_at.slice(0, 19).replace('T', ' '),
			u.uploaded_by,
			u.file_name ?? ''
		])
	];
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	return rows
		.map((r) =>
			r
				.map((c, i) => c.padEnd(widths[i]))
				.join('  ')
				.trimEnd()
		)
		.join('\n');
}

export const uploads: Command = async (args) => {
	const { values, positionals } = parse(args, {
		kind: { type: 'string' },
		json: { type: 'boolean' }
	});
	if (positionals.length)
		throw new Usage('uploads takes no arguments: uploads [--kind K] [--json]');
	if (values.kind && !isKindName(values.kind))
		throw new Usage(`--kind must be one of ${KIND_NAMES.join(', ')}.`);
	const kind = values.kind && isKindName(values.kind) ? values.kind : undefined;
	const show = (list: UploadSummary[]) => {
		out(values.json ? JSON.stringify(list, null, 2) : table(list));
		return 0;
	};
	const r = remote(values);
	if (r) {
		const res = await call(r, 'GET', `/api/v1/extracts${kind ? `?kind=${kind}` : ''}`);
		if (res.status !== 200) {
			err(
				(res.body.error as { message?: string })?.message ?? `The server answered ${res.status}.`
			);
			return 1;
		}
		return show(res.body.uploads as UploadSummary[]);
	}
	return withDb(async (db) => show(await listUploads(db, { kind })));
};

function activeCommand(active: boolean): Command {
	const name = active ? 'restore' : 'rollback';
	return async (args) => {
		const { values, positionals } = parse(args, { as: { type: 'string' } });
		if (positionals.length !== 1)
			throw new Usage(`${name} needs one upload id: ${name} <upload-id>`);
		const id = positionals[0];
		const done = (u: UploadInfo) => {
			err(
				`${active ? 'Restored' : 'Rolled back'} ${u.kind} upload ${u.id}; the current ${u.kind} dataset is refreshed.`
			);
			out(JSON.stringify(u, null, 2));
			return 0;
		};
		const r = remote(values);
		if (r) {
			const res = await call(r, 'POST', `/api/v1/extracts/${encodeURIComponent(id)}/${name}`);
			if (res.status !== 200) {
				err(
					(res.body.error as { message?: string })?.message ?? `The server answered ${res.status}.`
				);
				return 1;
			}
			return done(res.body.upload as UploadInfo);
		}
		const user = values.as || `${os.userInfo().username} (cli)`;
		return withDb(async (db) =>
			done(active ? await restoreUpload(db, id, user) : await rollbackUpload(db, id, user))
		);
	};
}

export const rollback = activeCommand(false);
export const restore = activeCommand(true);

/**
 * purge [--dry-run]: delete the archived files of uploads older than RETENTION_DAYS (their records,
 * reports and rows stay); purge <upload-id> --reason R: delete one upload's file now. Local only:
 * it deletes files under DATA_DIR, which a remote server's API does not offer.
 */
export const purge: Command = async (args) => {
	const { values, positionals } = parse(args, {
		'dry-run': { type: 'boolean' },
		reason: { type: 'string' },
		as: { type: 'string' }
	});
	if (values.url || values.token) {
		throw new Usage(
			'purge works on the database file only: stop the server, then run purge without --url.'
		);
	}
	if (positionals.length > 1) {
		throw new Usage(
			'purge takes at most one upload id: purge [--dry-run] | purge <upload-id> --reason R'
		);
	}
	const id = positionals[0];
	const dryRun = Boolean((values as { 'dry-run'?: boolean })['dry-run']);
	if (id && dryRun)
		throw new Usage('--dry-run is for the retention purge (purge --dry-run), not one upload.');
	if (id && !values.reason?.trim()) {
		throw new Usage(`purge ${id} needs a reason: purge ${id} --reason "why the file goes now"`);
	}
	if (!id && values.reason)
		throw new Usage('--reason goes with an upload id: purge <upload-id> --reason R');
	const config = readConfig();
	const user = values.as || `${os.userInfo().username} (cli)`;
	return withDb(async (db) => {
		const r = id
			? await purgeUploadFile(db, config, id, { user, reason: values.reason! })
			: await purgeExpired(db, config, { user, dryRun });
		const what = r.dry_run ? 'Would purge' : 'Purged';
		err(
			id
				? `${what} the archived file of upload ${id} (${r.bytes} bytes); its record and rows are kept.`
				: `${what} ${r.files} archived ${r.files === 1 ? 'file' : 'files'} (${r.bytes} bytes) of ${r.uploads.length} ${r.uploads.length === 1 ? 'upload' : 'uploads'} made before ${r.cutoff.slice(0, 10)} (RETENTION_DAYS ${r.retention_days}); their records and rows are kept.`
		);
		out(JSON.stringify(r, null, 2));
		return 0;
	});
};

export const extractCommands: Record<string, Command> = {
	load,
	uploads,
	rollback,
	restore,
	purge
};
