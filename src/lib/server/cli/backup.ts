// `backup create <folder> [--url URL --token T]`, `backup restore <folder>`, `backup verify <folder>`:
// a consistent backup with a manifest (src/lib/server/backup.ts), taken on the database file when it
// is free or streamed by the running server; the restore into an empty DATABASE_PATH / DATA_DIR.
// Progress on stderr; the result as JSON on stdout.
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
	BackupError,
	createBackup,
	prepareFolder,
	restoreBackup,
	sizeText,
	thousands,
	unpackBackup,
	verifyBackup,
	type Manifest
} from '../backup';
import { readConfig } from '../config';
import { DatabaseInUseError, openDb } from '../db';
import fs from 'node:fs';

type Command = (args: string[]) => Promise<number>;

class Usage extends Error {
	exitCode = 2;
}

const USAGE =
	'backup create <folder> [--url URL --token TOKEN] [--as USER] | backup restore <folder> | backup verify <folder>';

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }> = {}) {
	try {
		return parseArgs({ args, options, allowPositionals: true, strict: true }) as unknown as {
			values: Record<string, string | undefined>;
			positionals: string[];
		};
	} catch (e) {
		throw new Usage(`${(e as Error).message}\nUsage: npm run cli -- ${USAGE}`);
	}
}

function oneFolder(positionals: string[], what: string): string {
	if (positionals.length !== 1) {
		throw new Usage(`backup ${what} takes one folder.\nUsage: npm run cli -- ${USAGE}`);
	}
	return positionals[0];
}

const summary = (m: Manifest, folder: string, seconds: number) => ({
	id: m.id,
	folder: path.resolve(folder),
	created_at: m.created_at,
	created_by: m.created_by,
	method: m.method,
	schema_version: m.schema_version,
	tables: Object.keys(m.tables).length,
	rows: Object.values(m.tables).reduce((n, t) => n + t.rows, 0),
	uploads: m.uploads.length,
	archived_files: m.files.filter((f) => f.path.startsWith('uploads/')).length,
	missing_files: m.missing,
	bytes: m.bytes,
	seconds: Math.round(seconds * 100) / 100,
	verified: true
});

function said(m: Manifest, seconds: number): string {
	const rows = Object.values(m.tables).reduce((n, t) => n + t.rows, 0);
	const archived = m.files.filter((f) => f.path.startsWith('uploads/')).length;
	return `${Object.keys(m.tables).length} tables (${thousands(rows)} rows), ${archived} archived ${archived === 1 ? 'file' : 'files'}, ${sizeText(m.bytes)} in ${seconds.toFixed(1)} s`;
}

/** Run `fn`, turning a refusal into its message and exit 1. */
async function refusing(fn: () => Promise<number>): Promise<number> {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof BackupError || e instanceof DatabaseInUseError) {
			err(e.message);
			return 1;
		}
		throw e;
	}
}

async function create(args: string[]): Promise<number> {
	const { values, positionals } = parse(args, {
		url: { type: 'string' },
		token: { type: 'string' },
		as: { type: 'string' }
	});
	const folder = oneFolder(positionals, 'create');
	if (Boolean(values.url) !== Boolean(values.token))
		throw new Usage('--url and --token go together.');
	const config = readConfig();
	if (values.url) {
		if (values.as) err("Note: --as is ignored with --url; the backup is made as the token's user.");
		return refusing(() => createRemote(folder, values.url!.replace(/\/+$/, ''), values.token!));
	}
	return refusing(async () => {
		let db;
		try {
			db = await openDb(config.databasePath, { dataDir: config.dataDir });
		} catch (e) {
			if (e instanceof DatabaseInUseError) {
				err(
					`The database ${config.databasePath} is in use by another process (usually the running dashboard server). ` +
						`Take the backup through the server: npm run cli -- backup create ${folder} --url URL --token ADMIN_TOKEN`
				);
				return 1;
			}
			throw e;
		}
		try {
			const user = values.as || `${os.userInfo().username} (cli)`;
			const r = await createBackup(db, config, folder, err, { user });
			err(
				`Backup ${r.manifest.id} written to ${r.folder} and checked: ${said(r.manifest, r.seconds)}.`
			);
			out(summary(r.manifest, folder, r.seconds));
			return 0;
		} finally {
			await db.close();
		}
	});
}

/** Receive the server's backup stream into `folder`, check it, and tell the server how it went. */
async function createRemote(folder: string, url: string, token: string): Promise<number> {
	const started = performance.now();
	const { made } = prepareFolder(folder, readConfig());
	const clear = () => {
		if (made) fs.rmSync(folder, { recursive: true, force: true });
		else
			for (const n of fs.readdirSync(folder))
				fs.rmSync(path.join(folder, n), { recursive: true, force: true });
	};
	const auth = { authorization: `Bearer ${token}` };
	err(`Asking ${url} for a backup…`);
	let res: Response;
	try {
		res = await fetch(`${url}/api/v1/admin/backup`, {
			headers: { ...auth, accept: 'application/x-tar' }
		});
	} catch (e) {
		clear();
		err(`Could not reach the server at ${url}: ${(e as Error).message}`);
		return 1;
	}
	if (res.status !== 200 || !res.body) {
		const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
		clear();
		err(`Refused by the server (${res.status}): ${body.error?.message ?? res.statusText}`);
		return 1;
	}
	const id = res.headers.get('x-backup-id') ?? '';
	err(`The server took its snapshot (backup ${id}); receiving the files:`);
	const confirm = async (verified: boolean, problem?: string) => {
		if (!/^bk-/.test(id)) return;
		const r = await fetch(`${url}/api/v1/admin/backup`, {
			method: 'POST',
			headers: { ...auth, 'content-type': 'application/json' },
			body: JSON.stringify({
				id,
				verified,
				...(problem ? { problem: problem.slice(0, 2000) } : {})
			})
		}).catch((e: Error) => e);
		if (r instanceof Error || r.status !== 200) {
			err(
				`Note: could not tell the server the result (${r instanceof Error ? r.message : r.status}); its Admin page shows the backup as not checked.`
			);
		}
	};
	let manifest: Manifest;
	try {
		await unpackBackup(Readable.fromWeb(res.body as never), folder, err);
		err('Checking the folder against its manifest…');
		manifest = await verifyBackup(folder);
	} catch (e) {
		clear();
		const message =
			e instanceof BackupError
				? e.message
				: `Refused: the backup stream from the server was cut off or unreadable (${(e as Error).message}); nothing was kept. Try again.`;
		await confirm(false, message);
		err(message);
		return 1;
	}
	await confirm(true);
	const seconds = (performance.now() - started) / 1000;
	err(
		`Backup ${manifest.id} written to ${path.resolve(folder)} and checked: ${said(manifest, seconds)}.`
	);
	out(summary(manifest, folder, seconds));
	return 0;
}

async function restore(args: string[]): Promise<number> {
	const { positionals } = parse(args);
	const folder = oneFolder(positionals, 'restore');
	const config = readConfig();
	return refusing(async () => {
		const r = await restoreBackup(folder, config, err);
		err(
			`Restored backup ${r.manifest.id} (taken ${r.manifest.created_at} by ${r.manifest.created_by}) into ${r.databasePath}` +
				` and ${path.resolve(config.dataDir, 'uploads')}: every table's rows and checksum match the manifest. Start the dashboard on it.`
		);
		out({
			id: r.manifest.id,
			database: r.databasePath,
			data_dir: path.resolve(config.dataDir),
			tables: Object.keys(r.manifest.tables).length,
			rows: Object.values(r.manifest.tables).reduce((n, t) => n + t.rows, 0),
			archived_files: r.files,
			schema_version: r.manifest.schema_version,
			seconds: Math.round(r.seconds * 100) / 100
		});
		return 0;
	});
}

async function verify(args: string[]): Promise<number> {
	const { positionals } = parse(args);
	const folder = oneFolder(positionals, 'verify');
	return refusing(async () => {
		const started = performance.now();
		const m = await verifyBackup(folder, err);
		const seconds = (performance.now() - started) / 1000;
		err(`Backup ${m.id} in ${path.resolve(folder)} checks out: ${said(m, seconds)}.`);
		out(summary(m, folder, seconds));
		return 0;
	});
}

export const backupCommand: Command = async (args) => {
	const [sub, ...rest] = args;
	if (sub === 'create') return create(rest);
	if (sub === 'restore') return restore(rest);
	if (sub === 'verify') return verify(rest);
	throw new Usage(`Usage: npm run cli -- ${USAGE}`);
};
