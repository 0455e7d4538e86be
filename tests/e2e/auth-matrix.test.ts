// The route/role matrix over the real server: every request each route answers (its real method and
// form actions), sent signed out, as each role by session, and by API token. The expectations are
// written here by hand from the access rules in the issue-3 note (never read from the route table
// under test), and the table is checked against src/routes so a new route, method or form action
// without an expectation fails.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { routeIds, routeRequests } from '../helpers/routes';
import { createToken, createUser } from '../../src/lib/server/auth';
import { PW, signIn } from './auth-http';

const ROLES = ['viewer', 'analyst', 'publisher', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Who = 'signed out' | Role;
const WHO: readonly Who[] = ['signed out', ...ROLES];

/** A status, or `→ /place`: a 303 there (`→ /login` also takes `/login?next=…`). */
type Answer = 200 | 400 | 401 | 403 | 404 | 409 | 422 | `→ /${string}`;
const SIGN_IN = '→ /login';

interface Case {
	route: string;
	/** 'GET', 'POST' (a default form action or an endpoint) or 'POST ?/name' (a named action). */
	request: string;
	path: string;
	/** What a POST sends: an HTML form's fields, an empty multipart form, or a CSV body. */
	body?: Record<string, string> | 'multipart' | 'csv';
	/** Or a JSON body (the publishing API). */
	json?: unknown;
	/** Signed out, viewer, analyst, publisher, admin. */
	answers: [Answer, Answer, Answer, Answer, Answer];
	/** Sign in afresh for this request: it ends the session it is sent with. */
	endsSession?: true;
}

// up1 is the one upload (crimes-valid.csv, loaded in beforeAll); "no-such-upload" does not exist.
// route-matrix-summary is the one published summary (beforeAll); "no-such-summary" and
// "no-such-draft" do not exist.
// Allowed POSTs are refusals the handler itself gives (400 empty form, 404 unknown, 409 conflict),
// so reaching the handler is proven and nothing changes between cases. One line per request.
// prettier-ignore
const CASES: Case[] = [
	// Dashboard pages: any signed-in role; the home address opens the Overview.
	{ route: '/', request: 'GET', path: '/', answers: [SIGN_IN, '→ /overview', '→ /overview', '→ /overview', '→ /overview'] },
	{ route: '/(app)/(dashboard)/overview', request: 'GET', path: '/overview', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/(app)/(dashboard)/arrests-and-charges', request: 'GET', path: '/arrests-and-charges', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/(app)/(dashboard)/under-reporting', request: 'GET', path: '/under-reporting', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/(app)/(dashboard)/training', request: 'GET', path: '/training', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/(app)/(dashboard)/areas', request: 'GET', path: '/areas', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/(app)/(dashboard)/safeguarding', request: 'GET', path: '/safeguarding', answers: [SIGN_IN, 200, 200, 200, 200] },

	// Health for a service manager: open to everyone, signed in or not.
	{ route: '/healthz', request: 'GET', path: '/healthz', answers: [200, 200, 200, 200, 200] },
	{ route: '/readyz', request: 'GET', path: '/readyz', answers: [200, 200, 200, 200, 200] },
	// Operators' metrics (Prometheus): admins only; a machine endpoint, so 401/403 as the API answers.
	{ route: '/metrics', request: 'GET', path: '/metrics', answers: [401, 403, 403, 403, 200] },

	// Sign-in and sign-out are open to everyone; a signed-in person asking for /login goes home.
	{ route: '/login', request: 'GET', path: '/login', answers: [200, '→ /', '→ /', '→ /', '→ /'] },
	// An empty sign-in form: "Enter your user name" (400) before any password check or throttle; the
	// page shown with that refusal sends a signed-in person home, as the GET does.
	{ route: '/login', request: 'POST', path: '/login', body: {}, answers: [400, '→ /', '→ /', '→ /', '→ /'] },
	{ route: '/logout', request: 'GET', path: '/logout', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/logout', request: 'POST', path: '/logout', body: {}, endsSession: true, answers: [SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN] },
	{ route: '/account/password', request: 'GET', path: '/account/password', answers: [SIGN_IN, 200, 200, 200, 200] },
	{ route: '/account/password', request: 'POST', path: '/account/password', body: {}, answers: [SIGN_IN, 400, 400, 400, 400] },

	// Extracts pages: analysts and admins.
	{ route: '/(app)/extracts', request: 'GET', path: '/extracts', answers: [SIGN_IN, 403, 200, 403, 200] },
	// A form without a file: "The form has no file field" (400).
	{ route: '/(app)/extracts', request: 'POST ?/upload', path: '/extracts?/upload', body: 'multipart', answers: [SIGN_IN, 403, 400, 403, 400] },
	{ route: '/(app)/extracts/[id]', request: 'GET', path: '/extracts/up1', answers: [SIGN_IN, 403, 200, 403, 200] },
	// A refused upload's stored report: analysts and admins; rf999 names none (404 from the page's load).
	{ route: '/(app)/extracts/refused/[ref]', request: 'GET', path: '/extracts/refused/rf999', answers: [SIGN_IN, 403, 404, 403, 404] },
	{ route: '/(app)/extracts/[id]/confirm', request: 'GET', path: '/extracts/up1/confirm', answers: [SIGN_IN, 403, 200, 403, 200] },
	{ route: '/(app)/reference', request: 'GET', path: '/reference', answers: [SIGN_IN, 403, 200, 403, 200] },
	{ route: '/(app)/extracts/[id]', request: 'POST ?/rollback', path: '/extracts/no-such-upload?/rollback', body: {}, answers: [SIGN_IN, 403, 404, 403, 404] },
	// up1 is active: "already active; nothing to restore" (409).
	{ route: '/(app)/extracts/[id]', request: 'POST ?/restore', path: '/extracts/up1?/restore', body: {}, answers: [SIGN_IN, 403, 409, 403, 409] },

	// Admin pages: admins only.
	{ route: '/(app)/admin', request: 'GET', path: '/admin', answers: [SIGN_IN, 403, 403, 403, 200] },
	{ route: '/(app)/admin/users', request: 'GET', path: '/admin/users', answers: [SIGN_IN, 403, 403, 403, 200] },
	// admin1 exists already (409); nobody is not a user (404).
	{ route: '/(app)/admin/users', request: 'POST ?/create', path: '/admin/users?/create', body: { name: 'admin1', roles: 'viewer' }, answers: [SIGN_IN, 403, 403, 403, 409] },
	{ route: '/(app)/admin/users', request: 'POST ?/roles', path: '/admin/users?/roles', body: { name: 'nobody', roles: 'viewer' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/users', request: 'POST ?/disable', path: '/admin/users?/disable', body: { name: 'nobody' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/users', request: 'POST ?/enable', path: '/admin/users?/enable', body: { name: 'nobody' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/users', request: 'POST ?/reset', path: '/admin/users?/reset', body: { name: 'nobody' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/tokens', request: 'GET', path: '/admin/tokens', answers: [SIGN_IN, 403, 403, 403, 200] },
	{ route: '/(app)/admin/tokens', request: 'POST ?/create', path: '/admin/tokens?/create', body: { user: 'nobody', label: 'x' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/tokens', request: 'POST ?/revoke', path: '/admin/tokens?/revoke', body: { id: 'no-such-token' }, answers: [SIGN_IN, 403, 403, 403, 404] },
	{ route: '/(app)/admin/settings', request: 'GET', path: '/admin/settings', answers: [SIGN_IN, 403, 403, 403, 200] },
	// An empty form: each group names its missing or empty fields (400) before writing anything.
	{ route: '/(app)/admin/settings', request: 'POST ?/disclosure', path: '/admin/settings?/disclosure', body: {}, answers: [SIGN_IN, 403, 403, 403, 400] },
	{ route: '/(app)/admin/settings', request: 'POST ?/training', path: '/admin/settings?/training', body: {}, answers: [SIGN_IN, 403, 403, 403, 400] },
	{ route: '/(app)/admin/settings', request: 'POST ?/safeguarding', path: '/admin/settings?/safeguarding', body: {}, answers: [SIGN_IN, 403, 403, 403, 400] },
	{ route: '/(app)/admin/settings', request: 'POST ?/charts', path: '/admin/settings?/charts', body: {}, answers: [SIGN_IN, 403, 403, 403, 400] },
	{ route: '/(app)/admin/settings', request: 'POST ?/sessions', path: '/admin/settings?/sessions', body: {}, answers: [SIGN_IN, 403, 403, 403, 400] },
	{ route: '/(app)/admin/audit', request: 'GET', path: '/admin/audit', answers: [SIGN_IN, 403, 403, 403, 200] },
	{ route: '/(app)/admin/audit/export', request: 'GET', path: '/admin/audit/export', answers: [SIGN_IN, 403, 403, 403, 200] },

	// The Publish page: publishers and admins. An empty compose form has no period (400); the draft
	// and the summary named do not exist (404), so nothing is published or withdrawn.
	{ route: '/(app)/publish', request: 'GET', path: '/publish', answers: [SIGN_IN, 403, 403, 200, 200] },
	{ route: '/(app)/publish', request: 'POST ?/preview', path: '/publish?/preview', body: {}, answers: [SIGN_IN, 403, 403, 400, 400] },
	{ route: '/(app)/publish', request: 'POST ?/publish', path: '/publish?/publish', body: { draft: 'no-such-draft', confirm: 'yes' }, answers: [SIGN_IN, 403, 403, 404, 404] },
	{ route: '/(app)/publish', request: 'POST ?/withdraw', path: '/publish?/withdraw', body: { slug: 'no-such-summary', reason: 'Route matrix check.', confirm: 'yes' }, answers: [SIGN_IN, 403, 403, 404, 404] },
	{ route: '/(app)/publish/preview/[id]', request: 'GET', path: '/publish/preview/no-such-draft', answers: [SIGN_IN, 403, 403, 404, 404] },

	// Published summaries: public, the same for everyone, signed in or not.
	{ route: '/summaries', request: 'GET', path: '/summaries', answers: [200, 200, 200, 200, 200] },
	{ route: '/summaries/feed.xml', request: 'GET', path: '/summaries/feed.xml', answers: [200, 200, 200, 200, 200] },
	{ route: '/summaries/accessibility', request: 'GET', path: '/summaries/accessibility', answers: [200, 200, 200, 200, 200] },
	{ route: '/summaries/[slug]', request: 'GET', path: '/summaries/route-matrix-summary', answers: [200, 200, 200, 200, 200] },
	{ route: '/summaries/[slug]/[version]', request: 'GET', path: '/summaries/route-matrix-summary/v1', answers: [200, 200, 200, 200, 200] },

	// Metrics API: any signed-in role; 401 JSON signed out.
	{ route: '/api/v1/metrics/monthly', request: 'GET', path: '/api/v1/metrics/monthly?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/outcomes', request: 'GET', path: '/api/v1/metrics/outcomes?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/reporting', request: 'GET', path: '/api/v1/metrics/reporting?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/identification', request: 'GET', path: '/api/v1/metrics/identification?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/training', request: 'GET', path: '/api/v1/metrics/training?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/spc', request: 'GET', path: '/api/v1/metrics/spc?metric=charges&from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/safeguarding', request: 'GET', path: '/api/v1/metrics/safeguarding?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/metrics/journey', request: 'GET', path: '/api/v1/metrics/journey?from=2024-01&to=2024-03', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/areas', request: 'GET', path: '/api/v1/areas', answers: [401, 200, 200, 200, 200] },
	{ route: '/api/v1/offence-groups', request: 'GET', path: '/api/v1/offence-groups', answers: [401, 200, 200, 200, 200] },
	// The API's OpenAPI description: public, like health.
	{ route: '/api/v1/openapi.json', request: 'GET', path: '/api/v1/openapi.json', answers: [200, 200, 200, 200, 200] },
	// Backups: admins only. GET streams a whole backup; an empty confirmation is refused (400).
	{ route: '/api/v1/admin/backup', request: 'GET', path: '/api/v1/admin/backup', answers: [401, 403, 403, 403, 200] },
	{ route: '/api/v1/admin/backup', request: 'POST', path: '/api/v1/admin/backup', json: {}, answers: [401, 403, 403, 403, 400] },

	// Extracts API: analysts and admins; 403 JSON for the other roles.
	{ route: '/api/v1/extracts', request: 'GET', path: '/api/v1/extracts', answers: [401, 403, 200, 403, 200] },
	// An empty CSV body is an empty file: refused as empty_file (422), as extracts.md says.
	{ route: '/api/v1/extracts', request: 'POST', path: '/api/v1/extracts?kind=crimes', body: 'csv', answers: [401, 403, 422, 403, 422] },
	{ route: '/api/v1/extracts/[id]', request: 'GET', path: '/api/v1/extracts/up1', answers: [401, 403, 200, 403, 200] },
	{ route: '/api/v1/extracts/[id]/file', request: 'GET', path: '/api/v1/extracts/up1/file', answers: [401, 403, 200, 403, 200] },
	{ route: '/api/v1/extracts/refused/[ref]', request: 'GET', path: '/api/v1/extracts/refused/rf999', answers: [401, 403, 404, 403, 404] },
	{ route: '/api/v1/extracts/templates/[kind].csv', request: 'GET', path: '/api/v1/extracts/templates/crimes.csv', answers: [401, 403, 200, 403, 200] },
	{ route: '/api/v1/extracts/[id]/rollback', request: 'POST', path: '/api/v1/extracts/no-such-upload/rollback', answers: [401, 403, 404, 403, 404] },
	{ route: '/api/v1/extracts/[id]/restore', request: 'POST', path: '/api/v1/extracts/up1/restore', answers: [401, 403, 409, 403, 409] },
	// Column mappings: analysts and admins. An empty mapping is refused by field (400), saving nothing;
	// "no-such-mapping" does not exist (404).
	{ route: '/api/v1/mappings', request: 'GET', path: '/api/v1/mappings', answers: [401, 403, 200, 403, 200] },
	{ route: '/api/v1/mappings', request: 'POST', path: '/api/v1/mappings', json: {}, answers: [401, 403, 400, 403, 400] },
	{ route: '/api/v1/mappings/[name]', request: 'GET', path: '/api/v1/mappings/no-such-mapping', answers: [401, 403, 404, 403, 404] },

	// Publishing API: publishers and admins; 403 JSON for the other roles. An empty request names its
	// first missing field (400); withdrawing an unknown summary is 404.
	{ route: '/api/v1/summaries', request: 'GET', path: '/api/v1/summaries', answers: [401, 403, 403, 200, 200] },
	{ route: '/api/v1/summaries', request: 'POST', path: '/api/v1/summaries', json: {}, answers: [401, 403, 403, 400, 400] },
	{ route: '/api/v1/summaries/[slug]/revise', request: 'POST', path: '/api/v1/summaries/route-matrix-summary/revise', json: {}, answers: [401, 403, 403, 400, 400] },
	{ route: '/api/v1/summaries/[slug]/withdraw', request: 'POST', path: '/api/v1/summaries/no-such-summary/withdraw', json: { reason: 'Route matrix check.' }, answers: [401, 403, 403, 404, 404] }
];

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
	const crimes = fs.readFileSync(
		path.resolve(import.meta.dirname, '../fixtures/extracts/crimes-valid.csv')
	);
	const up = await fetch(server.url + '/api/v1/extracts', {
		method: 'POST',
		headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/csv' },
		body: crimes
	});
	expect(up.status).toBe(201);
	expect((await up.json()).upload.id).toBe('up1');
	// crimes-valid.csv runs to March 2023, so October to December 2022 is complete.
	const summary = await fetch(server.url + '/api/v1/summaries', {
		method: 'POST',
		headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			title: 'Route matrix summary',
			period: { kind: 'quarter', to: '2022-12' },
			sections: ['arrests_and_charges']
		})
	});
	expect(summary.status).toBe(201);
	expect((await summary.json()).summary.slug).toBe('route-matrix-summary');
});
afterAll(async () => server?.stop());

/** Send a case's request as a browser (same-site Origin, HTML wanted) or an API client would. */
function send(c: Case, headers: Record<string, string>): Promise<Response> {
	const method = c.request.startsWith('POST') ? 'POST' : 'GET';
	let body: BodyInit | undefined;
	if (method === 'POST') {
		headers = { origin: server.url, accept: 'text/html', ...headers };
		if (c.json !== undefined) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(c.json);
		} else if (c.body === 'csv') {
			headers['content-type'] = 'text/csv';
			body = '';
		} else if (c.body === 'multipart') {
			body = new FormData();
		} else if (c.body) {
			headers['content-type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(c.body);
		}
	}
	return fetch(server.url + c.path, { method, redirect: 'manual', headers, body });
}

/** The API and the Prometheus scrape (/metrics) take tokens and answer refusals as JSON. */
function isMachineRoute(route: string): boolean {
	return route.startsWith('/api/') || route === '/metrics';
}

async function expectAnswer(res: Response, expected: Answer, c: Case, label: string) {
	if (typeof expected === 'string') {
		expect(res.status, label).toBe(303);
		const place = expected.slice(2);
		const location = res.headers.get('location') ?? '';
		if (place === '/login') expect(location, label).toMatch(/^\/login(\?next=|$)/);
		else expect(location, label).toBe(place);
		return;
	}
	expect(res.status, label).toBe(expected);
	const api = isMachineRoute(c.route);
	if (expected === 401) expect((await res.json()).error.code, label).toBe('unauthenticated');
	if (expected === 403) {
		if (api) expect((await res.json()).error.code, label).toBe('forbidden');
		else expect(await res.text(), label).toContain('You cannot open this page');
	}
}

describe('route/role matrix', () => {
	it('has a hand-written expectation for every request every route in src/routes answers', () => {
		const wanted = routeIds()
			.flatMap((id) => routeRequests(id).map((r) => `${id} ${r}`))
			.sort();
		const written = CASES.map((c) => `${c.route} ${c.request}`).sort();
		expect(written).toEqual(wanted);
	});

	const bySession = CASES.flatMap((c) =>
		WHO.map((who, i) => ({ c, who, expected: c.answers[i], name: `${c.request} ${c.path}` }))
	);
	it.each(bySession)('$name as $who: $expected', async ({ c, who, expected }) => {
		let cookie: string | undefined;
		if (who !== 'signed out') {
			cookie = c.endsSession ? await signIn(server.url, `${who}1`) : cookies[who];
		}
		const res = await send(c, cookie ? { cookie } : {});
		await expectAnswer(res, expected, c, `${c.request} ${c.path} as ${who}`);
	});

	// A token carries its role on the API; pages need a session, so there it counts as signed out.
	const byToken = CASES.flatMap((c) =>
		ROLES.map((role) => ({
			c,
			role,
			expected: isMachineRoute(c.route) ? c.answers[1 + ROLES.indexOf(role)] : c.answers[0],
			name: `${c.request} ${c.path}`
		}))
	);
	it.each(byToken)('$name with a $role token: $expected', async ({ c, role, expected }) => {
		const res = await send(c, { authorization: `Bearer ${tokens[role]}` });
		await expectAnswer(res, expected, c, `${c.request} ${c.path} with a ${role} token`);
	});

	it('refuses an unknown token with 401 JSON instead of treating it as signed out', async () => {
		const res = await fetch(server.url + '/api/v1/extracts', {
			headers: { authorization: 'Bearer spd_nope' }
		});
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: { code: 'invalid_token' } });
	});
});
