// The extracts API over the real server: upload by token, history, report, file, rollback, restore.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { startServer, type TestServer } from '../helpers/server';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/extracts');
const crimes = fs.readFileSync(path.join(fixtures, 'crimes-valid.csv'));

describe('extracts API over HTTP', () => {
	let server: TestServer;
	const tokens: Record<string, string> = {};

	beforeAll(async () => {
		server = await startServer({
			// Small limit so the 413 test needs only a few kilobytes.
			env: { MAX_UPLOAD_MB: '0.01' },
			setup: async (db) => {
				for (const [name, roles] of [
					['ana.lyst', ['analyst']],
					['vera.viewer', ['viewer']]
				] as const) {
					await createUser(db, {
						name,
						roles: [...roles],
						password: 'correct horse battery staple',
						mustChangePassword: false,
						actor: 'test'
					});
					tokens[name] = (
						await createToken(db, { userName: name, label: 'e2e', actor: 'test' })
					).token;
				}
			}
		});
	});
	afterAll(async () => server?.stop());

	const call = (pathname: string, init: RequestInit & { as?: string } = {}): Promise<Response> => {
		const headers = new Headers(init.headers);
		if (init.as) headers.set('authorization', `Bearer ${tokens[init.as]}`);
		return fetch(server.url + pathname, { ...init, headers });
	};

	it('answers 401 JSON without a token and 403 JSON for a viewer', async () => {
		const anonymous = await call('/api/v1/extracts');
		expect(anonymous.status).toBe(401);
		expect((await anonymous.json()).error.code).toBe('unauthenticated');
		const viewer = await call('/api/v1/extracts', { as: 'vera.viewer' });
		expect(viewer.status).toBe(403);
		expect((await viewer.json()).error.message).toMatch(/analyst/i);
	});

	let uploadId = '';
	it('loads a CSV body, detecting the kind from its header, and records who sent it', async () => {
		const res = await call('/api/v1/extracts?mode=merge', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: crimes
		});
		expect(res.status).toBe(201);
		const { upload } = await res.json();
		// crimes-valid.csv has 3 data rows, none loaded before.
		expect(upload).toMatchObject({
			kind: 'crimes',
			mode: 'merge',
			rows: 3,
			inserted: 3,
			replaced: 0,
			uploaded_by: 'ana.lyst',
			sha256: createHash('sha256').update(crimes).digest('hex')
		});
		uploadId = upload.id;
	});

	it('records the as-at date the upload defaults to, and refuses a bad as_of with 400 naming it', async () => {
		// crimes-valid.csv's latest date is 2023-03-15, so by default it was taken the next day.
		const list = await (await call('/api/v1/extracts', { as: 'ana.lyst' })).json();
		expect(list.uploads[0]).toMatchObject({ id: uploadId, as_of: '2023-03-16' });
		for (const [asOf, says] of [
			['16/03/2023', 'as_of must be a date written YYYY-MM-DD'],
			// crimes-merge.csv's latest date is 2023-04-01 (CR-4).
			[
				'2023-03-31',
				'Bad as_of for crimes-merge.csv: as_of 2023-03-31 is before the latest date in the file (2023-04-01)'
			]
		]) {
			const query = `kind=crimes&filename=crimes-merge.csv&as_of=${encodeURIComponent(asOf)}`;
			const res = await call(`/api/v1/extracts?${query}`, {
				as: 'ana.lyst',
				method: 'POST',
				headers: { 'content-type': 'text/csv' },
				body: fs.readFileSync(path.join(fixtures, 'crimes-merge.csv'))
			});
			expect(res.status, asOf).toBe(400);
			const { error } = await res.json();
			expect(error.code).toBe('bad_parameter');
			expect(error.message).toContain(says);
		}
	});

	it('refuses the same file again with 409, saying when and by whom', async () => {
		const res = await call('/api/v1/extracts?kind=crimes', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: crimes
		});
		expect(res.status).toBe(409);
		expect((await res.json()).error.message).toContain('ana.lyst');
	});

	it('refuses an invalid extract with 422 and every problem with its line and column', async () => {
		const bad = fs.readFileSync(path.join(fixtures, 'crimes-errors.csv'));
		const res = await call('/api/v1/extracts?kind=crimes', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: bad
		});
		expect(res.status).toBe(422);
		const { error } = await res.json();
		expect(error.code).toBe('invalid_extract');
		// Line 2 (first data row) has recorded_date 12/13/2023: month 13.
		expect(error.details).toContainEqual(
			expect.objectContaining({ line: 2, column: 'recorded_date', value: '12/13/2023' })
		);
		// Every problem of crimes-errors.csv by line and column (header = line 1): line 2's month 13;
		// line 3's impossible 31/02, empty area, flag "maybe", relationship "friend", sex "Q", age band
		// "30s" and reference "INC 2" (7); line 5's 1999 date; line 6's 2023/01/05. 1 + 7 + 1 + 1 = 10.
		// Line 4 (2024-06-02) is a valid past date against today's upload.
		expect(error.details.map((d: { line: number; column: string }) => [d.line, d.column])).toEqual([
			[2, 'recorded_date'],
			[3, 'recorded_date'],
			[3, 'area'],
			[3, 'domestic_abuse'],
			[3, 'relationship'],
			[3, 'victim_sex'],
			[3, 'victim_age_band'],
			[3, 'incident_ref'],
			[5, 'recorded_date'],
			[6, 'recorded_date']
		]);
	});

	it('takes a multipart upload with a file field from a client that names its origin', async () => {
		const form = new FormData();
		form.set(
			'file',
			new Blob([fs.readFileSync(path.join(fixtures, 'arrests-valid.csv'))], { type: 'text/csv' }),
			'arrests-valid.csv'
		);
		// Kit's cross-site form protection stays on: a multipart POST must carry a same-site Origin.
		const foreign = await call('/api/v1/extracts?kind=arrests', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { origin: 'https://elsewhere.example' },
			body: form
		});
		expect(foreign.status).toBe(403);
		const res = await call('/api/v1/extracts?kind=arrests', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { origin: server.url },
			body: form
		});
		expect(res.status).toBe(201);
		expect((await res.json()).upload.kind).toBe('arrests');
	});

	it('refuses a file over MAX_UPLOAD_MB with 413', async () => {
		// 0.01 MB = 10,486 bytes; send about 20 KB of valid-looking rows.
		const rows = Array.from(
			{ length: 500 },
			(_, i) => `CR-BIG-${i},2023-01-05,8Q,Mansfield,Y,,,,`
		).join('\n');
		const res = await call('/api/v1/extracts?kind=crimes', {
			as: 'ana.lyst',
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: `crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref\n${rows}\n`
		});
		expect(res.status).toBe(413);
		expect((await res.json()).error.code).toBe('too_large');
	});

	it('lists the history newest first and shows one upload with its report', async () => {
		const list = await (await call('/api/v1/extracts', { as: 'ana.lyst' })).json();
		expect(list.uploads.map((u: { kind: string }) => u.kind)).toEqual(['arrests', 'crimes']);
		const one = await call(`/api/v1/extracts/${uploadId}`, { as: 'ana.lyst' });
		expect(one.status).toBe(200);
		const body = await one.json();
		expect(body.upload.id).toBe(uploadId);
		// crimes-valid.csv: 3 rows, every one passing every check.
		expect(body.upload.report).toMatchObject({
			kind: 'crimes',
			rows: 3,
			errorCount: 0,
			problems: []
		});
		const missing = await call('/api/v1/extracts/no-such-upload', { as: 'ana.lyst' });
		expect(missing.status).toBe(404);
	});

	it('returns the original file byte for byte, and keeps it compressed on disk', async () => {
		const res = await call(`/api/v1/extracts/${uploadId}/file`, { as: 'ana.lyst' });
		expect(res.status).toBe(200);
		expect(Buffer.from(await res.arrayBuffer())).toEqual(crimes);
		const archived = fs
			.readdirSync(path.join(server.dataDir, 'uploads'), { recursive: true })
			.map(String)
			.filter((f) => f.endsWith('.gz'));
		expect(archived.length).toBe(2);
		const ours = archived.filter((f) => f.includes(uploadId));
		expect(ours).toHaveLength(1);
		expect(zlib.gunzipSync(fs.readFileSync(path.join(server.dataDir, 'uploads', ours[0])))).toEqual(
			crimes
		);
	});

	it('rolls an upload back and restores it', async () => {
		const back = await call(`/api/v1/extracts/${uploadId}/rollback`, {
			as: 'ana.lyst',
			method: 'POST'
		});
		expect(back.status).toBe(200);
		expect((await back.json()).upload.active).toBe(false);
		const again = await call(`/api/v1/extracts/${uploadId}/restore`, {
			as: 'ana.lyst',
			method: 'POST'
		});
		expect(again.status).toBe(200);
		expect((await again.json()).upload.active).toBe(true);
	});
});
