// Hardening over the real server: redirects after sign-in stay on the site, cookie-borne unsafe
// requests must name the site as their Origin, bodies are small except on the two upload routes,
// and over https the cookie is __Host- and HSTS is sent.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { createToken, createUser } from '../../src/lib/server/auth';
import { CROSS_SITE_MESSAGE } from '../../src/lib/server/auth/origin';
import { formPost, get, PW, signIn } from './auth-http';

const crimes = fs.readFileSync(
	path.resolve(import.meta.dirname, '../fixtures/extracts/crimes-valid.csv')
);
const TOO_LARGE =
	'The request body is over 1024 KB, the limit for everything but an extract upload. Upload extracts on the Extracts page or to POST /api/v1/extracts.';
const CRIMES_HEADER =
	'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref';

/** A crimes extract of `rows` valid rows, well over 1 MB at 40,000. */
function bigCrimes(prefix: string, rows: number): string {
	const lines = Array.from(
		{ length: rows },
		(_, i) => `${prefix}-${i},2023-01-05,8Q,Mansfield,Y,,,,`
	);
	return `${CRIMES_HEADER}\n${lines.join('\n')}\n`;
}

describe('over http (ORIGIN http://127.0.0.1:<port>)', () => {
	let server: TestServer;
	let token = '';

	beforeAll(async () => {
		server = await startServer({
			setup: async (db) => {
				await createUser(db, { name: 'ana', roles: 'analyst', password: PW, actor: 'test' });
				token = (await createToken(db, { userName: 'ana', label: 'e2e', actor: 'test' })).token;
			}
		});
		const up = await fetch(`${server.url}/api/v1/extracts`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
			body: crimes
		});
		expect(up.status).toBe(201);
		expect((await up.json()).upload.id).toBe('up1');
	});
	afterAll(async () => server?.stop());

	const active = async () => {
		const res = await get(server.url, '/api/v1/extracts/up1', {
			authorization: `Bearer ${token}`
		});
		return (await res.json()).upload.active as boolean;
	};

	describe('redirect after sign-in', () => {
		it('goes home, not to //evil.example, for next=/%09/evil.example when signed in', async () => {
			const cookie = await signIn(server.url, 'ana');
			const res = await get(server.url, '/login?next=/%09/evil.example', { cookie });
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toBe('/');
			const kept = await get(server.url, '/login?next=%2Fextracts%3Fkind%3Dcrimes', { cookie });
			expect(kept.status).toBe(303);
			expect(kept.headers.get('location')).toBe('/extracts?kind=crimes');
		});

		it('goes home for a next with a control character or backslash given at sign-in', async () => {
			for (const next of [
				'/\t/evil.example',
				'/\n/evil.example',
				'/\\evil.example',
				'//evil.example'
			]) {
				const res = await formPost(server.url, '/login', { name: 'ana', password: PW, next });
				expect(res.status, JSON.stringify(next)).toBe(303);
				expect(res.headers.get('location'), JSON.stringify(next)).toBe('/');
			}
		});
	});

	describe('cookie-borne unsafe requests', () => {
		it('refuses a rollback from a sibling subdomain, with no Content-Type, as 403 cross_site', async () => {
			const cookie = await signIn(server.url, 'ana');
			for (const origin of ['http://sub.localhost:3900', 'http://127.0.0.1:1', null]) {
				const res = await fetch(`${server.url}/api/v1/extracts/up1/rollback`, {
					method: 'POST',
					headers: { cookie, ...(origin ? { origin } : {}) }
				});
				expect(res.status, String(origin)).toBe(403);
				expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
				expect(await res.json()).toEqual({
					error: { code: 'cross_site', message: CROSS_SITE_MESSAGE, details: [] }
				});
			}
			expect(await active()).toBe(true);
		});

		it('lets the same rollback through with the site’s own Origin', async () => {
			const cookie = await signIn(server.url, 'ana');
			const res = await fetch(`${server.url}/api/v1/extracts/up1/rollback`, {
				method: 'POST',
				headers: { cookie, origin: server.url }
			});
			expect(res.status).toBe(200);
			expect((await res.json()).upload.active).toBe(false);
		});

		it('lets a bearer-token request through whatever its Origin (no cookie authority)', async () => {
			const res = await fetch(`${server.url}/api/v1/extracts/up1/restore`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, origin: 'http://sub.localhost:3900' }
			});
			expect(res.status).toBe(200);
			expect((await res.json()).upload.active).toBe(true);
		});

		it('refuses a page POST without a form type from another origin as 403 text, and keeps the session', async () => {
			const cookie = await signIn(server.url, 'ana');
			const res = await fetch(`${server.url}/logout`, {
				method: 'POST',
				redirect: 'manual',
				headers: { cookie, origin: 'http://sub.localhost:3900' }
			});
			expect(res.status).toBe(403);
			expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
			expect(await res.text()).toBe(CROSS_SITE_MESSAGE);
			expect((await get(server.url, '/api/v1/extracts', { cookie })).status).toBe(200);
		});

		it('still refuses a cross-site form post by kit’s own check (403)', async () => {
			const cookie = await signIn(server.url, 'ana');
			const res = await formPost(server.url, '/logout', {}, cookie, 'http://sub.localhost:3900');
			expect(res.status).toBe(403);
			expect((await get(server.url, '/api/v1/extracts', { cookie })).status).toBe(200);
		});
	});

	describe('request bodies', () => {
		it('refuses an 8 MB sign-in form with 413 before reading it', async () => {
			const res = await fetch(`${server.url}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					origin: server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: `name=ana&password=${'x'.repeat(8 * 1024 * 1024)}`
			});
			expect(res.status).toBe(413);
			expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
			expect(await res.text()).toBe(TOO_LARGE);
		});

		it('refuses a 2 MB chunked sign-in form (no Content-Length) with 413', async () => {
			let sent = 0;
			const body = new ReadableStream<Uint8Array>({
				pull(controller) {
					if (sent >= 2 * 1024 * 1024) return controller.close();
					sent += 64 * 1024;
					controller.enqueue(new Uint8Array(64 * 1024).fill(120));
				}
			});
			const res = await fetch(`${server.url}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
				body,
				duplex: 'half'
			} as RequestInit);
			expect(res.status).toBe(413);
			expect(await res.text()).toBe(TOO_LARGE);
		});

		it('refuses a 2 MB body on another API route with 413 JSON', async () => {
			const res = await fetch(`${server.url}/api/v1/extracts/up1/rollback`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: 'x'.repeat(2 * 1024 * 1024)
			});
			expect(res.status).toBe(413);
			expect(await res.json()).toEqual({
				error: { code: 'too_large', message: TOO_LARGE, details: [] }
			});
			expect(await active()).toBe(true);
		});

		it('takes an extract of more than 1 MB on POST /api/v1/extracts', async () => {
			const csv = bigCrimes('CR-API', 40_000);
			expect(csv.length).toBeGreaterThan(1024 * 1024);
			const res = await fetch(`${server.url}/api/v1/extracts?kind=crimes`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
				body: csv
			});
			expect(res.status).toBe(201);
			expect((await res.json()).upload).toMatchObject({ kind: 'crimes', rows: 40_000 });
		});

		it('takes an extract of more than 1 MB on the Extracts page’s upload form', async () => {
			const cookie = await signIn(server.url, 'ana');
			const form = new FormData();
			form.set('kind', 'crimes');
			form.set('mode', 'merge');
			form.set('file', new Blob([bigCrimes('CR-PAGE', 40_000)], { type: 'text/csv' }), 'big.csv');
			const res = await fetch(`${server.url}/extracts?/upload`, {
				method: 'POST',
				redirect: 'manual',
				headers: { cookie, origin: server.url, accept: 'text/html' },
				body: form
			});
			expect(res.status).toBe(200);
			const list = await get(server.url, '/api/v1/extracts', { authorization: `Bearer ${token}` });
			const uploads = (await list.json()).uploads as { file_name: string; rows: number }[];
			expect(uploads[0]).toMatchObject({ file_name: 'big.csv', rows: 40_000 });
		});
	});

	it('answers signed-in pages with Cache-Control: no-store, and sends no HSTS over http', async () => {
		const cookie = await signIn(server.url, 'ana');
		const page = await get(server.url, '/extracts', { cookie });
		expect(page.status).toBe(200);
		expect(page.headers.get('cache-control')).toBe('no-store');
		expect(page.headers.has('strict-transport-security')).toBe(false);
		const api = await get(server.url, '/api/v1/extracts', { cookie });
		expect(api.headers.get('cache-control')).toBe('no-store');
	});
});

describe('over https (ORIGIN https://dash.test, TLS ended by a proxy)', () => {
	const ORIGIN = 'https://dash.test';
	let server: TestServer;

	beforeAll(async () => {
		server = await startServer({
			env: { ORIGIN },
			setup: async (db) => {
				await createUser(db, { name: 'ana', roles: 'analyst', password: PW, actor: 'test' });
			}
		});
	});
	afterAll(async () => server?.stop());

	it('names the cookie __Host-session (Secure, Path=/, no Domain), sends HSTS, and signs in and out', async () => {
		const res = await formPost(
			server.url,
			'/login',
			{ name: 'ana', password: PW },
			undefined,
			ORIGIN
		);
		expect(res.status).toBe(303);
		expect(res.headers.get('strict-transport-security')).toBe(
			'max-age=31536000; includeSubDomains'
		);
		const set = res.headers.getSetCookie();
		expect(set).toHaveLength(1);
		const parts = set[0].split(/;\s*/);
		expect(parts[0]).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}$/);
		expect(
			parts
				.slice(1)
				.map((p) => p.toLowerCase())
				.sort()
		).toEqual(['httponly', 'path=/', 'samesite=lax', 'secure']);
		const cookie = parts[0];
		const page = await get(server.url, '/extracts', { cookie });
		expect(page.status).toBe(200);
		expect(page.headers.get('strict-transport-security')).toBe(
			'max-age=31536000; includeSubDomains'
		);
		// A plain `session` cookie is not this site's over https.
		const plain = cookie.replace(/^__Host-/, '');
		expect((await get(server.url, '/api/v1/extracts', { cookie: plain })).status).toBe(401);

		const out = await formPost(server.url, '/logout', {}, cookie, ORIGIN);
		expect(out.status).toBe(303);
		const cleared = out.headers.getSetCookie()[0].split(/;\s*/);
		expect(cleared[0]).toBe('__Host-session=');
		expect(cleared.map((p) => p.toLowerCase())).toEqual(
			expect.arrayContaining(['path=/', 'secure', 'max-age=0'])
		);
		expect((await get(server.url, '/api/v1/extracts', { cookie })).status).toBe(401);
	});
});
