// Backups through the real running server, with the command line as a separate process (as
// `npm run cli` runs it): `backup create --url --token` as an admin while a large upload is being
// posted; `backup restore` into an empty place; a second server on the restored database answers
// every metrics endpoint byte for byte as the first did at the moment the backup's snapshot was
// taken (before the upload, or after it: whichever the manifest says it holds). A non-admin token
// gets 403, a direct backup of a database the server holds is refused, and a truncated backup too.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { loadSampleIfEmpty, SAMPLE_AS_OF } from '../../src/lib/server/sample/load';
import type { Manifest } from '../../src/lib/server/backup';
import { startServer, type TestServer } from '../helpers/server';
import { PW, signIn } from './auth-http';

const repo = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-backup-e2e-'));

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** One CLI command in a process of its own; resolves when it exits. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
			cwd: repo,
			env: { ...process.env, LOG_LEVEL: 'warn', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** The CLI's own settings when it talks to a server: a DATA_DIR of its own, nothing shared. */
const remoteEnv = { DATA_DIR: path.join(tmp, 'cli-data') };

let server: TestServer;
const tokens: Record<'admin' | 'analyst', string> = { admin: '', analyst: '' };

beforeAll(async () => {
	server = await startServer({
		timeoutMs: 300_000,
		setup: async (db, dataDir) => {
			for (const [name, role] of [
				['ada.admin', 'admin'],
				['ana.analyst', 'analyst']
			] as const) {
				await createUser(db, { name, roles: [role], password: PW, actor: 'test' });
				tokens[role] = (await createToken(db, { userName: name, actor: 'test' })).token;
			}
			const config = readConfig({ ...process.env, DATA_DIR: dataDir, SAMPLE_DATA: 'on' });
			const sample = await loadSampleIfEmpty(db, config, () => undefined);
			if (!sample.loaded) throw new Error(`the sample was not loaded (${sample.reason})`);
		}
	});
}, 600_000);
afterAll(async () => {
	await server?.stop();
	fs.rmSync(tmp, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${tokens.admin}` });

/** Every metrics endpoint (each SPC metric), the filters' lists, as JSON and CSV, with filters. */
async function answers(url: string): Promise<Record<string, string>> {
	const paths = [
		'monthly',
		'outcomes',
		'reporting',
		'identification',
		'training',
		'spc?metric=recorded',
		'spc?metric=arrests',
		'spc?metric=charges',
		'safeguarding',
		'journey'
	].map((p) => `/api/v1/metrics/${p}`);
	const queries = ['', 'from=2023-04&to=2024-03', 'area=Ashfield&domestic_abuse=Y', 'format=csv'];
	const out: Record<string, string> = {};
	for (const p of [...paths, '/api/v1/areas', '/api/v1/offence-groups']) {
		for (const q of p.includes('/metrics/') ? queries : ['']) {
			const address = q ? `${p}${p.includes('?') ? '&' : '?'}${q}` : p;
			const res = await fetch(url + address, { headers: bearer() });
			const text = await res.text();
			expect(res.status, `${address}: ${text.slice(0, 200)}`).toBe(200);
			out[address] = text;
		}
	}
	return out;
}

/** A large-ish crimes extract: the sample's crimes four times under new refs (240,000 rows). */
async function bigCrimes(): Promise<Buffer> {
	const res = await fetch(`${server.url}/api/v1/extracts?kind=crimes`, { headers: bearer() });
	const [crimes] = (await res.json()).uploads as { id: string; sha256: string }[];
	const file = path.join(server.dataDir, 'uploads', `${crimes.id}_${crimes.sha256}.csv.gz`);
	const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
	const out = [lines[0]];
	for (const k of [1, 2, 3, 4]) {
		for (const l of lines.slice(1)) out.push(l.replace(/^SYN-CR-/, `SYN-E${k}-`));
	}
	return Buffer.from(out.join('\n') + '\n');
}

describe('backup create --url while an upload is posted, then backup restore', () => {
	it('restores to a database whose every metrics endpoint answers byte for byte as at backup time', async () => {
		const body = await bigCrimes();
		const before = await answers(server.url);

		// The upload, posted and left running.
		let uploadDone = 0;
		const posting = fetch(
			`${server.url}/api/v1/extracts?kind=crimes&mode=merge&as_of=${SAMPLE_AS_OF}&filename=crimes-more.csv`,
			{
				method: 'POST',
				headers: { ...bearer(), 'content-type': 'text/csv' },
				body: new Uint8Array(body)
			}
		).then(async (r) => {
			uploadDone = Date.now();
			return { status: r.status, body: await r.json() };
		});
		// Under way once the server writes its archive (.partial-…), which it does before staging.
		const uploads = path.join(server.dataDir, 'uploads');
		for (let i = 0; !fs.readdirSync(uploads).some((n) => n.startsWith('.partial-')); i++) {
			if (i > 20_000) throw new Error('the upload never started');
			await new Promise((r) => setTimeout(r, 2));
		}
		const folder = path.join(tmp, 'nightly');
		const backupStarted = Date.now();
		const [run, upload] = await Promise.all([
			cli(['backup', 'create', folder, '--url', server.url, '--token', tokens.admin], remoteEnv),
			posting
		]);
		expect(run.code, run.stderr).toBe(0);
		expect(upload.status, JSON.stringify(upload.body).slice(0, 300)).toBe(201);
		// The two overlapped: the command started before the upload was answered.
		expect(backupStarted).toBeLessThan(uploadDone);
		expect(run.stderr).toMatch(/took its snapshot \(backup bk-/);
		expect(run.stderr).toMatch(/database\/crimes\.parquet/);
		expect(run.stderr).toMatch(/written to .* and checked/);
		const after = await answers(server.url);
		expect(after).not.toEqual(before);

		const manifest = JSON.parse(
			fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')
		) as Manifest;
		expect(JSON.parse(run.stdout)).toMatchObject({
			id: manifest.id,
			verified: true,
			method: 'server'
		});
		expect(manifest.created_by).toBe('ada.admin');
		const holds = manifest.uploads.includes(upload.body.upload.id);
		console.info(
			`backup ${manifest.id} during an upload: ${manifest.bytes} bytes; the snapshot ${holds ? 'holds' : 'precedes'} upload ${upload.body.upload.id}`
		);
		expect(fs.readdirSync(path.join(folder, 'uploads')).some((n) => n.startsWith('.partial'))).toBe(
			false
		);

		// Restore into an empty place with the command line, and serve it.
		const place = path.join(tmp, 'restored');
		const env = { DATABASE_PATH: path.join(place, 'dashboard.duckdb'), DATA_DIR: place };
		const restore = await cli(['backup', 'restore', folder], env);
		expect(restore.code, restore.stderr).toBe(0);
		expect(restore.stderr).toMatch(/every table's rows and checksum match the manifest/);
		const second = await startServer({
			reuse: { dbPath: env.DATABASE_PATH, dataDir: place },
			timeoutMs: 300_000
		});
		try {
			const restored = await answers(second.url);
			const expected = holds ? after : before;
			for (const address of Object.keys(expected)) {
				expect(restored[address], address).toBe(expected[address]);
			}
			// The restored uploads are the snapshot's, in order.
			const list = await fetch(`${second.url}/api/v1/extracts`, { headers: bearer() });
			const ids = ((await list.json()).uploads as { id: string }[]).map((u) => u.id).reverse();
			expect(ids).toEqual(manifest.uploads);
		} finally {
			await second.stop();
		}

		// The first server recorded the backup and what the command said of it (Admin page).
		const cookie = await signIn(server.url, 'ada.admin');
		const admin = await fetch(`${server.url}/admin`, { headers: { cookie, accept: 'text/html' } });
		const html = await admin.text();
		expect(admin.status).toBe(200);
		expect(html).toContain('Last backup');
		expect(html).toContain('ada.admin, streamed by the server');
		expect(html).toMatch(/OK: every file checked against the manifest/);
	}, 600_000);

	it('refuses a truncated backup with the file, its size and the size the manifest says', async () => {
		const folder = path.join(tmp, 'nightly');
		const cut = path.join(tmp, 'cut');
		fs.cpSync(folder, cut, { recursive: true });
		const manifest = JSON.parse(
			fs.readFileSync(path.join(cut, 'manifest.json'), 'utf8')
		) as Manifest;
		const f = manifest.files.find((x) => x.path.startsWith('uploads/') && x.bytes > 10_000)!;
		fs.truncateSync(path.join(cut, f.path), 10_000);
		const place = path.join(tmp, 'not-restored');
		const run = await cli(['backup', 'restore', cut], {
			DATABASE_PATH: path.join(place, 'dashboard.duckdb'),
			DATA_DIR: place
		});
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(
			`Refused: the backup is damaged or partial: ${f.path} is 10,000 bytes, the manifest says ${f.bytes.toLocaleString('en-GB')}.`
		);
		expect(fs.existsSync(place)).toBe(false);
	}, 120_000);
});

describe('refusals', () => {
	it('gives a non-admin token 403 and keeps no folder', async () => {
		const folder = path.join(tmp, 'by-analyst');
		const run = await cli(
			['backup', 'create', folder, '--url', server.url, '--token', tokens.analyst],
			remoteEnv
		);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/Refused by the server \(403\)/);
		expect(fs.existsSync(folder)).toBe(false);
		const res = await fetch(`${server.url}/api/v1/admin/backup`, {
			headers: { authorization: `Bearer ${tokens.analyst}` }
		});
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('forbidden');
	});

	it('refuses a direct backup of the database the server holds, pointing to --url', async () => {
		const folder = path.join(tmp, 'direct');
		const run = await cli(['backup', 'create', folder], {
			DATABASE_PATH: server.dbPath,
			DATA_DIR: server.dataDir
		});
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/in use by another process/);
		expect(run.stderr).toContain('--url URL --token ADMIN_TOKEN');
		expect(fs.existsSync(folder)).toBe(false);
	});
});
