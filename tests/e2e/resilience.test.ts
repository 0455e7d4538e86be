// Crashes, concurrency and query-parameter abuse over the real server (issue 9, must-do 3 to 5): a
// server killed mid-upload comes back with its datasets, history and archive folder as they were;
// uploads at once are serialised while readers keep answering; sign-in guesses at once are each
// counted; no query string on any GET route gets a 500.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';
import { loadExtract } from '../../src/lib/server/extracts';
import { fileChecksums, tableChecksums, type Checksums } from '../helpers/checksums';
import { routeIds, routeRequests } from '../helpers/routes';
import { startServer, type TestServer } from '../helpers/server';
import { formPost, PW, signIn } from './auth-http';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/extracts');
const CRIMES_HEADER =
	'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref';

/** A valid crimes extract: row i has reference ref(i), recorded on date(i), offence 8Q. */
function crimesCsv(rows: number, ref: (i: number) => string, date: (i: number) => string): Buffer {
	const lines = Array.from(
		{ length: rows },
		(_, i) => `${ref(i)},${date(i)},8Q,Mansfield,${i % 2 ? 'Y' : 'N'},,,,`
	);
	return Buffer.from(`${CRIMES_HEADER}\n${lines.join('\n')}\n`);
}

/** crimes-valid.csv (up1, 3 rows) and arrests-valid.csv (up2, 2 rows), loaded by the real loader. */
async function loadBaseline(db: Db, dataDir: string): Promise<void> {
	const config = readConfig({ DATA_DIR: dataDir, SAMPLE_DATA: 'off' });
	for (const file of ['crimes-valid.csv', 'arrests-valid.csv']) {
		const out = await loadExtract(
			db,
			{ path: path.join(fixtures, file), fileName: file },
			{ user: 'test', config }
		);
		if (!out.ok) throw new Error(`${file}: ${out.error.message}`);
	}
}

async function addUser(db: Db, name: string, roles: string[]): Promise<string> {
	await createUser(db, {
		name,
		roles: roles as never,
		password: PW,
		mustChangePassword: false,
		actor: 'test'
	});
	return (await createToken(db, { userName: name, label: 'e2e', actor: 'test' })).token;
}

/** Wait for a state by reading it again every 10 ms, for at most `timeoutMs`. */
async function waitFor<T>(what: string, read: () => T | undefined, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** Files directly under DATA_DIR/<dir> with their sizes ([] when the folder does not exist). */
function filesIn(dataDir: string, dir: string): { name: string; size: number }[] {
	const full = path.join(dataDir, dir);
	if (!fs.existsSync(full)) return [];
	return fs.readdirSync(full).map((name) => ({
		name,
		size: fs.statSync(path.join(full, name), { throwIfNoEntry: false })?.size ?? -1
	}));
}

/** A POST /api/v1/extracts whose body the test writes when it likes (node:http, chunked). */
function openUpload(url: string, token: string, query: string) {
	const req = http.request(new URL(`/api/v1/extracts?${query}`, url), {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }
	});
	const response = new Promise<{ status: number; body: string } | Error>((resolve) => {
		req.on('error', resolve);
		req.on('response', (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode!, body }));
			res.on('error', resolve);
		});
	});
	return { req, response };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('a server killed in the middle of a large upload', () => {
	const servers: TestServer[] = [];
	let token = '';
	let before: Checksums;
	// 300,000 valid rows (about 12 MB): loading takes about a second, a kill lands well inside it.
	const big = crimesCsv(
		300_000,
		(i) => `BIG-${i}`,
		(i) => `2023-0${1 + (i % 3)}-05`
	);
	let data: Pick<TestServer, 'dbPath' | 'dataDir'>;

	const start = async (options: Parameters<typeof startServer>[0] = {}) => {
		const server = await startServer({ ...options, ...(data ? { reuse: data } : {}) });
		servers.push(server);
		data = { dbPath: server.dbPath, dataDir: server.dataDir };
		return server;
	};

	beforeAll(async () => {
		await start({
			setup: async (db, dataDir) => {
				token = await addUser(db, 'ana', ['analyst']);
				await loadBaseline(db, dataDir);
				before = await tableChecksums(db);
			}
		});
	});
	afterAll(async () => {
		for (const s of servers.slice(0, -1)) await s.kill();
		await servers.at(-1)?.stop();
	});

	/** What must hold after a restart: only up1 and up2, active; their archives alone; no temp file. */
	async function expectIntact(server: TestServer) {
		const res = await fetch(`${server.url}/api/v1/extracts`, { headers: bearer(token) });
		expect(res.status).toBe(200);
		const { uploads } = await res.json();
		expect(
			uploads.map((u: { id: string; kind: string; active: boolean; rows: number }) => [
				u.id,
				u.kind,
				u.active,
				u.rows
			])
		).toEqual([
			['up2', 'arrests', true, 2],
			['up1', 'crimes', true, 3]
		]);
		const archives = filesIn(server.dataDir, 'uploads').map((f) => f.name);
		expect(archives).toHaveLength(2);
		for (const id of ['up1', 'up2']) {
			expect(archives.filter((f) => f.startsWith(`${id}_`))).toHaveLength(1);
		}
		expect(filesIn(server.dataDir, 'tmp')).toEqual([]);
		// The tables themselves, read from the file once the server has let go of it.
		await server.kill('SIGTERM');
		expect(await fileChecksums(server.dbPath, server.dataDir)).toEqual(before);
	}

	it('while the body is still arriving: nothing of it is kept after a restart', async () => {
		const server = servers[0];
		// The header and the first 50,000 rows (about 2 MB); the rest is never sent.
		let cut = 0;
		for (let n = 0; n <= 50_000; n++) cut = big.indexOf(10, cut) + 1;
		const upload = openUpload(server.url, token, 'kind=crimes&filename=big.csv');
		upload.req.write(big.subarray(0, cut));
		const partly = await waitFor('a megabyte of the body on disk', () =>
			filesIn(server.dataDir, 'tmp').find((f) => f.size >= 1024 * 1024 && f.size < big.length)
		);
		await server.kill('SIGKILL');
		expect(await upload.response).toBeInstanceOf(Error);
		// The crash left the streamed body behind: the restart must clear it.
		expect(filesIn(server.dataDir, 'tmp').map((f) => f.name)).toContain(partly.name);
		await expectIntact(await start());
	});

	// Two points in the load: the body just received (scanning), and the archive being written
	// beside DuckDB's staging and validation (a `.partial-*` file under DATA_DIR/uploads).
	const LOADING: [string, (dataDir: string) => { name: string; size: number } | undefined][] = [
		['the whole body on disk', (d) => filesIn(d, 'tmp').find((f) => f.size === big.length)],
		[
			'the archive being written',
			(d) => filesIn(d, 'uploads').find((f) => f.name.startsWith('.partial-'))
		]
	];
	it.each(LOADING)(
		'while loading (%s): nothing of it is kept after a restart',
		async (what, seen) => {
			const server = await start();
			const upload = openUpload(server.url, token, 'kind=crimes&filename=big.csv');
			upload.req.end(big);
			const leftover = await waitFor(what, () => seen(server.dataDir));
			await server.kill('SIGKILL');
			expect(await upload.response).toBeInstanceOf(Error);
			const dir = what.includes('archive') ? 'uploads' : 'tmp';
			expect(filesIn(server.dataDir, dir).map((f) => f.name)).toContain(leftover.name);
			await expectIntact(await start());
		}
	);

	it('takes the same file afterwards as a new upload, as if the killed ones never happened', async () => {
		const server = await start();
		const res = await fetch(`${server.url}/api/v1/extracts?kind=crimes&filename=big.csv`, {
			method: 'POST',
			headers: { ...bearer(token), 'content-type': 'text/csv' },
			body: new Uint8Array(big)
		});
		expect(res.status).toBe(201);
		expect((await res.json()).upload).toMatchObject({
			id: 'up3',
			rows: 300_000,
			inserted: 300_000,
			replaced: 0,
			active: true
		});
		const archives = filesIn(server.dataDir, 'uploads').map((f) => f.name);
		expect(archives).toHaveLength(3);
		expect(archives.filter((f) => f.startsWith('up3_'))).toHaveLength(1);
		expect(filesIn(server.dataDir, 'tmp')).toEqual([]);
	});
});

describe('at the same time', () => {
	let server: TestServer;
	const tokens: Record<string, string> = {};

	beforeAll(async () => {
		server = await startServer({
			setup: async (db, dataDir) => {
				tokens.ana = await addUser(db, 'ana', ['analyst']);
				// vera's token is first used during an ingest (its first use records last_used_at).
				tokens.vera = await addUser(db, 'vera', ['viewer']);
				await addUser(db, 'sam', ['viewer']);
				await loadBaseline(db, dataDir);
			}
		});
	});
	afterAll(async () => server?.stop());

	const post = (body: Buffer, name: string) =>
		fetch(`${server.url}/api/v1/extracts?kind=crimes&filename=${name}`, {
			method: 'POST',
			headers: { ...bearer(tokens.ana), 'content-type': 'text/csv' },
			body: new Uint8Array(body)
		});
	const q1 = async (token: string) => {
		const res = await fetch(`${server.url}/api/v1/metrics/monthly?from=2023-01&to=2023-03`, {
			headers: bearer(token)
		});
		return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
	};
	const recordedByMonth = (body: { months: { recorded: number }[] }) =>
		body.months.map((m) => m.recorded);

	it('serialises two uploads sent at once, and both end correctly', async () => {
		// A: A-0…A-19999 in January and S-0…S-999 in March; B: B-0…B-19999 in February and the same
		// 1,000 S references. Whichever loads second replaces those 1,000 rows.
		const a = crimesCsv(
			21_000,
			(i) => (i < 20_000 ? `A-${i}` : `S-${i - 20_000}`),
			(i) => (i < 20_000 ? '2023-01-05' : '2023-03-05')
		);
		const b = crimesCsv(
			21_000,
			(i) => (i < 20_000 ? `B-${i}` : `S-${i - 20_000}`),
			(i) => (i < 20_000 ? '2023-02-05' : '2023-03-06')
		);
		const responses = await Promise.all([post(a, 'a.csv'), post(b, 'b.csv')]);
		expect(responses.map((r) => r.status)).toEqual([201, 201]);
		const uploads = (await Promise.all(responses.map((r) => r.json()))).map((j) => j.upload);
		const [first, second] = uploads.sort((x, y) => Number(x.id.slice(2)) - Number(y.id.slice(2)));
		expect([first.id, second.id]).toEqual(['up3', 'up4']);
		expect(first).toMatchObject({ rows: 21_000, inserted: 21_000, replaced: 0 });
		expect(second).toMatchObject({ rows: 21_000, inserted: 20_000, replaced: 1_000 });

		const list = await (
			await fetch(`${server.url}/api/v1/extracts`, { headers: bearer(tokens.ana) })
		).json();
		expect(
			list.uploads.map((u: { id: string; active: boolean; rows: number; replaced: number }) => [
				u.id,
				u.active,
				u.rows,
				u.replaced
			])
		).toEqual([
			['up4', true, 21_000, 1_000],
			['up3', true, 21_000, 0],
			['up2', true, 2, 0],
			['up1', true, 3, 0]
		]);
		// Stalking (8Q) recorded: January 20,000 + CR-1; February 20,000 (CR-2 is 8L); March the
		// 1,000 S rows once + CR-3. 41,002 in all.
		const { status, body } = await q1(tokens.ana);
		expect(status).toBe(200);
		expect(recordedByMonth(body)).toEqual([20_001, 20_000, 1_001]);
		expect(body.totals.recorded).toBe(41_002);
	});

	it('answers 20 metrics requests during a large upload, each with the figures before or after it', async () => {
		// 300,000 more 8Q rows, 100,000 in each of January to March.
		const big = crimesCsv(
			300_000,
			(i) => `C-${i}`,
			(i) => `2023-0${1 + (i % 3)}-05`
		);
		const upload = openUpload(server.url, tokens.ana, 'kind=crimes&filename=c.csv');
		let uploadAnsweredAt = Infinity;
		const uploaded = upload.response.then((r) => {
			uploadAnsweredAt = performance.now();
			return r;
		});
		upload.req.end(big);
		// Loading starts once the whole body is on disk.
		await waitFor('the whole body on disk', () =>
			filesIn(server.dataDir, 'tmp').find((f) => f.size === big.length)
		);
		const answeredAt: number[] = [];
		const answers = await Promise.all(
			Array.from({ length: 20 }, () =>
				q1(tokens.vera).then((a) => {
					answeredAt.push(performance.now());
					return a;
				})
			)
		);
		const result = await uploaded;
		expect(result).not.toBeInstanceOf(Error);
		expect((result as { status: number }).status).toBe(201);
		expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
		for (const a of answers) {
			const months = recordedByMonth(a.body);
			expect([
				[20_001, 20_000, 1_001],
				[120_001, 120_000, 101_001]
			]).toContainEqual(months);
		}
		// Readers are not queued behind the ingest: the first answer came before the upload's.
		expect(Math.min(...answeredAt)).toBeLessThan(uploadAnsweredAt);
		const after = await q1(tokens.vera);
		expect(after.body.totals.recorded).toBe(341_002);
	});

	it('counts 50 wrong passwords sent at once: 5 checked, 45 throttled, 50 failures audited', async () => {
		const responses = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				formPost(server.url, '/login', { name: 'sam', password: `wrong-${i}` })
			)
		);
		const statuses = responses.map((r) => r.status).sort();
		// The pair (sam, this address) has 4 free failures: attempts that find 0 to 4 counted go on
		// to the password check (400); from the 5th counted failure on, each waits (429).
		expect(statuses).toEqual([...Array(5).fill(400), ...Array(45).fill(429)]);
		await server.kill('SIGTERM');
		const db = await openDb(server.dbPath, { dataDir: server.dataDir });
		try {
			const reasons = await db.all<{ reason: string; n: number }>(
				`SELECT details->>'reason' AS reason, count(*)::INTEGER AS n FROM audit_log
				 WHERE action = 'sign_in_failed' AND target = 'sam' GROUP BY 1 ORDER BY 1`
			);
			expect(reasons).toEqual([
				{ reason: 'throttled', n: 45 },
				{ reason: 'wrong_password', n: 5 }
			]);
			const counted = await db.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM login_failures WHERE user_name = 'sam'`
			);
			expect(counted?.n).toBe(5);
		} finally {
			await db.close();
		}
	});
});

describe('query-parameter abuse on every GET route', () => {
	let server: TestServer;
	let token = '';
	let cookie = '';
	let before: Checksums;

	beforeAll(async () => {
		server = await startServer({
			setup: async (db, dataDir) => {
				token = await addUser(db, 'ada', ['admin']);
				await loadBaseline(db, dataDir);
				before = await tableChecksums(db);
			}
		});
		cookie = await signIn(server.url, 'ada');
		// One published summary, so its public addresses answer with a page (the baseline runs to
		// March 2023: October to December 2022 is complete).
		const res = await fetch(`${server.url}/api/v1/summaries`, {
			method: 'POST',
			headers: { ...bearer(token), 'content-type': 'application/json' },
			body: JSON.stringify({
				title: 'Abuse test summary',
				period: { kind: 'quarter', to: '2022-12' },
				sections: ['arrests_and_charges']
			})
		});
		expect(res.status).toBe(201);
		expect((await res.json()).summary.slug).toBe('abuse-test-summary');
	});
	afterAll(async () => server?.stop());

	const enc = encodeURIComponent;
	const KB10 = 10 * 1024;

	/** Every GET route, a path that reaches it, and its answer to a plain request as ada (admin). */
	const ROUTES: Record<string, { path: string; status: number }> = {
		'/': { path: '/', status: 303 },
		'/healthz': { path: '/healthz', status: 200 },
		'/readyz': { path: '/readyz', status: 200 },
		'/metrics': { path: '/metrics', status: 200 },
		'/login': { path: '/login', status: 303 },
		'/logout': { path: '/logout', status: 200 },
		'/account/password': { path: '/account/password', status: 200 },
		'/(app)/(dashboard)/overview': { path: '/overview', status: 200 },
		'/(app)/(dashboard)/arrests-and-charges': { path: '/arrests-and-charges', status: 200 },
		'/(app)/(dashboard)/under-reporting': { path: '/under-reporting', status: 200 },
		'/(app)/(dashboard)/training': { path: '/training', status: 200 },
		'/(app)/(dashboard)/areas': { path: '/areas', status: 200 },
		'/(app)/(dashboard)/safeguarding': { path: '/safeguarding', status: 200 },
		'/(app)/extracts': { path: '/extracts', status: 200 },
		'/(app)/extracts/[id]': { path: '/extracts/up1', status: 200 },
		'/(app)/extracts/refused/[ref]': { path: '/extracts/refused/rf999', status: 404 },
		'/(app)/extracts/[id]/confirm': { path: '/extracts/up1/confirm', status: 200 },
		'/(app)/reference': { path: '/reference', status: 200 },
		'/api/v1/extracts/templates/[kind].csv': {
			path: '/api/v1/extracts/templates/crimes.csv',
			status: 200
		},
		'/(app)/admin': { path: '/admin', status: 200 },
		'/(app)/admin/audit': { path: '/admin/audit', status: 200 },
		'/(app)/admin/audit/export': { path: '/admin/audit/export', status: 200 },
		'/(app)/admin/settings': { path: '/admin/settings', status: 200 },
		'/(app)/admin/tokens': { path: '/admin/tokens', status: 200 },
		'/(app)/admin/users': { path: '/admin/users', status: 200 },
		'/(app)/publish': { path: '/publish', status: 200 },
		'/(app)/publish/preview/[id]': { path: '/publish/preview/no-such-draft', status: 404 },
		'/summaries': { path: '/summaries', status: 200 },
		'/summaries/feed.xml': { path: '/summaries/feed.xml', status: 200 },
		'/summaries/accessibility': { path: '/summaries/accessibility', status: 200 },
		'/summaries/[slug]': { path: '/summaries/abuse-test-summary', status: 200 },
		'/summaries/[slug]/[version]': { path: '/summaries/abuse-test-summary/v1', status: 200 },
		'/api/v1/summaries': { path: '/api/v1/summaries', status: 200 },
		'/api/v1/areas': { path: '/api/v1/areas', status: 200 },
		'/api/v1/offence-groups': { path: '/api/v1/offence-groups', status: 200 },
		'/api/v1/openapi.json': { path: '/api/v1/openapi.json', status: 200 },
		'/api/v1/admin/backup': { path: '/api/v1/admin/backup', status: 200 },
		'/api/v1/extracts': { path: '/api/v1/extracts', status: 200 },
		'/api/v1/extracts/[id]': { path: '/api/v1/extracts/up1', status: 200 },
		'/api/v1/extracts/[id]/file': { path: '/api/v1/extracts/up1/file', status: 200 },
		'/api/v1/extracts/refused/[ref]': { path: '/api/v1/extracts/refused/rf999', status: 404 },
		'/api/v1/mappings': { path: '/api/v1/mappings', status: 200 },
		'/api/v1/mappings/[name]': { path: '/api/v1/mappings/no-such-mapping', status: 404 },
		'/api/v1/metrics/monthly': { path: '/api/v1/metrics/monthly', status: 200 },
		'/api/v1/metrics/outcomes': { path: '/api/v1/metrics/outcomes', status: 200 },
		'/api/v1/metrics/reporting': { path: '/api/v1/metrics/reporting', status: 200 },
		'/api/v1/metrics/identification': { path: '/api/v1/metrics/identification', status: 200 },
		'/api/v1/metrics/training': { path: '/api/v1/metrics/training', status: 200 },
		'/api/v1/metrics/spc': { path: '/api/v1/metrics/spc', status: 200 },
		'/api/v1/metrics/safeguarding': { path: '/api/v1/metrics/safeguarding', status: 200 },
		'/api/v1/metrics/journey': { path: '/api/v1/metrics/journey', status: 200 }
	};
	const METRICS = Object.values(ROUTES)
		.map((r) => r.path)
		.filter((p) => p.startsWith('/api/v1/metrics/'));

	const get = (pathAndQuery: string) =>
		fetch(server.url + pathAndQuery, {
			redirect: 'manual',
			headers: pathAndQuery.startsWith('/api/') ? bearer(token) : { cookie, accept: 'text/html' }
		});

	it('walks every GET route the source declares', () => {
		const declared = routeIds().filter((id) => routeRequests(id).includes('GET'));
		expect(Object.keys(ROUTES).sort()).toEqual(declared.sort());
	});

	// Parameters no route reads: every route answers as it does without them.
	const IGNORED: [string, string][] = [
		['unknown parameters', 'colour=red&__proto__=x&constructor=prototype'],
		['array syntax', 'zz[]=x&zz[0]=y&zz[a][b]=z'],
		['a repeated parameter', 'zz=1&zz=2&zz=3'],
		['SQL fragments', `zz=${enc("' OR 1=1 --")}&yy=${enc("2024-01'; DROP TABLE crimes;--")}`],
		['a 10 KB value', `zz=${'x'.repeat(KB10)}`],
		['emoji, RTL marks, combining marks', `zz=${enc('🙂\u200F\u202Ee\u0301')}`],
		['NUL', 'zz=%00&%00=1'],
		['invalid percent-encoding', 'zz=%E0%A4%A&%E0%A4%A=1&zy=%']
	];
	it.each(IGNORED)('ignores %s on every route', async (_label, query) => {
		for (const { path: p, status } of Object.values(ROUTES)) {
			const res = await get(`${p}?${query}`);
			expect(res.status, p).toBe(status);
			await res.arrayBuffer();
		}
	});

	it('refuses a 100 KB query string on every route with 431, before the app reads it', async () => {
		for (const { path: p } of Object.values(ROUTES)) {
			const res = await get(`${p}?from=${'x'.repeat(100 * 1024)}`);
			expect(res.status, p).toBe(431);
			await res.arrayBuffer();
		}
	});

	// [what, query, status, the parameter a 400 names]
	const FILTER_CASES: [string, string, number, string?][] = [
		['SQL in from', `from=${enc("' OR 1=1 --")}`, 400, 'from'],
		['SQL in to', `to=${enc("2024-01'; DROP TABLE crimes;--")}`, 400, 'to'],
		['SQL in area', `area=${enc("Mansfield' OR 1=1 --")}`, 400, 'area'],
		['SQL in offences', `offences=${enc("8Q') OR 1=1 --")}`, 400, 'offences'],
		['SQL in domestic_abuse', `domestic_abuse=${enc("Y' OR 'a'='a")}`, 400, 'domestic_abuse'],
		['a 10 KB from', `from=${'9'.repeat(KB10)}`, 400, 'from'],
		['a 10 KB area', `area=${'M'.repeat(KB10)}`, 400, 'area'],
		['an emoji area', `area=${enc('🙂')}`, 400, 'area'],
		['an area with an RTL mark', `area=${enc('Mansfield\u200F')}`, 400, 'area'],
		['an area with a combining accent', `area=${enc('Mansfie\u0301ld')}`, 400, 'area'],
		['a month after an RTL override', `from=${enc('\u202E2023-01')}`, 400, 'from'],
		['a month in full-width digits', `from=${enc('２０２３-０１')}`, 400, 'from'],
		['a NUL month', 'from=%00', 400, 'from'],
		['a month ending in NUL', 'to=2023-03%00', 400, 'to'],
		['a NUL area', 'area=%00', 400, 'area'],
		['invalid percent-encoding in from', 'from=%E0%A4%A', 400, 'from'],
		['invalid percent-encoding in an area', 'area=Mansfield%E0%A4%A', 400, 'area'],
		['a NUL format', 'format=%00', 400, 'format'],
		['a 10 KB list of one code', `offences=${'8Q,'.repeat(3400)}`, 200],
		['a repeated from (the first counts)', 'from=2023-01&from=2025-01&to=2023-03', 200],
		['array syntax on from and area', 'from[]=2099-12&area[]=nowhere', 200],
		['a repeated format (the first counts)', 'format=csv&format=json', 200]
	];
	const SPECIFIC: Record<string, [string, string, number, string?][]> = {
		'/api/v1/metrics/spc': [
			['SQL in metric', `metric=${enc("charges' OR 1=1 --")}`, 400, 'metric'],
			['a NUL metric', 'metric=%00', 400, 'metric'],
			['a repeated metric (the first counts)', 'metric=charges&metric=nonsense', 200]
		],
		'/api/v1/metrics/training': [
			['SQL in role', `role=${enc("' OR 1=1 --")}`, 400, 'role'],
			['an emoji role', `role=${enc('🙂')}`, 400, 'role'],
			['a NUL role', 'role=%00', 400, 'role']
		]
	};

	async function expectAnswer(p: string, query: string, status: number, parameter?: string) {
		const res = await get(`${p}?${query}`);
		const label = `${p}?${query.slice(0, 60)}`;
		expect(res.status, label).toBe(status);
		if (status === 400) {
			const { error } = await res.json();
			expect(error.code, label).toBe('bad_parameter');
			expect(error.details[0].parameter, label).toBe(parameter);
			expect(error.message, label).toContain(parameter);
		}
		return res;
	}

	it.each(METRICS)(
		'answers each abused filter of %s with 400 naming it, or ignores it',
		async (p) => {
			for (const [, query, status, parameter] of [...FILTER_CASES, ...(SPECIFIC[p] ?? [])]) {
				const res = await expectAnswer(p, query, status, parameter);
				if (status !== 200) continue;
				if (query.startsWith('format=')) {
					expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
					await res.arrayBuffer();
					continue;
				}
				const body = await res.json();
				if (query.startsWith('from=2023-01&from=')) {
					expect(body.filters).toMatchObject({ from: '2023-01', to: '2023-03' });
				}
				if (query.startsWith('from[]')) expect(body.filters.area).toBe('all');
				if (query.startsWith('offences=8Q,')) expect(body.filters.codes).toEqual(['8Q']);
				if (query.startsWith('metric=charges')) expect(body.metric).toBe('charges');
			}
		}
	);

	it('answers abused extract parameters and ids with 400 naming the parameter, 404, or ignores them', async () => {
		const list: [string, number, string?][] = [
			[`kind=${enc("crimes' OR 1=1 --")}`, 400, 'kind'],
			['kind=%00', 400, 'kind'],
			[`kind=${enc('🙂')}`, 400, 'kind'],
			[`kind=${'k'.repeat(KB10)}`, 400, 'kind'],
			['kind=%E0%A4%A', 400, 'kind']
		];
		for (const [query, status, parameter] of list) {
			await expectAnswer('/api/v1/extracts', query, status, parameter);
		}
		const kinds = async (query: string) =>
			(await (await get(`/api/v1/extracts?${query}`)).json()).uploads.map(
				(u: { id: string }) => u.id
			);
		expect(await kinds('kind=crimes&kind=nonsense')).toEqual(['up1']);
		expect(await kinds('kind[]=nonsense')).toEqual(['up2', 'up1']);

		const one = await get('/api/v1/extracts/up1?format=%00');
		expect([one.status, (await one.json()).upload.id]).toEqual([200, 'up1']);
		const csv = await get('/api/v1/extracts/up1?format=csv&format=json');
		expect([csv.status, csv.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8']);
		await csv.arrayBuffer();

		for (const id of [enc("up1' OR 1=1 --"), '%00', enc('🙂'), 'u'.repeat(KB10)]) {
			for (const suffix of ['', '/file']) {
				const res = await get(`/api/v1/extracts/${id}${suffix}`);
				expect(res.status, id.slice(0, 30) + suffix).toBe(404);
				expect((await res.json()).error.code).toBe('not_found');
			}
		}
		// A path that is not valid percent-encoding is refused by kit before any route (400).
		const malformed = await get('/api/v1/extracts/%E0%A4%A');
		expect(malformed.status).toBe(400);
		await malformed.arrayBuffer();
	});

	it('opens every dashboard page on abused filters, saying what was wrong', async () => {
		const pages = ['/overview', '/arrests-and-charges', '/under-reporting', '/training', '/areas'];
		const bad = [
			`from=${enc("' OR 1=1 --")}`,
			'area=%00',
			'from=%E0%A4%A',
			`domestic_abuse=${enc('🙂')}`,
			`to=${enc("2024-01'; DROP TABLE crimes;--")}`
		];
		for (const p of pages) {
			for (const query of bad) {
				const res = await get(`${p}?${query}`);
				expect(res.status, `${p}?${query}`).toBe(200);
				expect(await res.text(), `${p}?${query}`).toContain('Those filters could not be used');
			}
			const repeated = await get(`${p}?from=2023-01&from=2025-01&to=2023-03`);
			expect(repeated.status).toBe(200);
			expect(await repeated.text()).not.toContain('Those filters could not be used');
		}
		for (const query of ['kind=%00', `kind=${enc("crimes' OR 1=1 --")}`, `kind=${enc('🙂')}`]) {
			const res = await get(`/extracts?${query}`);
			expect(res.status, query).toBe(200);
			expect(await res.text()).toContain('is not a kind of extract; showing every kind.');
		}
	});

	it('answers abused audit filters: the page shows them, the export refuses them with 400', async () => {
		const cases: [string, number, number][] = [
			// [query, /admin/audit, /admin/audit/export]
			[`action=${enc("upload' OR 1=1 --")}`, 200, 400],
			['action=%00', 200, 400],
			['from=2023-13-45', 200, 400],
			['from=%E0%A4%A', 200, 400],
			['actor=%00', 200, 200],
			[`actor=${'a'.repeat(KB10)}`, 200, 200],
			['page=1e18', 200, 200],
			['page=-5', 200, 200],
			['page=99999999999999999999', 200, 200]
		];
		for (const [query, pageStatus, exportStatus] of cases) {
			const page = await get(`/admin/audit?${query}`);
			expect(page.status, query).toBe(pageStatus);
			await page.arrayBuffer();
			const csv = await get(`/admin/audit/export?${query}`);
			expect(csv.status, query).toBe(exportStatus);
			if (exportStatus === 400) {
				expect((await csv.json()).error.code, query).toBe('bad_parameter');
			} else await csv.arrayBuffer();
		}
	});

	it('answers abused summary addresses with 404 and abused Publish page parameters with the page', async () => {
		for (const p of [
			`/summaries/${enc("abuse-test-summary' OR 1=1 --")}`,
			'/summaries/%00',
			`/summaries/${enc('🙂')}`,
			`/summaries/${'a'.repeat(KB10)}`,
			'/summaries/abuse-test-summary.xml',
			'/summaries/abuse-test-summary/v0',
			'/summaries/abuse-test-summary/v2',
			'/summaries/abuse-test-summary/v99999999999999999999',
			'/summaries/abuse-test-summary/v1%00',
			`/summaries/abuse-test-summary/${enc("v1' OR 1=1 --")}.json`,
			'/summaries/abuse-test-summary/v-1.csv',
			'/publish/preview/%00',
			`/publish/preview/${enc("' OR 1=1 --")}`
		]) {
			const res = await get(p);
			expect(res.status, p.slice(0, 60)).toBe(404);
			await res.arrayBuffer();
		}
		for (const query of [
			'draft=%00',
			`draft=${enc("' OR 1=1 --")}`,
			`revise=${enc("abuse-test-summary' OR 1=1 --")}`,
			`revise=${'r'.repeat(KB10)}`,
			'published=%00&withdrawn=%E0%A4%A'
		]) {
			const res = await get(`/publish?${query}`);
			expect(res.status, query.slice(0, 60)).toBe(200);
			const html = await res.text();
			expect(html, query.slice(0, 60)).toContain('Publish a summary');
			expect(html, query.slice(0, 60)).not.toContain('Check the preview');
		}
	});

	it('sends a signed-in /login home for an abused next', async () => {
		for (const next of ['%00', 'x'.repeat(KB10), enc("/' OR 1=1 --"), '%E0%A4%A']) {
			const res = await get(`/login?next=${next}`);
			expect(res.status, next.slice(0, 30)).toBe(303);
		}
		const repeated = await get('/login?next=%2Foverview&next=%2F%2Fevil.example');
		expect(repeated.headers.get('location')).toBe('/overview');
	});

	it('leaves every dataset, history table and the upload list as they were', async () => {
		await server.kill('SIGTERM');
		expect(await fileChecksums(server.dbPath, server.dataDir)).toEqual(before);
	});
});
