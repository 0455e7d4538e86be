import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import { migrations } from '../../src/lib/server/db/migrations';

const opened: Db[] = [];
const dirs: string[] = [];
afterEach(async () => {
	while (opened.length) await opened.pop()!.close();
	while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function tempDb(file = 'test.duckdb') {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-db-'));
	dirs.push(dir);
	const db = await openDb(path.join(dir, file));
	opened.push(db);
	return { db, dir };
}

describe('store', () => {
	it('applies every migration once and records it', async () => {
		const { db } = await tempDb();
		const rows = await db.all<{ version: number }>(
			'SELECT version FROM schema_migrations ORDER BY 1'
		);
		expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
	});

	it('returns counts as numbers and dates as YYYY-MM-DD', async () => {
		const { db } = await tempDb();
		const row = await db.one('SELECT count(*) AS n, $d::DATE AS d FROM uploads', {
			d: '2024-02-29'
		});
		expect(row).toEqual({ n: 0, d: '2024-02-29' });
	});

	it('rolls a failed write back entirely', async () => {
		const { db } = await tempDb();
		await expect(
			db.write(async (tx) => {
				await tx.run(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		expect(await db.all('SELECT * FROM settings')).toEqual([]);
	});

	it('queues writes so they run one at a time in order', async () => {
		const { db } = await tempDb();
		const order: number[] = [];
		await Promise.all(
			[1, 2, 3].map((i) =>
				db.write(async (tx) => {
					order.push(i);
					await tx.run(`INSERT INTO settings (key, value) VALUES ($k, '1')`, { k: `k${i}` });
					order.push(i);
				})
			)
		);
		expect(order).toEqual([1, 1, 2, 2, 3, 3]);
	});

	it('lets readers see the last committed state while a write is under way', async () => {
		const { db } = await tempDb();
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const writing = db.write(async (tx) => {
			await tx.run(`INSERT INTO settings (key, value) VALUES ('x', '1')`);
			await gate;
		});
		await new Promise((r) => setTimeout(r, 20));
		expect(await db.all('SELECT key FROM settings')).toEqual([]);
		release();
		await writing;
		expect(await db.all('SELECT key FROM settings')).toEqual([{ key: 'x' }]);
	});

	it('keeps data across reopen and does not migrate twice', async () => {
		const { db, dir } = await tempDb();
		await db.write((tx) => tx.run(`INSERT INTO settings (key, value) VALUES ('kept', '1')`));
		await db.close();
		opened.pop();
		const again = await openDb(path.join(dir, 'test.duckdb'));
		opened.push(again);
		expect(await again.all('SELECT key FROM settings')).toEqual([{ key: 'kept' }]);
	});

	it('says clearly when another process holds the file', async () => {
		const { dir } = await tempDb();
		const { execFileSync } = await import('node:child_process');
		const script = `
			import { openDb } from ${JSON.stringify(path.resolve('src/lib/server/db/index.ts'))};
			try { await openDb(${JSON.stringify(path.join(dir, 'test.duckdb'))}); console.log('opened'); }
			catch (e) { console.log(e.name + ': ' + e.message); }`;
		const out = execFileSync(
			process.execPath,
			['--import', 'tsx', '--input-type=module', '-e', script],
			{
				encoding: 'utf8'
			}
		);
		// The second process did not open the file: it printed the error's name and advice instead.
		expect(out).toMatch(/^DatabaseInUseError: /);
		expect(out).not.toContain('opened');
		expect(out).toContain('--url URL --token TOKEN');
	});
});
