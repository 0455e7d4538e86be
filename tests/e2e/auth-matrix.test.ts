// The route/role matrix: every route in the access table, requested signed out and as each role,
// over the real server. Pages redirect to sign-in or answer 403; the API answers 401/403 JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { createToken, createUser, ROLES, type Role } from '../../src/lib/server/auth';
import { routeAccess, type Access } from '../../src/lib/server/auth/routes';
import { get, PW, signIn } from './auth-http';

/** A path that reaches the route: groups dropped, parameters filled with a placeholder. */
function samplePath(routeId: string): string {
	const p = routeId
		.split('/')
		.filter((s) => !/^\(.+\)$/.test(s))
		.map((s) => s.replace(/^\[\[.+\]\]$/, '').replace(/\[(\.\.\.)?[^\]]+\]/g, 'x'))
		.filter((s, i) => i === 0 || s !== '')
		.join('/');
	return p || '/';
}

const isApi = (id: string) => id.startsWith('/api/');
const allowed = (access: Access, role: Role) =>
	access === 'public' || access === 'signed_in' || access.includes(role);

let server: TestServer;
const cookies: Partial<Record<Role, string>> = {};
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			for (const role of ROLES) {
				await createUser(db, { name: `${role}1`, roles: [role], password: PW, actor: 'test' });
				tokens[role] = (await createToken(db, { userName: `${role}1`, actor: 'test' })).token;
			}
		}
	});
	for (const role of ROLES) cookies[role] = await signIn(server.url, `${role}1`);
});
afterAll(async () => server?.stop());

describe('route/role matrix', () => {
	const routes = Object.entries(routeAccess);

	it.each(routes)(
		'%s signed out: sign-in redirect (pages) or 401 JSON (API)',
		async (id, access) => {
			const res = await get(server.url, samplePath(id));
			if (access === 'public') {
				expect([401, 403]).not.toContain(res.status);
			} else if (isApi(id)) {
				expect(res.status).toBe(401);
				expect(res.headers.get('content-type')).toMatch(/application\/json/);
				expect((await res.json()).error.code).toBe('unauthenticated');
			} else {
				expect(res.status).toBe(303);
				expect(res.headers.get('location')).toMatch(/^\/login(\?next=|$)/);
			}
		}
	);

	for (const role of ROLES) {
		it.each(routes)(`%s as ${role}`, async (id, access) => {
			const res = await get(server.url, samplePath(id), { cookie: cookies[role]! });
			const location = res.headers.get('location') ?? '';
			if (allowed(access, role)) {
				expect([401, 403], `${role} should open ${id}`).not.toContain(res.status);
				expect(location).not.toMatch(/^\/(login|account\/password)/);
			} else {
				expect(res.status, `${role} must not open ${id}`).toBe(403);
				if (isApi(id)) expect((await res.json()).error.code).toBe('forbidden');
				else expect(await res.text()).toContain('You cannot open this page');
			}
		});
	}

	it.each(ROLES)('a %s API token carries that role on /api/v1/**', async (role) => {
		for (const [id, access] of routes.filter(([id]) => isApi(id))) {
			const res = await get(server.url, samplePath(id), {
				authorization: `Bearer ${tokens[role]}`
			});
			if (allowed(access, role))
				expect([401, 403], `${role} token on ${id}`).not.toContain(res.status);
			else expect(res.status, `${role} token on ${id}`).toBe(403);
		}
	});

	it('refuses an unknown token with 401 JSON instead of treating it as signed out', async () => {
		const res = await get(server.url, '/api/v1/extracts', { authorization: 'Bearer spd_nope' });
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: { code: 'invalid_token' } });
	});

	it('ignores a token on pages (pages need a session)', async () => {
		const res = await get(server.url, '/admin', { authorization: `Bearer ${tokens.admin}` });
		expect(res.status).toBe(303);
	});
});
