// The rules hooks.server.ts applies to every request before any handler: cross-site refusal of
// cookie-borne unsafe requests, the small body limit, HSTS, the session cookie's name, and the
// file names every download sends.
import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, CROSS_SITE_MESSAGE } from '../../src/lib/server/auth/origin';
import { isUploadRoute, limitBody, SMALL_BODY_LIMIT } from '../../src/lib/server/body-limit';
import { withSecurityHeaders } from '../../src/lib/server/auth/headers';
import { sessionCookieName, sessionCookieOptions } from '../../src/lib/server/auth/cookie';
import { contentDisposition, safeFileName } from '../../src/lib/server/download';

const SITE = 'http://localhost:3900';

describe('cross-site requests carried by the session cookie', () => {
	const base = { siteOrigin: SITE, cookieAuthority: true, api: true };

	it.each([
		['POST', 'http://sub.localhost:3900'],
		['POST', null],
		['POST', 'null'],
		['PUT', 'https://localhost:3900'],
		['PATCH', 'http://localhost:3901'],
		['DELETE', 'http://evil.example'],
		['post', 'http://sub.localhost:3900']
	])('refuses %s with Origin %s as 403 cross_site JSON', async (method, origin) => {
		const res = crossSiteRefusal({ ...base, method, origin })!;
		expect(res.status).toBe(403);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await res.json()).toEqual({
			error: { code: 'cross_site', message: CROSS_SITE_MESSAGE, details: [] }
		});
	});

	it('refuses a page request as 403 plain text', async () => {
		const res = crossSiteRefusal({ ...base, api: false, method: 'POST', origin: null })!;
		expect(res.status).toBe(403);
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(await res.text()).toBe(CROSS_SITE_MESSAGE);
	});

	it.each([
		['the site’s own Origin', { method: 'POST', origin: SITE }],
		['a safe method', { method: 'GET', origin: 'http://evil.example' }],
		['HEAD', { method: 'HEAD', origin: null }],
		['OPTIONS', { method: 'OPTIONS', origin: null }],
		[
			'no cookie (a bearer token or nobody)',
			{ method: 'POST', origin: null, cookieAuthority: false }
		]
	])('lets through %s', (_name, check) => {
		expect(crossSiteRefusal({ ...base, ...check })).toBeNull();
	});
});

describe('the small body limit', () => {
	const url = (q = '') => new URL(`${SITE}/x${q}`);

	it.each([
		['POST', '/api/v1/extracts', '', true],
		['POST', '/(app)/extracts', '?/upload', true],
		['GET', '/api/v1/extracts', '', false],
		['POST', '/(app)/extracts', '', false],
		['POST', '/(app)/extracts', '?/rollback', false],
		['POST', '/(app)/extracts', '?upload', false],
		['POST', '/api/v1/extracts/[id]/rollback', '', false],
		['POST', '/login', '?/upload', false],
		['POST', null, '', false]
	])('%s %s%s is an upload route: %s', (method, routeId, query, upload) => {
		expect(isUploadRoute(method, routeId, url(query))).toBe(upload);
	});

	it('is 1 MB', () => {
		expect(SMALL_BODY_LIMIT).toBe(1_048_576);
	});

	it('refuses a declared Content-Length over the limit with 413 JSON for the API', async () => {
		const request = new Request(`${SITE}/login`, {
			method: 'POST',
			headers: { 'content-length': String(SMALL_BODY_LIMIT + 1) }
		});
		const out = await limitBody(request, { api: true });
		expect('refused' in out).toBe(true);
		const res = (out as { refused: Response }).refused;
		expect(res.status).toBe(413);
		expect(await res.json()).toEqual({
			error: {
				code: 'too_large',
				message:
					'The request body is over 1024 KB, the limit for everything but an extract upload. Upload extracts on the Extracts page or to POST /api/v1/extracts.',
				details: []
			}
		});
	});

	function chunked(bytes: number): Request {
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= bytes) return controller.close();
				const n = Math.min(64 * 1024, bytes - sent);
				sent += n;
				controller.enqueue(new Uint8Array(n).fill(97));
			}
		});
		return new Request(`${SITE}/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body,
			duplex: 'half'
		} as RequestInit);
	}

	it('reads a body without a length only up to the limit, then refuses it as 413 text', async () => {
		const out = await limitBody(chunked(SMALL_BODY_LIMIT + 1), { api: false });
		const res = (out as { refused: Response }).refused;
		expect(res.status).toBe(413);
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(await res.text()).toMatch(/^The request body is over 1024 KB/);
	});

	it('hands on a body without a length within the limit as a copy of exactly its bytes', async () => {
		const out = await limitBody(chunked(SMALL_BODY_LIMIT), { api: false });
		const request = (out as { request: Request }).request;
		expect(request.headers.get('content-length')).toBe(String(SMALL_BODY_LIMIT));
		expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
		expect((await request.arrayBuffer()).byteLength).toBe(SMALL_BODY_LIMIT);
	});

	it('leaves a request without a body, or with a length within the limit, as it is', async () => {
		const get = new Request(`${SITE}/`);
		expect(((await limitBody(get, { api: false })) as { request: Request }).request).toBe(get);
		// As adapter-node builds it: the length the client declared (it holds the body to it).
		const small = new Request(`${SITE}/login`, {
			method: 'POST',
			headers: { 'content-length': '6' },
			body: 'name=a'
		});
		expect(((await limitBody(small, { api: false })) as { request: Request }).request).toBe(small);
	});
});

describe('https-only protections', () => {
	it('sends HSTS over https only', () => {
		expect(
			withSecurityHeaders(new Response('x'), true).headers.get('strict-transport-security')
		).toBe('max-age=31536000; includeSubDomains');
		expect(withSecurityHeaders(new Response('x')).headers.has('strict-transport-security')).toBe(
			false
		);
	});

	it('names the session cookie __Host-session over https (Secure, Path=/, no Domain)', () => {
		const https = new URL('https://dash.example/login');
		expect(sessionCookieName(https)).toBe('__Host-session');
		expect(sessionCookieOptions(https)).toEqual({
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: true
		});
		const http = new URL('http://localhost:3000/login');
		expect(sessionCookieName(http)).toBe('session');
		expect(sessionCookieOptions(http)).toEqual({
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: false
		});
	});
});

describe('file names', () => {
	it.each([
		['crimes.csv', 'crimes.csv'],
		['C:\\exports\\crimes (1).csv', 'crimes (1).csv'],
		['../../etc/passwd', 'passwd'],
		['exports/', 'exports'],
		['crimes\nSet-Cookie: x.csv', 'crimes_Set-Cookie_ x.csv'],
		['evil\r\n.csv', 'evil__.csv'],
		['\u202egnp.csv', '_gnp.csv'],
		['a"b;c.csv', 'a_b_c.csv'],
		['.hidden.csv', 'hidden.csv'],
		['..', undefined],
		['\n', undefined],
		['', undefined],
		[null, undefined],
		['Crimes – Nottingham é.csv', 'Crimes _ Nottingham é.csv'],
		['x'.repeat(200) + '.csv', 'x'.repeat(120)]
	])('%j is kept as %j', (name, kept) => {
		expect(safeFileName(name)).toBe(kept);
	});

	it.each([
		['crimes.csv', `attachment; filename="crimes.csv"; filename*=UTF-8''crimes.csv`],
		[
			'Überfälle (2024).csv',
			`attachment; filename="Uberfalle (2024).csv"; filename*=UTF-8''%C3%9Cberf%C3%A4lle%20%282024%29.csv`
		],
		['a\nb.csv', `attachment; filename="a_b.csv"; filename*=UTF-8''a_b.csv`],
		['东京.csv', `attachment; filename="__.csv"; filename*=UTF-8''%E4%B8%9C%E4%BA%AC.csv`]
	])('%j is sent as %s', (name, header) => {
		expect(contentDisposition(name)).toBe(header);
		// A Headers object accepts it (a raw newline made the download answer 500).
		expect(
			new Headers({ 'content-disposition': contentDisposition(name) }).has('content-disposition')
		).toBe(true);
	});

	it('falls back to the given name when nothing usable is left', () => {
		expect(contentDisposition('\n', 'up7.csv')).toBe(
			`attachment; filename="up7.csv"; filename*=UTF-8''up7.csv`
		);
		expect(contentDisposition(null)).toBe(
			`attachment; filename="download"; filename*=UTF-8''download`
		);
	});
});
