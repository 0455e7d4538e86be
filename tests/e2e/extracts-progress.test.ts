// Streamed upload progress over the real server: POST /api/v1/extracts with Accept:
// application/x-ndjson answers one JSON line per stage as it happens and the plain request's status
// and body as its last line; refusals before the body stay ordinary HTTP errors; a client that goes
// away mid-upload leaves no upload and no file behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { startServer, type TestServer } from '../helpers/server';
import { openDb } from '../../src/lib/server/db';

const HEADER =
	'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref';
// Three data rows: 3 rows read, validated, guarded and loaded.
const THREE_CRIMES = [
	HEADER,
	'CR-1,2023-01-05,8Q,North,Y,ex_partner,F,25_34,INC-1',
	'CR-2,2023-02-10,8L,South,N,stranger,M,35_44,',
	'CR-3,2023-03-15,8Q,North,Y,family,F,16_24,INC-3'
].join('\n');
// Two rows, the second dated 30 February: refused with one problem.
const BAD_CRIMES = [
	HEADER,
	'CR-7,2023-01-05,8Q,North,Y,ex_partner,F,25_34,',
	'CR-8,2023-02-30,8Q,North,Y,ex_partner,F,25_34,'
].join('\n');

interface Line {
	type: 'stage' | 'result';
	stage?: string;
	rows?: number;
	bytes?: number;
	ms?: number;
	status?: number;
	body?: unknown;
}

describe('streamed upload progress (NDJSON)', () => {
	let server: TestServer;
	let token = '';

	beforeAll(async () => {
		server = await startServer({
			env: { MAX_UPLOAD_MB: '1' },
			setup: async (db) => {
				await createUser(db, {
					name: 'ana.lyst',
					roles: ['analyst'],
					password: 'correct horse battery staple',
					mustChangePassword: false,
					actor: 'test'
				});
				token = (await createToken(db, { userName: 'ana.lyst', label: 'e2e', actor: 'test' }))
					.token;
			}
		});
	});
	afterAll(async () => server?.stop());

	const post = (
		query: string,
		body: BodyInit,
		init: { ndjson?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {}
	) =>
		fetch(`${server.url}/api/v1/extracts${query}`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'text/csv',
				...(init.ndjson ? { accept: 'application/x-ndjson' } : {}),
				...init.headers
			},
			body,
			signal: init.signal,
			duplex: 'half'
		} as RequestInit);

	const lines = async (res: Response): Promise<Line[]> =>
		(await res.text())
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l) as Line);

	const stageOrder = (all: Line[]) =>
		all
			.filter((l) => l.type === 'stage')
			.map((l) => l.stage)
			.filter((s, i, a) => a.indexOf(s) === i);

	it('streams stored, reading, validating, guard, loading and done, then the 201 and its upload', async () => {
		const res = await post('?filename=three.csv', THREE_CRIMES, { ndjson: true });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
		expect(res.headers.get('cache-control')).toBe('no-store');
		// The security headers of every answer (hooks), on this one too.
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		const all = await lines(res);
		expect(stageOrder(all)).toEqual([
			'stored',
			'reading',
			'validating',
			'guard',
			'loading',
			'done'
		]);
		const last = (stage: string) => all.filter((l) => l.stage === stage).at(-1)!;
		expect(last('stored').bytes).toBe(Buffer.byteLength(THREE_CRIMES));
		for (const stage of ['reading', 'validating', 'guard', 'loading', 'done']) {
			expect(last(stage).rows, stage).toBe(3);
		}
		// ms counts up from the request's start.
		const ms = all.filter((l) => l.type === 'stage').map((l) => l.ms!);
		expect(ms).toEqual([...ms].sort((a, b) => a - b));
		const results = all.filter((l) => l.type === 'result');
		expect(results).toHaveLength(1);
		expect(all.at(-1)).toBe(results[0]);
		expect(results[0].status).toBe(201);
		const { upload } = results[0].body as { upload: { id: string; rows: number } };
		expect(upload.rows).toBe(3);
		// The body is the upload as the API gives it (the plain request's 201 body).
		const got = await fetch(`${server.url}/api/v1/extracts/${upload.id}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(results[0].body).toEqual(await got.json());
	});

	it('sends stored with the bytes received while the body is still coming', async () => {
		// The header and first row, then, 600 ms later, the other two rows of a fresh file.
		const text = THREE_CRIMES.replace(/CR-/g, 'CS-');
		const cut = text.indexOf('\n', HEADER.length + 1) + 1;
		const parts = [text.slice(0, cut), text.slice(cut)].map((t) => new TextEncoder().encode(t));
		let pulled = 0;
		let finished = false;
		const body = new ReadableStream<Uint8Array>({
			async pull(c) {
				if (pulled === 1) await new Promise((r) => setTimeout(r, 600));
				if (pulled === parts.length) {
					finished = true;
					c.close();
				} else c.enqueue(parts[pulled++]);
			}
		});
		const res = await post('?filename=slow.csv', body, { ndjson: true });
		const reader = res.body!.getReader();
		const decoder = new TextDecoder();
		let buffered = '';
		const early: Line[] = [];
		let all: Line[] = [];
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			buffered += decoder.decode(value, { stream: true });
			const got = buffered
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as Line);
			if (!finished) early.push(...got.slice(early.length));
			all = got;
		}
		// Before the body ended the server had said how much of it was on disk: the first part.
		expect(early[0]).toMatchObject({ type: 'stage', stage: 'stored', bytes: parts[0].length });
		expect(all.filter((l) => l.stage === 'stored').at(-1)?.bytes).toBe(Buffer.byteLength(text));
		expect(all.at(-1)).toMatchObject({ type: 'result', status: 201 });
	});

	it('ends a refused file with the status and body the plain request answers', async () => {
		const streamed = await lines(
			await post('?kind=crimes&filename=bad.csv', BAD_CRIMES, { ndjson: true })
		);
		const plain = await post('?kind=crimes&filename=bad.csv', BAD_CRIMES);
		expect(plain.status).toBe(422);
		const result = streamed.at(-1)!;
		const body = await plain.json();
		// Each refusal's report is kept under its own ref (the plain request's is the next one);
		// with that ref the bodies are the same.
		const ref = (b: unknown) => (b as { report: { stored: { ref: string } } }).report.stored.ref;
		const [streamedRef, plainRef] = [ref(result.body), ref(body)];
		expect(Number(plainRef.slice(2))).toBe(Number(streamedRef.slice(2)) + 1);
		const renamed = JSON.stringify(result.body).replace(
			new RegExp(`${streamedRef}(?![0-9])`, 'g'),
			plainRef
		);
		expect({ ...result, body: JSON.parse(renamed) }).toEqual({ type: 'result', status: 422, body });
		expect((result.body as { error: { code: string } }).error.code).toBe('invalid_extract');
		expect(stageOrder(streamed)).toEqual(['stored', 'reading', 'validating', 'guard']);
	});

	it('keeps refusals before the body ordinary HTTP errors: token, kind, declared size, type', async () => {
		const noToken = await fetch(`${server.url}/api/v1/extracts`, {
			method: 'POST',
			headers: { accept: 'application/x-ndjson', 'content-type': 'text/csv' },
			body: THREE_CRIMES
		});
		expect(noToken.status).toBe(401);
		expect((await noToken.json()).error.code).toBe('unauthenticated');

		const badKind = await post('?kind=burglary', THREE_CRIMES, { ndjson: true });
		expect(badKind.status).toBe(400);
		expect((await badKind.json()).error.code).toBe('bad_parameter');

		// 2 MB declared against MAX_UPLOAD_MB=1.
		const big = Buffer.alloc(2 * 1024 * 1024, 'a');
		const tooBig = await post('', big, { ndjson: true });
		expect(tooBig.status).toBe(413);
		expect((await tooBig.json()).error.code).toBe('too_large');

		const notCsv = await post('', THREE_CRIMES, {
			ndjson: true,
			headers: { 'content-type': 'application/pdf' }
		});
		expect(notCsv.status).toBe(415);
		expect((await notCsv.json()).error.code).toBe('not_csv');
	});

	it('reports a body over MAX_UPLOAD_MB that declared no length as a 413 result line', async () => {
		// Chunked (no Content-Length): the limit is found while the body streams, after the 200.
		const chunk = new TextEncoder().encode(`${'x'.repeat(1023)}\n`);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(c) {
				if (sent++ >= 1100)
					c.close(); // 1,100 KB > 1 MB
				else c.enqueue(chunk);
			}
		});
		const all = await lines(await post('', body, { ndjson: true }));
		const result = all.at(-1)!;
		expect(result.type).toBe('result');
		expect(result.status).toBe(413);
		expect((result.body as { error: { code: string } }).error.code).toBe('too_large');
	});

	it('cancels the load when the client closes the stream after the body is in, before the commit', async () => {
		// 15,000 rows (about 0.8 MB): the scan is done long before the rows are staged and checked.
		const rows = Array.from(
			{ length: 15_000 },
			(_, i) => `CB-${i},2023-01-05,8Q,North,Y,ex_partner,F,25_34,`
		);
		const controller = new AbortController();
		const res = await post('?filename=closed.csv', [HEADER, ...rows].join('\n'), {
			ndjson: true,
			signal: controller.signal
		});
		const reader = res.body!.getReader();
		const decoder = new TextDecoder();
		let text = '';
		// The scan's line with the rows counted: the client closes the answer there.
		while (!/"stage":"reading","bytes":\d+,"rows":15000/.test(text)) {
			const { done, value } = await reader.read();
			if (done) break;
			text += decoder.decode(value, { stream: true });
		}
		controller.abort();
		await reader.read().catch(() => undefined);
		expect(text).not.toContain('"stage":"loading"');
		const uploads = async () =>
			(
				(await (
					await fetch(`${server.url}/api/v1/extracts`, {
						headers: { authorization: `Bearer ${token}` }
					})
				).json()) as { uploads: { file_name: string }[] }
			).uploads.map((u) => u.file_name);
		// Give the server time to have finished whatever it would have done; nothing named closed.csv.
		await new Promise((r) => setTimeout(r, 1500));
		expect(await uploads()).not.toContain('closed.csv');
		const tmp = path.join(server.dataDir, 'tmp');
		expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
	});

	it('leaves no upload and no file when the client goes away mid-upload', async () => {
		const before = (await (
			await fetch(`${server.url}/api/v1/extracts`, {
				headers: { authorization: `Bearer ${token}` }
			})
		).json()) as { uploads: unknown[] };
		const controller = new AbortController();
		const first = new TextEncoder().encode(
			`${HEADER}\nCR-20,2023-01-05,8Q,North,Y,ex_partner,F,25_34,\n`
		);
		let pulled = 0;
		// The header and one row, then nothing more: the client aborts while the body is open.
		const body = new ReadableStream<Uint8Array>({
			async pull(c) {
				if (pulled++ === 0) {
					c.enqueue(first);
					return;
				}
				await new Promise((r) => setTimeout(r, 300));
				controller.abort();
			}
		});
		const res = post('?filename=gone.csv', body, { ndjson: true, signal: controller.signal });
		// Whether fetch fails or its answer breaks off, the request is gone.
		await res.then((r) => r.text()).catch(() => undefined);
		// The server sees the closed connection a moment later, and clears up.
		const left = async () => {
			const now = (await (
				await fetch(`${server.url}/api/v1/extracts`, {
					headers: { authorization: `Bearer ${token}` }
				})
			).json()) as { uploads: unknown[] };
			const tmp = path.join(server.dataDir, 'tmp');
			const uploads = path.join(server.dataDir, 'uploads');
			return {
				uploads: now.uploads,
				temp: fs.existsSync(tmp) ? fs.readdirSync(tmp) : [],
				partial: fs.existsSync(uploads)
					? fs.readdirSync(uploads).filter((f) => f.startsWith('.'))
					: []
			};
		};
		await expect
			.poll(left, { timeout: 15_000, interval: 100 })
			.toEqual({ uploads: before.uploads, temp: [], partial: [] });
		// The audit log says it was cancelled while the body was coming (read once the server stops).
		await server.kill('SIGTERM');
		const db = await openDb(server.dbPath, { dataDir: server.dataDir });
		try {
			const rows = await db.all<{ actor: string; details: string }>(
				`SELECT actor, details::VARCHAR AS details FROM audit_log WHERE action = 'upload_cancelled' ORDER BY id`
			);
			// The earlier test's cancel after the scan (at staging or a later stage before the
			// commit), then this one's while the body was coming.
			expect(rows.map((r) => ({ actor: r.actor, ...JSON.parse(r.details) }))).toEqual([
				{
					actor: 'ana.lyst',
					file_name: 'closed.csv',
					stage: expect.stringMatching(/^(reading|validating|guard)$/)
				},
				{ actor: 'ana.lyst', stage: 'stored' }
			]);
		} finally {
			await db.close();
		}
	});
});
