// Security hardening on real DuckDB files: an unknown name typed at sign-in is audited as a keyed
// hash, never as text; uploaded file names are sanitised wherever they come from, and download.
import fs from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/lib/server/db';
import { authenticate, createUser } from '../../src/lib/server/auth';
import { queryAudit } from '../../src/lib/server/audit';
import { answer, getExtractFile, postExtract } from '../../src/lib/server/extracts/api';
import { loadExtract } from '../../src/lib/server/extracts';
import { extractDbs } from '../helpers/extract-db';

const FIX = path.resolve(import.meta.dirname, '../fixtures/extracts');
const dbs = extractDbs('hardening-');
afterAll(() => dbs.cleanup());

const PW = 'quiet-lantern-42';

async function failedTargets(db: Awaited<ReturnType<typeof dbs.next>>['db']) {
	const { rows } = await queryAudit(db, { action: 'sign_in_failed' }, 1, 100);
	return rows.map((r) => r.target).reverse();
}

describe('a failed sign-in as an unknown name', () => {
	it('is audited as unknown:<16 hex of HMAC-SHA256 under a per-database key>, never as the text typed', async () => {
		const { db } = await dbs.next();
		await createUser(db, { name: 'gina', roles: 'viewer', password: PW, actor: 'test' });
		// A password typed into the user-name box, twice, then a known name with a wrong password.
		const typed = 'Correct-Horse-77';
		for (let i = 0; i < 2; i++) {
			await authenticate(db, { name: typed, password: 'x'.repeat(12), address: `10.0.0.${i}` });
		}
		await authenticate(db, { name: 'gina', password: 'not-her-password', address: '10.0.0.9' });

		const key = await db.one<{ value: string }>(
			`SELECT value::VARCHAR AS value FROM settings WHERE key = 'audit_name_key'`
		);
		const hex = JSON.parse(key!.value) as string;
		expect(hex).toMatch(/^[0-9a-f]{64}$/);
		// The name as authenticate reads it: trimmed, lower-cased (normaliseName).
		const mac = createHmac('sha256', Buffer.from(hex, 'hex'))
			.update('correct-horse-77')
			.digest('hex');
		expect(await failedTargets(db)).toEqual([
			`unknown:${mac.slice(0, 16)}`,
			`unknown:${mac.slice(0, 16)}`,
			'gina'
		]);
		const all = await db.all<{ row: string }>('SELECT (audit_log::VARCHAR) AS row FROM audit_log');
		expect(
			all
				.map((r) => r.row)
				.join('\n')
				.toLowerCase()
		).not.toContain('correct-horse-77');
		// Nor does the throttle keep the text: it counts the unknown name by the same hash.
		expect(await db.all('SELECT user_name, address FROM login_failures ORDER BY address')).toEqual([
			{ user_name: `unknown:${mac.slice(0, 16)}`, address: '10.0.0.0' },
			{ user_name: `unknown:${mac.slice(0, 16)}`, address: '10.0.0.1' },
			{ user_name: 'gina', address: '10.0.0.9' }
		]);
	});

	it('is hashed while throttled too, and with the same key after the database is reopened', async () => {
		const { db, config } = await dbs.next();
		const t0 = Date.parse('2024-05-01T09:00:00Z');
		for (let i = 0; i < 6; i++) {
			await authenticate(db, {
				name: 'my-secret-passphrase',
				password: 'x'.repeat(12),
				address: '192.0.2.7',
				now: new Date(t0 + i)
			});
		}
		const targets = await failedTargets(db);
		expect(targets).toHaveLength(6);
		expect(new Set(targets).size).toBe(1);
		expect(targets[0]).toMatch(/^unknown:[0-9a-f]{16}$/);
		const { rows } = await queryAudit(db, { action: 'sign_in_failed' }, 1, 1);
		expect(JSON.parse(rows[0].details).reason).toBe('throttled');

		await db.close();
		const again = await openDb(config.databasePath);
		try {
			await authenticate(again, {
				name: 'my-secret-passphrase',
				password: 'x'.repeat(12),
				address: '192.0.2.8',
				now: new Date(t0 + 3_600_000 * 2)
			});
			const after = await failedTargets(again);
			expect(after[after.length - 1]).toBe(targets[0]);
		} finally {
			await again.close();
		}
	});
});

const crimes = () => fs.readFileSync(path.join(FIX, 'crimes-valid.csv'));

describe('uploaded file names', () => {
	it('are sanitised when the ?filename= is all the API has, and the download answers 200', async () => {
		const { db, config } = await dbs.next();
		// Before: safeName gave up on the trailing "/" and the raw name, newline and all, was stored.
		const url = new URL(
			`http://x/api/v1/extracts?filename=${encodeURIComponent('crimes\n2024.csv/')}`
		);
		const request = new Request(url, {
			method: 'POST',
			body: crimes(),
			headers: { 'content-type': 'text/csv' }
		});
		const res = await answer(() => postExtract(db, config, request, url, { user: 'ana' }));
		expect(res.status).toBe(201);
		const { upload } = await res.json();
		expect(upload.file_name).toBe('crimes_2024.csv');
		const file = await answer(() => getExtractFile(db, config, upload.id));
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(crimes())).toBe(true);
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="crimes_2024.csv"; filename*=UTF-8''crimes_2024.csv`
		);
	});

	it('are sanitised when loaded by the CLI or any other caller, and keep their letters', async () => {
		const { db, config } = await dbs.next();
		const outcome = await loadExtract(
			db,
			{ path: path.join(FIX, 'crimes-valid.csv'), fileName: 'Überfälle\r\n(März).csv' },
			{ kind: 'crimes', user: 'ana', config }
		);
		expect(outcome.ok).toBe(true);
		const id = outcome.ok ? outcome.upload.id : '';
		const stored = await db.one<{ file_name: string }>(
			'SELECT file_name FROM uploads WHERE id = $id',
			{ id }
		);
		expect(stored?.file_name).toBe('Überfälle__(März).csv');
		const file = await answer(() => getExtractFile(db, config, id));
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(crimes())).toBe(true);
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="Uberfalle__(Marz).csv"; filename*=UTF-8''%C3%9Cberf%C3%A4lle__%28M%C3%A4rz%29.csv`
		);
	});

	it('are sanitised again at download, for a name stored raw before this fix', async () => {
		const { db, config } = await dbs.next();
		const outcome = await loadExtract(
			db,
			{ path: path.join(FIX, 'crimes-valid.csv') },
			{ kind: 'crimes', user: 'ana', config }
		);
		const id = outcome.ok ? outcome.upload.id : '';
		await db.write((tx) =>
			tx.run(`UPDATE uploads SET file_name = $name WHERE id = $id`, { name: 'a\nb.csv', id })
		);
		const file = await answer(() => getExtractFile(db, config, id));
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(crimes())).toBe(true);
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="a_b.csv"; filename*=UTF-8''a_b.csv`
		);
	});
});
