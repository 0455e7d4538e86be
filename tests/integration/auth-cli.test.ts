// The `user` and `token` commands over a real database file: output streams, exit codes, and the
// clear refusal when another process (the server) holds the database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/lib/server/db';
import { tokenCommand, userCommand, type Io } from '../../src/lib/server/cli/users';
import { authenticate, userFromToken } from '../../src/lib/server/auth';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-cli-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function io(dbPath: string, stdin = '') {
	const out: string[] = [];
	const err: string[] = [];
	const value: Io = {
		out: (t) => out.push(t),
		err: (t) => err.push(t),
		stdin: async () => stdin,
		dbPath
	};
	return { io: value, out, err };
}

describe('cli user and token', () => {
	const dbPath = path.join(root, 'cli.duckdb');

	it('user add prints only the random password on stdout; it signs in and must be changed', async () => {
		const run = io(dbPath);
		expect(await userCommand(['add', 'pat', '--role', 'analyst'], run.io)).toBe(0);
		expect(run.out).toHaveLength(1);
		expect(run.err.join('\n')).toMatch(/Created pat/);
		const db = await openDb(dbPath);
		try {
			const r = await authenticate(db, { name: 'pat', password: run.out[0], address: null });
			expect(r).toMatchObject({ ok: true, user: { mustChangePassword: true } });
		} finally {
			await db.close();
		}
	});

	it('user add --password-stdin takes the password from standard input', async () => {
		const run = io(dbPath, 'long-enough-secret\n');
		expect(
			await userCommand(['add', 'quinn', '--role', 'viewer,publisher', '--password-stdin'], run.io)
		).toBe(0);
		expect(run.out).toEqual([]);
		const list = io(dbPath);
		await userCommand(['list'], list.io);
		expect(list.out[0].split('\t')[0]).toBe('name');
		expect(list.out.find((l) => l.startsWith('quinn\t'))).toMatch(
			/^quinn\tpublisher,viewer|^quinn\tviewer,publisher/
		);
	});

	it('token create prints only the token, which then works; revoke stops it', async () => {
		const run = io(dbPath);
		expect(await tokenCommand(['create', 'pat', '--label', 'nightly upload'], run.io)).toBe(0);
		expect(run.out).toHaveLength(1);
		expect(run.err).toEqual([]);
		const token = run.out[0];
		expect(token).toMatch(/^spd_/);
		const list = io(dbPath);
		await tokenCommand(['list', 'pat'], list.io);
		const [id, user, label] = list.out[1].split('\t');
		expect([user, label]).toEqual(['pat', 'nightly upload']);

		let db = await openDb(dbPath);
		expect((await userFromToken(db, token))?.name).toBe('pat');
		await db.close();
		expect(await tokenCommand(['revoke', id], io(dbPath).io)).toBe(0);
		db = await openDb(dbPath);
		expect(await userFromToken(db, token)).toBeNull();
		await db.close();
	});

	it('token create --days sets the expiry that token list shows', async () => {
		const before = Date.now();
		const run = io(dbPath);
		expect(await tokenCommand(['create', 'pat', '--label', 'week', '--days', '7'], run.io)).toBe(0);
		const list = io(dbPath);
		await tokenCommand(['list', 'pat'], list.io);
		const header = list.out[0].split('\t');
		expect(header).toEqual([
			'id',
			'user',
			'label',
			'created_at',
			'created_by',
			'expires_at',
			'last_used_at',
			'revoked_at'
		]);
		const row = list.out.map((l) => l.split('\t')).find((r) => r[2] === 'week')!;
		const created = Date.parse(row[3]);
		expect(created).toBeGreaterThanOrEqual(before - 1000);
		expect(Date.parse(row[5]) - created).toBe(7 * 24 * 3600_000);
		await expect(
			tokenCommand(['create', 'pat', '--days', 'soon'], io(dbPath).io)
		).rejects.toMatchObject({ exitCode: 2 });
	});

	it('refuses bad input with exit 1 (known problem) or a usage error (exit 2)', async () => {
		const bad = io(dbPath);
		expect(await userCommand(['roles', 'pat', 'superuser'], bad.io)).toBe(1);
		expect(bad.err.join()).toMatch(/Unknown role "superuser"/);
		await expect(userCommand(['add', 'nobody'], io(dbPath).io)).rejects.toMatchObject({
			exitCode: 2
		});
		await expect(tokenCommand(['frobnicate'], io(dbPath).io)).rejects.toMatchObject({
			exitCode: 2
		});
	});

	it('says the database is in use, and how to proceed, when another process holds it', async () => {
		const held = path.join(root, 'held.duckdb');
		await (await openDb(held)).close();
		// A separate process opens the file, as the running server would.
		const child = spawn(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				`import { DuckDBInstance } from '@duckdb/node-api';
				 const i = await DuckDBInstance.create(${JSON.stringify(held)});
				 await i.connect(); console.log('ready'); setInterval(() => {}, 1000);`
			],
			{ cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] }
		);
		try {
			await new Promise<void>((resolve, reject) => {
				child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
				child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
			});
			const run = io(held);
			expect(await userCommand(['disable', 'pat'], run.io)).toBe(1);
			expect(run.err.join()).toMatch(
				/is in use by another process.*Stop the server.*\/admin\/users/s
			);
		} finally {
			child.kill();
		}
	});
});
