// CLI commands over the extract pipeline: load, uploads, rollback, restore — locally on the database
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
import { isKindName, KIND_NAMES } from '../extracts/contract';
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

export const load: Command = async (args) => {
	const { values, positionals } = parse(args, {
		kind: { type: 'string' },
		mode: { type: 'string' },
		'as-of': { type: 'string' },
		as: { type: 'string' }
	});
	if (positionals.length !== 1)
		throw new Usage(
			'load needs exactly one file: load <file.csv> [--kind K] [--mode merge|replace] [--as-of YYYY-MM-DD] [--as USER]'
		);
	const file = positionals[0];
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
	if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
		err(`There is no file ${file}.`);
		return 1;
	}
	const kind = values.kind && isKindName(values.kind) ? values.kind : undefined;
	const mode = values.mode === 'replace' ? 'replace' : 'merge';
	const r = remote(values);
	if (r) {
		if (values.as) err("Note: --as is ignored with --url; the upload is made as the token's user.");
		const query = new URLSearchParams({ mode, filename: path.basename(file) });
		if (kind) query.set('kind', kind);
		if (asOf) query.set('as_of', asOf);
		const res = await call(r, 'POST', `/api/v1/extracts?${query}`, {
			body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
			headers: { 'content-type': 'text/csv' },
			duplex: 'half'
		} as RequestInit);
		if (res.status === 201) {
			const upload = res.body.upload as UploadInfo;
			printLoaded(upload);
			out(JSON.stringify(upload, null, 2));
			return 0;
		}
		const error = (res.body.error ?? {}) as { message?: string; details?: unknown[] };
		printRefusal(error, res.body.report as ValidationReport | undefined);
		out(JSON.stringify(res.body, null, 2));
		return 1;
	}
	return withDb(async (db) => {
		const outcome = await loadExtract(
			db,
			{ path: file },
			{
				kind,
				mode,
				asOf,
				user: values.as || `${os.userInfo().username} (cli)`,
				config: readConfig()
			}
		);
		if (outcome.ok) {
			printLoaded(outcome.upload);
			out(JSON.stringify(outcome.upload, null, 2));
			return 0;
		}
		printRefusal(outcome.error, outcome.report);
		out(JSON.stringify({ error: outcome.error }, null, 2));
		return 1;
	});
};

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
