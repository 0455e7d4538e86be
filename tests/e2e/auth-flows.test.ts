// Accounts over the real server: cookie flags and rotation, security headers, cross-site form
// posts, the forced password change, disabling a user (their token stops), admin pages, audit CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { createToken, createUser } from '../../src/lib/server/auth';
import { formPost, get, PW, sessionCookieOf, signIn } from './auth-http';

let server: TestServer;
let doraToken = '';
let expiredToken = '';
const DAY = 24 * 3600_000;
const NEWBIE_PW = 'first-time-password-1';

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			await createUser(db, { name: 'root', roles: 'admin', password: PW, actor: 'test' });
			await createUser(db, { name: 'dora', roles: 'analyst', password: PW, actor: 'test' });
			await createUser(db, {
				name: 'newbie',
				roles: 'viewer',
				password: NEWBIE_PW,
				mustChangePassword: true,
				actor: 'test'
			});
			doraToken = (await createToken(db, { userName: 'dora', label: 'R', actor: 'test' })).token;
			// Made 91 days ago with the default 90-day term: expired a day ago.
			expiredToken = (
				await createToken(db, {
					userName: 'root',
					label: 'last quarter',
					actor: 'test',
					now: new Date(Date.now() - 91 * DAY)
				})
			).token;
		}
	});
});
afterAll(async () => server?.stop());

describe('session cookie', () => {
	it('is HttpOnly, SameSite=Lax, path /, not Secure over plain http, and new at every sign-in', async () => {
		const res = await formPost(server.url, '/login', { name: 'dora', password: PW });
		expect(res.status).toBe(303);
		const set = res.headers.getSetCookie().find((c) => c.startsWith('session='))!;
		expect(set).toMatch(/HttpOnly/i);
		expect(set).toMatch(/SameSite=Lax/i);
		expect(set).toMatch(/Path=\//i);
		expect(set).not.toMatch(/Secure/i);

		const first = sessionCookieOf(res)!;
		// Signing in again from the same browser replaces the session; the old id stops working.
		const again = await formPost(server.url, '/login', { name: 'dora', password: PW }, first);
		const second = sessionCookieOf(again)!;
		expect(second).not.toBe(first);
		expect((await get(server.url, '/api/v1/extracts', { cookie: first })).status).toBe(401);
		expect((await get(server.url, '/api/v1/extracts', { cookie: second })).status).toBe(200);
	});

	it('sign-out ends the session on the server', async () => {
		const cookie = await signIn(server.url, 'dora');
		const out = await formPost(server.url, '/logout', {}, cookie);
		expect(out.status).toBe(303);
		expect(out.headers.get('location')).toBe('/login');
		expect((await get(server.url, '/api/v1/extracts', { cookie })).status).toBe(401);
	});
});

describe('security headers', () => {
	it('are on pages (with kit’s CSP), API errors and redirects', async () => {
		const page = await get(server.url, '/login');
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')+/);
		for (const res of [
			page,
			await get(server.url, '/api/v1/extracts'),
			await get(server.url, '/admin')
		]) {
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('referrer-policy')).toBe('same-origin');
			expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		}
	});
});

describe('cross-site form posts', () => {
	it('are refused with 403 (kit’s CSRF check stays on)', async () => {
		const res = await formPost(
			server.url,
			'/login',
			{ name: 'root', password: PW },
			undefined,
			'https://evil.example'
		);
		expect(res.status).toBe(403);
		expect(sessionCookieOf(res)).toBeUndefined();
		const cookie = await signIn(server.url, 'root');
		const create = await formPost(
			server.url,
			'/admin/users?/create',
			{ name: 'mallory', roles: 'admin' },
			cookie,
			'https://evil.example'
		);
		expect(create.status).toBe(403);
		const users = await (await get(server.url, '/admin/users', { cookie })).text();
		expect(users).not.toContain('mallory');
	});
});

describe('first sign-in with a one-time password', () => {
	it('sends the user to change it, from every page, until it is changed', async () => {
		const res = await formPost(server.url, '/login', { name: 'newbie', password: NEWBIE_PW });
		expect(res.headers.get('location')).toBe('/account/password');
		const cookie = sessionCookieOf(res)!;
		const home = await get(server.url, '/', { cookie });
		expect(home.status).toBe(303);
		expect(home.headers.get('location')).toBe('/account/password');
		const api = await get(server.url, '/api/v1/areas', { cookie });
		expect(api.status).toBe(403);
		expect((await api.json()).error.code).toBe('password_change_required');

		const mismatch = await formPost(
			server.url,
			'/account/password',
			{ current: NEWBIE_PW, next: 'a-brand-new-secret', confirm: 'something else!' },
			cookie
		);
		expect(mismatch.status).toBe(400);
		expect(await mismatch.text()).toContain('The two new passwords are not the same');

		const done = await formPost(
			server.url,
			'/account/password',
			{ current: NEWBIE_PW, next: 'a-brand-new-secret', confirm: 'a-brand-new-secret' },
			cookie
		);
		expect(done.status).toBe(303);
		const after = await get(server.url, '/api/v1/areas', { cookie });
		expect([401, 403]).not.toContain(after.status);
	});
});

describe('admin pages', () => {
	it('creating a user shows a one-time password that signs in', async () => {
		const cookie = await signIn(server.url, 'root');
		const res = await formPost(
			server.url,
			'/admin/users?/create',
			{ name: 'erin', roles: 'publisher' },
			cookie
		);
		expect(res.status).toBe(200);
		const html = await res.text();
		const password = html.match(/<code class="secret[^"]*">([^<]+)<\/code>/)?.[1];
		expect(password).toMatch(/^[a-zA-Z2-9-]{23}$/);
		const login = await formPost(server.url, '/login', { name: 'erin', password: password! });
		expect(login.headers.get('location')).toBe('/account/password');
	});

	it('disabling a user refuses their API token at once', async () => {
		const bearer = { authorization: `Bearer ${doraToken}` };
		expect((await get(server.url, '/api/v1/extracts', bearer)).status).toBe(200);
		const doraSession = await signIn(server.url, 'dora');
		const cookie = await signIn(server.url, 'root');
		const res = await formPost(server.url, '/admin/users?/disable', { name: 'dora' }, cookie);
		expect(res.status).toBe(200);
		const refused = await get(server.url, '/api/v1/extracts', bearer);
		expect(refused.status).toBe(401);
		expect((await refused.json()).error.code).toBe('invalid_token');
		expect((await get(server.url, '/api/v1/extracts', { cookie: doraSession })).status).toBe(401);
		const login = await formPost(server.url, '/login', { name: 'dora', password: PW });
		expect(login.status).toBe(400);
		expect(await login.text()).toContain('do not match an account that can sign in');
	});

	it('creates a token shown once, which then works on the API', async () => {
		const cookie = await signIn(server.url, 'root');
		const res = await formPost(
			server.url,
			'/admin/tokens?/create',
			{ user: 'root', label: 'smoke', days: '7' },
			cookie
		);
		const html = await res.text();
		const token = html.match(/value="(spd_[^"]+)"/)?.[1];
		// The term asked for: it expires 7 days from now (to the minute the page shows).
		const expires = html.match(/it expires (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/)?.[1];
		expect(Math.abs(Date.parse(`${expires}Z`) - (Date.now() + 7 * DAY))).toBeLessThan(2 * 60_000);
		// 32 random bytes in base64url without padding: ceil(32 × 4 / 3) = 43 characters.
		expect(token).toMatch(/^spd_[A-Za-z0-9_-]{43}$/);
		expect(
			(await get(server.url, '/api/v1/extracts', { authorization: `Bearer ${token}` })).status
		).toBe(200);
		const list = await (await get(server.url, '/admin/tokens', { cookie })).text();
		expect(list).toContain('smoke');
		expect(list).toContain(`${expires} UTC`);
		expect(list).not.toContain(token!);
	});

	it('refuses an expired token with 401 and lists it as expired', async () => {
		const res = await get(server.url, '/api/v1/extracts', {
			authorization: `Bearer ${expiredToken}`
		});
		expect(res.status).toBe(401);
		expect((await res.json()).error.code).toBe('invalid_token');
		const cookie = await signIn(server.url, 'root');
		const list = await (await get(server.url, '/admin/tokens', { cookie })).text();
		const row = list.slice(list.indexOf('last quarter'));
		expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/Expired/);
	});

	it('exports the filtered audit log as CSV', async () => {
		const cookie = await signIn(server.url, 'root');
		const res = await get(server.url, '/admin/audit/export?action=user_disabled', { cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/text\/csv/);
		expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-log-/);
		const lines = (await res.text()).trim().split('\r\n');
		expect(lines).toHaveLength(2);
		expect(lines[1]).toMatch(/,root,user_disabled,dora,127\.0\.0\.1,/);
		const bad = await get(server.url, '/admin/audit/export?from=2024-13-01', { cookie });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.message).toContain('2024-13-01');
	});
});
