// The OpenAPI document (src/lib/server/openapi.ts) against the real server with the sample data:
// every documented operation is called for real, with its successes and the errors it documents,
// and every JSON answer is validated with ajv against the schema the document gives for that
// status and media type. An answer with a status or media type the document does not list fails;
// so does a documented (operation, status, media type) that no call here produced, a route under
// src/routes/api/v1 without a path, and a document that is not OpenAPI 3.1.
import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { listUploads } from '../../src/lib/server/extracts';
import { purgeUploadFile } from '../../src/lib/server/extracts/retention';
import { openApiDocument } from '../../src/lib/server/openapi';
import { loadSampleIfEmpty, SAMPLE_AS_OF } from '../../src/lib/server/sample/load';
import { routeIds, routeRequests } from '../helpers/routes';
import { startServer, type TestServer } from '../helpers/server';
import { NICHE_MAPPING } from '../fixtures/mappings/niche-mapping';
import { PW, signIn, userWithToken } from './auth-http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const doc = openApiDocument as Loose;
const fixtures = path.resolve(import.meta.dirname, '../fixtures/extracts');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));

// ---------------------------------------------------------------------------------------------
// The document as ajv sees it: added whole under an $id, so each `#/components/...` $ref inside
// resolves against it. Its OpenAPI-only top-level fields are declared as (inert) keywords.

const DOC_ID = 'https://dashboard.invalid/api/v1/openapi.json';
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
for (const key of Object.keys(doc)) ajv.addKeyword(key);
ajv.addSchema({ ...doc, $id: DOC_ID });

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const at = (pointer: string): Loose =>
	pointer
		.split('/')
		.slice(1)
		.reduce((o, p) => o?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

/** An object of the document, following a `$ref` to it, with its JSON pointer. */
function resolve(value: Loose, pointer: string): { value: Loose; pointer: string } {
	if (value && typeof value.$ref === 'string') {
		const target = value.$ref.slice(1);
		return resolve(at(target), target);
	}
	return { value, pointer };
}

const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
	let v = validators.get(pointer);
	if (!v) {
		v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
		validators.set(pointer, v);
	}
	return v;
}

type Method = 'get' | 'post';
interface Operation {
	method: Method;
	path: string;
	/** The server the path hangs off: `/api/v1`, or the site root for public summaries. */
	server: string;
	op: Loose;
	key: string;
}

const OPERATIONS: Operation[] = Object.entries(doc.paths as Record<string, Loose>).flatMap(
	([p, item]) =>
		(['get', 'post'] as const)
			.filter((m) => item[m])
			.map((method) => ({
				method,
				path: p,
				server: ((item.servers ?? doc.servers)[0].url as string).replace(/\/$/, ''),
				op: item[method],
				key: `${method.toUpperCase()} ${p}`
			}))
);
const operation = (method: Method, p: string): Operation => {
	const found = OPERATIONS.find((o) => o.method === method && o.path === p);
	if (!found) throw new Error(`${method.toUpperCase()} ${p} is not in the document`);
	return found;
};
const isPublic = (o: Operation) => Array.isArray(o.op.security) && o.op.security.length === 0;

/** Every (operation, status, media type) the document promises: each must be seen below. */
const DOCUMENTED = OPERATIONS.flatMap((o) =>
	Object.entries(o.op.responses).flatMap(([status, r]) => {
		const types = Object.keys(resolve(r, '').value.content ?? {});
		return (types.length ? types : ['-']).map((t) => `${o.key} ${status} ${t}`);
	})
);
/** Documented answers no test can bring about on purpose, with why. */
const UNTRIGGERABLE: Record<string, string> = {
	'POST /summaries 409 application/json':
		'data_changed: an upload committing between composing and publishing within one request'
};
const seen = new Set<string>();

// ---------------------------------------------------------------------------------------------
// The server: sample data loaded before it starts, one upload's archived file purged (for 410).

const ROLES = ['viewer', 'analyst', 'publisher', 'admin'] as const;
type Role = (typeof ROLES)[number];
/** Who sends a request: a role's token, the viewer's session, a session that must change its password, a bad token. */
type Who = Role | 'viewer session' | 'must-change session' | 'bad token' | 'signed out';
const MUST_CHANGE = 'mo.mustchange';

let server: TestServer;
const tokens: Partial<Record<Role, string>> = {};
const cookies: Record<string, string> = {};
let purgedId = '';

beforeAll(async () => {
	server = await startServer({
		// A small upload limit, so a 413 costs a few megabytes (the sample is loaded before).
		env: { MAX_UPLOAD_MB: '2' },
		setup: async (db, dataDir) => {
			for (const role of ROLES) tokens[role] = await userWithToken(db, `${role}.openapi`, role);
			await createUser(db, {
				name: MUST_CHANGE,
				roles: ['viewer'],
				password: PW,
				mustChangePassword: true,
				actor: 'test'
			});
			const config = readConfig({ ...process.env, DATA_DIR: dataDir, SAMPLE_DATA: 'on' });
			const sample = await loadSampleIfEmpty(db, config, () => {});
			if (!sample.loaded) throw new Error(`the sample was not loaded (${sample.reason})`);
			purgedId = (await listUploads(db)).at(-1)!.id;
			await purgeUploadFile(db, config, purgedId, {
				user: 'test',
				reason: 'e2e: an upload whose file is gone'
			});
		}
	});
	cookies['viewer session'] = await signIn(server.url, 'viewer.openapi');
	cookies['must-change session'] = await signIn(server.url, MUST_CHANGE);
}, 600_000);
afterAll(async () => server?.stop());

interface CallOptions {
	as?: Who;
	params?: Record<string, string>;
	query?: string;
	headers?: Record<string, string>;
	/** A JSON body (sent as application/json and, for a success, checked against the request schema). */
	json?: unknown;
	body?: BodyInit;
	/** The status wanted. */
	expect?: number;
	/** Another server than the suite's, and a token on it (the caller then is that token). */
	at?: { url: string; token: string };
}

interface Answer {
	status: number;
	headers: Headers;
	type: string;
	text: string;
	body: Loose;
}

function credentials(who: Who): Record<string, string> {
	if (who === 'signed out') return {};
	if (who === 'bad token') return { authorization: 'Bearer spd_not-a-token' };
	if (who === 'viewer session' || who === 'must-change session') {
		// A cookie-borne POST must name this site as its Origin.
		return { cookie: cookies[who], origin: server.url };
	}
	return { authorization: `Bearer ${tokens[who]}` };
}

/**
 * Send a documented operation and check the answer against the document: a documented status, a
 * documented media type, a JSON body valid against that response's schema. Records what it saw.
 */
async function call(method: Method, docPath: string, o: CallOptions = {}): Promise<Answer> {
	const { op, key, server: base } = operation(method, docPath);
	const url =
		(o.at?.url ?? server.url) +
		base +
		docPath.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(o.params?.[name] ?? 'x')) +
		(o.query ? `?${o.query}` : '');
	const headers: Record<string, string> = {
		...(o.at
			? { authorization: `Bearer ${o.at.token}` }
			: credentials(o.as ?? (isPublic(operation(method, docPath)) ? 'signed out' : 'admin'))),
		...o.headers
	};
	let body = o.body;
	if (o.json !== undefined) {
		headers['content-type'] ??= 'application/json';
		body = JSON.stringify(o.json);
	}
	const send = () =>
		fetch(url, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
	// A pooled connection the server closed (after a 413 sent before the body was read, or idle past
	// its keep-alive timeout while a slow machine ran the test before: "other side closed") fails
	// once on the client's side; that is no answer from the server, so the request is sent again.
	const res = await send().catch((err: Error & { cause?: { code?: string } }) => {
		if (err.cause?.code === 'ECONNRESET' || err.cause?.code === 'UND_ERR_SOCKET') return send();
		throw err;
	});
	const text = await res.text();
	const label = `${key}${o.query ? `?${o.query.slice(0, 80)}` : ''} -> ${res.status}: ${text.slice(0, 300)}`;
	if (o.expect !== undefined) expect(res.status, label).toBe(o.expect);

	const documented = op.responses[String(res.status)];
	expect(documented, `${label}: status ${res.status} is not documented`).toBeDefined();
	const response = resolve(
		documented,
		`/paths/${escape(docPath)}/${method}/responses/${res.status}`
	);
	// SvelteKit sends its plain-text refusal of a cross-site form without a Content-Type.
	const type = (res.headers.get('content-type') ?? (text ? 'text/plain' : '')).split(';')[0].trim();
	const content = response.value.content ?? {};
	let parsed: Loose;
	if (Object.keys(content).length === 0) {
		expect(text, `${label}: no body documented`).toBe('');
		seen.add(`${key} ${res.status} -`);
	} else {
		expect(Object.keys(content), `${label}: media type ${type} is not documented`).toContain(type);
		seen.add(`${key} ${res.status} ${type}`);
		if (type === 'application/json') {
			parsed = JSON.parse(text);
			const validate = validatorAt(`${response.pointer}/content/${escape(type)}/schema`);
			const ok = validate(parsed);
			expect(ok, `${label}\n${ajv.errorsText(validate.errors, { separator: '\n' })}`).toBe(true);
		}
	}
	// A request the server took must be one the document describes.
	if (o.json !== undefined && res.status < 300) {
		const request = `/paths/${escape(docPath)}/${method}/requestBody/content/application~1json/schema`;
		const validate = validatorAt(request);
		expect(validate(o.json), `${key} request body\n${ajv.errorsText(validate.errors)}`).toBe(true);
	}
	for (const name of Object.keys(response.value.headers ?? {})) {
		if (name !== 'Content-Disposition' || type === 'text/csv') {
			expect(res.headers.get(name), `${label}: header ${name}`).not.toBeNull();
		}
	}
	return { status: res.status, headers: res.headers, type, text, body: parsed };
}

// ---------------------------------------------------------------------------------------------

describe('the document', () => {
	it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
		const result = await new Validator().validate(structuredClone(doc));
		expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
		expect(result.valid).toBe(true);
		expect(doc.openapi).toMatch(/^3\.1\./);
	});

	it('compiles every request and response schema under ajv strict mode', () => {
		let n = 0;
		for (const o of OPERATIONS) {
			for (const [status, r] of Object.entries(o.op.responses)) {
				const { value, pointer } = resolve(
					r,
					`/paths/${escape(o.path)}/${o.method}/responses/${status}`
				);
				for (const type of Object.keys(value.content ?? {})) {
					validatorAt(`${pointer}/content/${escape(type)}/schema`);
					n++;
				}
			}
			for (const type of Object.keys(o.op.requestBody?.content ?? {})) {
				validatorAt(
					`/paths/${escape(o.path)}/${o.method}/requestBody/content/${escape(type)}/schema`
				);
				n++;
			}
		}
		expect(n).toBeGreaterThan(50);
	});

	it('has a path, with its methods, for every route under src/routes/api/v1', () => {
		const routes = routeIds().filter((id) => id.startsWith('/api/v1/'));
		const wanted = routes
			.flatMap((id) =>
				routeRequests(id).map(
					(m) => `${m} ${id.slice('/api/v1'.length).replace(/\[(\w+)\]/g, '{$1}')}`
				)
			)
			.sort();
		const documented = OPERATIONS.filter((o) => o.server === '/api/v1')
			.map((o) => o.key)
			.sort();
		expect(documented).toEqual(wanted);
	});

	it('is served to anyone at /api/v1/openapi.json, as the module has it, with Cache-Control public', async () => {
		const res = await call('get', '/openapi.json', { as: 'signed out', expect: 200 });
		expect(res.body).toEqual(JSON.parse(JSON.stringify(doc)));
		expect(res.headers.get('cache-control')).toMatch(/^public/);
	});
});

describe('metrics and reference data', () => {
	/** Every metrics path the document has (so a new one is called here without being listed). */
	const METRICS = OPERATIONS.filter((o) => o.path.startsWith('/metrics/')).map((o) =>
		o.path.slice('/metrics/'.length)
	);
	const PERIOD = 'from=2024-04&to=2025-03';

	it.each(METRICS)(
		'%s: JSON, CSV by format=csv and by Accept, and 400 for a bad month',
		async (m) => {
			const p = `/metrics/${m}`;
			const j = await call('get', p, { as: 'viewer', query: PERIOD, expect: 200 });
			expect(j.body.filters).toMatchObject({ from: '2024-04', to: '2025-03', area: 'all' });
			const c = await call('get', p, { as: 'viewer', query: `${PERIOD}&format=csv`, expect: 200 });
			expect(c.type).toBe('text/csv');
			expect(c.headers.get('content-disposition')).toMatch(/attachment/);
			const a = await call('get', p, {
				as: 'viewer',
				query: PERIOD,
				headers: { accept: 'text/csv' },
				expect: 200
			});
			expect(a.text).toBe(c.text);
			const bad = await call('get', p, { as: 'viewer', query: 'from=2023-13', expect: 400 });
			expect(bad.body.error.code).toBe('bad_parameter');
			expect(bad.body.error.details[0].parameter).toBe('from');
		}
	);

	it('answers the default period, every filter and the extra parameters as documented', async () => {
		await call('get', '/metrics/monthly', { as: 'analyst', expect: 200 });
		const areas = await call('get', '/areas', { as: 'viewer', expect: 200 });
		expect(areas.body.areas.length).toBeGreaterThan(1);
		const groups = await call('get', '/offence-groups', { as: 'viewer', expect: 200 });
		expect(groups.body.groups.map((g: { name: string }) => g.name)).toContain('stalking');
		const area = encodeURIComponent(areas.body.areas[0]);
		await call('get', '/metrics/monthly', {
			query: `${PERIOD}&area=${area}&offences=8Q,8L&domestic_abuse=Y&format=json`,
			as: 'publisher',
			expect: 200
		});
		await call('get', '/metrics/training', { query: `${PERIOD}&role=all`, expect: 200 });
		for (const metric of ['recorded', 'arrests', 'charges']) {
			const spc = await call('get', '/metrics/spc', { query: `metric=${metric}`, expect: 200 });
			expect(spc.body.metric).toBe(metric);
		}
		// One request running on into incomplete months (after the latest complete one).
		await call('get', '/metrics/outcomes', { query: 'from=2025-01&to=2025-06', expect: 200 });
	});

	it('names each bad parameter in a 400', async () => {
		const cases: [string, string, string][] = [
			['/metrics/monthly', 'area=Atlantis', 'area'],
			['/metrics/monthly', 'offences=not-a-group', 'offences'],
			['/metrics/outcomes', 'domestic_abuse=maybe', 'domestic_abuse'],
			['/metrics/reporting', 'from=2025-01&to=2024-01', 'from'],
			['/metrics/identification', 'format=xml', 'format'],
			['/metrics/training', 'role=astronaut', 'role'],
			['/metrics/spc', 'metric=outcomes', 'metric']
		];
		for (const [p, q, parameter] of cases) {
			const res = await call('get', p, { query: q, expect: 400 });
			expect(res.body.error.details.map((d: { parameter: string }) => d.parameter)).toContain(
				parameter
			);
			expect(res.body.error.message).toContain(parameter);
		}
	});

	it('gives a signed-in session the same figures as a token', async () => {
		const byToken = await call('get', '/metrics/monthly', { as: 'viewer', query: PERIOD });
		const bySession = await call('get', '/metrics/monthly', {
			as: 'viewer session',
			query: PERIOD,
			expect: 200
		});
		expect(bySession.body).toEqual(byToken.body);
	});
});

describe('extracts', () => {
	let id = '';

	it('lists the history, all or one kind, and refuses an unknown kind', async () => {
		const all = await call('get', '/extracts', { as: 'analyst', expect: 200 });
		expect(all.body.uploads.length).toBeGreaterThan(5);
		const crimes = await call('get', '/extracts', {
			as: 'analyst',
			query: 'kind=crimes',
			expect: 200
		});
		expect(crimes.body.uploads.every((u: { kind: string }) => u.kind === 'crimes')).toBe(true);
		await call('get', '/extracts', { as: 'analyst', query: 'kind=parking_tickets', expect: 400 });
	});

	it('takes a text/csv body (201) and refuses the same file again (409)', async () => {
		// Taken on the sample's own as-at day, so the dashboard's complete months stay where they are.
		const q = `kind=crimes&mode=merge&as_of=${SAMPLE_AS_OF}&filename=crimes-valid.csv`;
		const headers = { 'content-type': 'text/csv' };
		const body = fixture('crimes-valid.csv');
		const res = await call('post', '/extracts', {
			as: 'analyst',
			query: q,
			headers,
			body,
			expect: 201
		});
		expect(res.body.upload).toMatchObject({ kind: 'crimes', mode: 'merge', rows: 3, active: true });
		id = res.body.upload.id;
		const again = await call('post', '/extracts', {
			as: 'analyst',
			query: q,
			headers,
			body,
			expect: 409
		});
		expect(again.body.error.code).toBe('already_loaded');
	});

	it("takes a multipart form with a file field and this site's Origin (201), the kind detected from the header", async () => {
		const form = new FormData();
		form.append(
			'file',
			new Blob([fixture('training-valid.csv')], { type: 'text/csv' }),
			'training-valid.csv'
		);
		form.append('mode', 'merge');
		// A form is a form to SvelteKit, token or not: without this site's Origin it is refused (403,
		// plain text) before the API reads it.
		const crossSite = await call('post', '/extracts', { as: 'admin', body: form, expect: 403 });
		expect(crossSite.type).toBe('text/plain');
		const res = await call('post', '/extracts', {
			as: 'admin',
			headers: { origin: server.url },
			body: form,
			expect: 201
		});
		expect(res.body.upload).toMatchObject({ kind: 'training', file_name: 'training-valid.csv' });
	});

	it('refuses an invalid extract (422 with the report), a bad mode (400), JSON (415) and a file over the limit (413)', async () => {
		const invalid = await call('post', '/extracts', {
			as: 'analyst',
			query: 'kind=crimes',
			headers: { 'content-type': 'text/csv' },
			body: fixture('crimes-errors.csv'),
			expect: 422
		});
		expect(invalid.body.error.code).toBe('invalid_extract');
		expect(invalid.body.error.details[0]).toMatchObject({ line: 2, column: 'recorded_date' });
		expect(invalid.body.report.errorCount).toBeGreaterThan(0);
		await call('post', '/extracts', {
			as: 'analyst',
			query: 'mode=sideways',
			headers: { 'content-type': 'text/csv' },
			body: fixture('crimes-valid.csv'),
			expect: 400
		});
		const json = await call('post', '/extracts', {
			as: 'analyst',
			headers: { 'content-type': 'application/json' },
			body: '{"crime_ref": "CR-1"}',
			expect: 415
		});
		expect(json.body.error.code).toBe('not_csv');
		// MAX_UPLOAD_MB is 2 here: 2.5 MB of CSV is refused before it is read.
		const big = Buffer.alloc(2.5 * 1024 * 1024, 'a');
		const large = await call('post', '/extracts', {
			as: 'analyst',
			query: 'kind=crimes',
			headers: { 'content-type': 'text/csv' },
			body: big,
			expect: 413
		});
		expect(large.body.error.code).toBe('too_large');
	});

	it('streams an upload as NDJSON lines (200) that are UploadProgress, ending with the 422 and its body', async () => {
		const res = await call('post', '/extracts', {
			as: 'analyst',
			query: 'kind=crimes',
			headers: { 'content-type': 'text/csv', accept: 'application/x-ndjson' },
			body: fixture('crimes-errors.csv'),
			expect: 200
		});
		expect(res.type).toBe('application/x-ndjson');
		const lines = res.text
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
		const validate = validatorAt('/components/schemas/UploadProgress');
		for (const line of lines) {
			expect(validate(line), `${JSON.stringify(line)}\n${ajv.errorsText(validate.errors)}`).toBe(
				true
			);
		}
		const result = lines.at(-1);
		expect(result).toMatchObject({ type: 'result', status: 422 });
		const body = validatorAt(
			'/components/responses/InvalidExtract/content/application~1json/schema'
		);
		expect(body(result.body), ajv.errorsText(body.errors)).toBe(true);
		expect(result.body.error.code).toBe('invalid_extract');
	});

	it('answers one upload with its report, as JSON or the report as CSV; 404 for an unknown id', async () => {
		const one = await call('get', '/extracts/{id}', { as: 'analyst', params: { id }, expect: 200 });
		expect(one.body.upload.id).toBe(id);
		const csv = await call('get', '/extracts/{id}', {
			as: 'analyst',
			params: { id },
			query: 'format=csv',
			expect: 200
		});
		expect(csv.type).toBe('text/csv');
		await call('get', '/extracts/{id}', { as: 'analyst', params: { id: 'up999999' }, expect: 404 });
	});

	it("keeps a refused upload's whole report: pages of it, a rule's problems, every one as CSV; 400 and 404", async () => {
		const refused = await call('post', '/extracts', {
			as: 'analyst',
			query: 'kind=crimes',
			headers: { 'content-type': 'text/csv' },
			body: fixture('crimes-errors.csv'),
			expect: 422
		});
		// crimes-errors.csv has 11 problems on an upload day of 1 June 2024 (counted by hand in
		// tests/integration/extracts-load.test.ts); today its 2 June 2024 is no longer in the future: 10.
		const stored = refused.body.report.stored;
		expect(stored).toMatchObject({ problems: 10, capped: false, per_page: 50 });
		const ref = stored.ref;
		const last = await call('get', '/extracts/refused/{ref}', {
			as: 'analyst',
			params: { ref },
			query: 'per_page=4&page=3',
			expect: 200
		});
		// 10 at 4 a page: 1-4, 5-8 and 9-10.
		expect(last.body.page).toMatchObject({ page: 3, pages: 3, total: 10, from: 9, to: 10 });
		expect(last.body.problems).toHaveLength(2);
		const rule = last.body.report.summary[0];
		const ofRule = await call('get', '/extracts/refused/{ref}', {
			as: 'admin',
			params: { ref },
			query: `rule=${rule.rule}`,
			expect: 200
		});
		expect(ofRule.body.page.total).toBe(rule.listed);
		expect(ofRule.body.problems.every((p: { rule: number }) => p.rule === rule.rule)).toBe(true);
		const all = await call('get', '/extracts/refused/{ref}', {
			as: 'analyst',
			params: { ref },
			query: 'format=csv',
			expect: 200
		});
		expect(all.type).toBe('text/csv');
		// The header and one line a problem, then the final line end.
		expect(all.text.split('\r\n')).toHaveLength(12);
		const bad = await call('get', '/extracts/refused/{ref}', {
			as: 'analyst',
			params: { ref },
			query: 'page=4&per_page=4',
			expect: 400
		});
		expect(bad.body.error.details[0].parameter).toBe('page');
		await call('get', '/extracts/refused/{ref}', {
			as: 'analyst',
			params: { ref: 'rf999999' },
			expect: 404
		});
	});

	it('gives the archived file; 410 once purged, 404 for an unknown id', async () => {
		const file = await call('get', '/extracts/{id}/file', {
			as: 'analyst',
			params: { id },
			expect: 200
		});
		expect(file.text).toBe(fixture('crimes-valid.csv').toString('utf8'));
		const gone = await call('get', '/extracts/{id}/file', {
			params: { id: purgedId },
			expect: 410
		});
		expect(gone.body.error.code).toBe('file_purged');
		await call('get', '/extracts/{id}/file', { params: { id: 'up999999' }, expect: 404 });
	});

	it("gives a kind's CSV template as a download; 404 for a kind that is not one", async () => {
		const t = await call('get', '/extracts/templates/{kind}.csv', {
			as: 'analyst',
			params: { kind: 'arrests' },
			expect: 200
		});
		expect(t.type).toBe('text/csv');
		expect(t.headers.get('content-disposition')).toBe(
			'attachment; filename="arrests-template.csv"'
		);
		// The arrests contract's three columns, then two example rows.
		expect(t.text.split('\r\n')).toEqual([
			'arrest_ref,crime_ref,arrest_date',
			'EXAMPLE-AR-0001,EXAMPLE-CR-0001,2024-04-05',
			'EXAMPLE-AR-0002,EXAMPLE-CR-0002,2024-04-20',
			''
		]);
		const none = await call('get', '/extracts/templates/{kind}.csv', {
			as: 'analyst',
			params: { kind: 'burglaries' },
			expect: 404
		});
		expect(none.body.error.message).toMatch(/^"burglaries" is not a kind of extract/);
	});

	it('rolls back and restores, with 409 when already so and 404 for an unknown id', async () => {
		const back = await call('post', '/extracts/{id}/rollback', {
			as: 'analyst',
			params: { id },
			expect: 200
		});
		expect(back.body.upload.active).toBe(false);
		const twice = await call('post', '/extracts/{id}/rollback', {
			as: 'analyst',
			params: { id },
			expect: 409
		});
		expect(twice.body.error.code).toBe('already_rolled_back');
		await call('post', '/extracts/{id}/rollback', { params: { id: 'up999999' }, expect: 404 });
		const restored = await call('post', '/extracts/{id}/restore', {
			as: 'analyst',
			params: { id },
			expect: 200
		});
		expect(restored.body.upload.active).toBe(true);
		const active = await call('post', '/extracts/{id}/restore', {
			as: 'analyst',
			params: { id },
			expect: 409
		});
		expect(active.body.error.code).toBe('already_active');
		await call('post', '/extracts/{id}/restore', { params: { id: 'up999999' }, expect: 404 });
	});
});

describe('mappings', () => {
	// The Niche-like export of tests/fixtures/mappings (its README), under a name of this file's own.
	const niche = { ...NICHE_MAPPING, name: 'OpenAPI Niche crimes' };

	it('saves a mapping (201) and its next version, lists the latest (200), reads one with its versions (200), 404 unknown', async () => {
		const v1 = await call('post', '/mappings', { as: 'analyst', json: niche, expect: 201 });
		expect(v1.body.mapping).toMatchObject({
			name: niche.name,
			version: 1,
			created_by: 'analyst.openapi'
		});
		const v2 = await call('post', '/mappings', { as: 'admin', json: niche, expect: 201 });
		expect(v2.body.mapping.version).toBe(2);
		const list = await call('get', '/mappings', { as: 'analyst', expect: 200 });
		expect(
			list.body.mappings.map((m: { name: string; version: number }) => [m.name, m.version])
		).toEqual([[niche.name, 2]]);
		const one = await call('get', '/mappings/{name}', {
			as: 'analyst',
			params: { name: niche.name },
			expect: 200
		});
		expect(
			one.body.versions.map((v: { version: number; created_by: string }) => [
				v.version,
				v.created_by
			])
		).toEqual([
			[1, 'analyst.openapi'],
			[2, 'admin.openapi']
		]);
		await call('get', '/mappings/{name}', {
			as: 'analyst',
			params: { name: 'no-such-mapping' },
			expect: 404
		});
	});

	it('refuses a mapping that breaks the contract (400, by field) and a body that is not JSON (400)', async () => {
		const bad = await call('post', '/mappings', {
			as: 'analyst',
			json: { ...niche, columns: { ...niche.columns, 'Beat Code': 'area' } },
			expect: 400
		});
		expect(bad.body.error.code).toBe('invalid_mapping');
		expect(bad.body.error.details).toEqual([
			{
				field: 'columns',
				message: '"District" and "Beat Code" both map to area: keep one and ignore the other (null)'
			}
		]);
		const notJson = await call('post', '/mappings', {
			as: 'analyst',
			headers: { 'content-type': 'application/json' },
			body: 'name=nope',
			expect: 400
		});
		expect(notJson.body.error.code).toBe('bad_request');
	});

	it('uploads an export through mapping=NAME (201), the report naming the version; an unknown mapping is 400', async () => {
		const q = `mapping=${encodeURIComponent(niche.name)}&as_of=${SAMPLE_AS_OF}&filename=niche-crimes.csv`;
		const body = fs.readFileSync(
			path.resolve(import.meta.dirname, '../fixtures/mappings/niche-crimes.csv')
		);
		const unknown = await call('post', '/extracts', {
			as: 'analyst',
			query: `mapping=no-such-mapping&as_of=${SAMPLE_AS_OF}`,
			headers: { 'content-type': 'text/csv' },
			body,
			expect: 400
		});
		expect(unknown.body.error.details[0]).toMatchObject({
			parameter: 'mapping',
			value: 'no-such-mapping'
		});
		const res = await call('post', '/extracts', {
			as: 'analyst',
			query: `${q}&mapping_version=1`,
			headers: { 'content-type': 'text/csv' },
			body,
			expect: 201
		});
		expect(res.body.upload).toMatchObject({ kind: 'crimes', rows: 6 });
		expect(res.body.upload.report.mapping).toEqual({ name: niche.name, version: 1 });
	});
});

describe('published summaries', () => {
	let slug = '';
	let completeTo = '';
	const request = () => ({
		title: 'OpenAPI e2e: stalking, the quarter to March 2025',
		period: { kind: 'quarter', to: '2025-03' },
		area_level: 'force',
		sections: [
			'arrests_and_charges',
			'under_reporting',
			'identification',
			'training',
			'safeguarding'
		],
		commentary: 'Figures for the quarter, *as published*.',
		support_lines: [{ name: 'Police (non-emergency)', phone: '101' }]
	});

	beforeAll(async () => {
		const monthly = await call('get', '/metrics/monthly', { as: 'viewer' });
		completeTo = monthly.body.filters.complete_to;
		expect(completeTo >= '2025-03').toBe(true);
	});

	it('lists the summaries for publishers', async () => {
		await call('get', '/summaries', { as: 'publisher', expect: 200 });
	});

	it('previews (200, nothing published), then publishes (201)', async () => {
		const preview = await call('post', '/summaries', {
			as: 'publisher',
			query: 'preview=1',
			json: request(),
			expect: 200
		});
		expect(preview.body.preview.published_at).toBeNull();
		const published = await call('post', '/summaries', {
			as: 'publisher',
			json: request(),
			expect: 201
		});
		expect(published.body.summary.version).toBe(1);
		slug = published.body.summary.slug;
		expect(published.body.summary.url).toBe(`/summaries/${slug}`);
	});

	it('refuses a bad body, a body that is not JSON and a period with an incomplete month (400)', async () => {
		const empty = await call('post', '/summaries', { as: 'publisher', json: {}, expect: 400 });
		expect(empty.body.error.code).toBe('bad_parameter');
		const notJson = await call('post', '/summaries', {
			as: 'publisher',
			headers: { 'content-type': 'application/json' },
			body: 'title=nope',
			expect: 400
		});
		expect(notJson.body.error.code).toBe('bad_request');
		const [y, m] = completeTo.split('-').map(Number);
		const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
		const early = await call('post', '/summaries', {
			as: 'publisher',
			json: { ...request(), period: { kind: 'rolling_12', to: next } },
			expect: 400
		});
		expect(early.body.error.details[0].parameter).toBe('period.to');
	});

	it('serves the public JSON and CSV to anyone, with ETag, Cache-Control public and 304', async () => {
		const json = await call('get', '/summaries/{slug}.json', { params: { slug }, expect: 200 });
		expect(json.body).toMatchObject({ slug, version: 1 });
		expect(json.headers.get('cache-control')).toMatch(/^public/);
		const etag = json.headers.get('etag')!;
		await call('get', '/summaries/{slug}.json', {
			params: { slug },
			headers: { 'if-none-match': etag },
			expect: 304
		});
		const csv = await call('get', '/summaries/{slug}.csv', { params: { slug }, expect: 200 });
		await call('get', '/summaries/{slug}.csv', {
			params: { slug },
			headers: { 'if-none-match': csv.headers.get('etag')! },
			expect: 304
		});
		await call('get', '/summaries/{slug}.json', {
			params: { slug: 'no-such-summary' },
			expect: 404
		});
		await call('get', '/summaries/{slug}.csv', {
			params: { slug: 'no-such-summary' },
			expect: 404
		});
		await call('get', '/summaries/{slug}/v{version}.json', {
			params: { slug, version: '9' },
			expect: 404
		});
	});

	it('revises (preview 200, publish 201 as version 2); v1 stays readable, superseded; 400 without a note, 404 unknown', async () => {
		const body = { ...request(), revision_note: 'Corrects the commentary wording.' };
		const preview = await call('post', '/summaries/{slug}/revise', {
			as: 'publisher',
			params: { slug },
			query: 'preview=1',
			json: body,
			expect: 200
		});
		expect(preview.body.preview.revision).toEqual({ note: body.revision_note, supersedes: 1 });
		const v2 = await call('post', '/summaries/{slug}/revise', {
			as: 'admin',
			params: { slug },
			json: body,
			expect: 201
		});
		expect(v2.body.summary).toMatchObject({ slug, version: 2 });
		const v1 = await call('get', '/summaries/{slug}/v{version}.json', {
			params: { slug, version: '1' },
			expect: 200
		});
		expect(v1.body).toMatchObject({ version: 1, superseded_by: 2 });
		await call('get', '/summaries/{slug}/v{version}.json', {
			params: { slug, version: '1' },
			headers: { 'if-none-match': v1.headers.get('etag')! },
			expect: 304
		});
		const noNote = await call('post', '/summaries/{slug}/revise', {
			as: 'publisher',
			params: { slug },
			json: request(),
			expect: 400
		});
		expect(noNote.body.error.details[0].parameter).toBe('revision_note');
		await call('post', '/summaries/{slug}/revise', {
			as: 'publisher',
			params: { slug: 'no-such-summary' },
			json: body,
			expect: 404
		});
	});

	it('withdraws (200): 400 without a reason, 404 unknown, 409 twice or to revise; the public answers 410', async () => {
		const reason = 'Withdrawn while the figures are checked again.';
		await call('post', '/summaries/{slug}/withdraw', {
			as: 'publisher',
			params: { slug },
			json: {},
			expect: 400
		});
		await call('post', '/summaries/{slug}/withdraw', {
			as: 'publisher',
			params: { slug: 'no-such-summary' },
			json: { reason },
			expect: 404
		});
		const done = await call('post', '/summaries/{slug}/withdraw', {
			as: 'publisher',
			params: { slug },
			json: { reason },
			expect: 200
		});
		expect(done.body.withdrawn).toMatchObject({ slug, reason });
		const twice = await call('post', '/summaries/{slug}/withdraw', {
			as: 'publisher',
			params: { slug },
			json: { reason },
			expect: 409
		});
		expect(twice.body.error.code).toBe('withdrawn');
		await call('post', '/summaries/{slug}/revise', {
			as: 'publisher',
			params: { slug },
			json: { ...request(), revision_note: 'Too late.' },
			expect: 409
		});
		const gone = await call('get', '/summaries/{slug}.json', { params: { slug }, expect: 410 });
		expect(gone.body.withdrawn.reason).toBe(reason);
		await call('get', '/summaries/{slug}/v{version}.json', {
			params: { slug, version: '1' },
			expect: 410
		});
		await call('get', '/summaries/{slug}.csv', { params: { slug }, expect: 410 });
		const list = await call('get', '/summaries', { as: 'admin', expect: 200 });
		const mine = list.body.summaries.find((s: { slug: string }) => s.slug === slug);
		expect(mine).toMatchObject({ version: 2, withdrawal: { reason } });
	});
});

describe('backups', () => {
	it('streams a backup as a tar to an admin, manifest last, and records what the command says of it', async () => {
		const res = await call('get', '/admin/backup', { as: 'admin', expect: 200 });
		const id = res.headers.get('x-backup-id') ?? '';
		expect(id).toMatch(/^bk-\d{8}-\d{6}-[0-9a-f]{6}$/);
		// The tar's last entry is the manifest (a header names it; the entries before are the files).
		const last = res.text.lastIndexOf('manifest.json\0');
		expect(last).toBeGreaterThan(res.text.lastIndexOf('.parquet\0'));
		expect(last).toBeGreaterThan(res.text.lastIndexOf('.csv.gz\0'));
		expect(res.text.slice(last)).toContain('"format": "stalking-dashboard-backup"');
		const ok = await call('post', '/admin/backup', {
			as: 'admin',
			json: { id, verified: true },
			expect: 200
		});
		expect(ok.body.backup).toMatchObject({ id, method: 'server', verified: true, problem: null });
		const unknown = { id: 'bk-20000101-000000-000000', verified: true };
		await call('post', '/admin/backup', { as: 'admin', json: unknown, expect: 404 });
		const bad = await call('post', '/admin/backup', {
			as: 'admin',
			json: { id, verified: 'yes' },
			expect: 400
		});
		expect(bad.body.error.code).toBe('bad_request');
	});
});

describe('the refusals every operation documents', () => {
	const PARAMS = {
		id: 'up999999',
		slug: 'no-such-summary',
		version: '1',
		name: 'no-such-mapping'
	};
	const signedIn = OPERATIONS.filter((o) => !isPublic(o));

	it('answers 401 JSON to every signed-in operation signed out, and to a bad token', async () => {
		for (const o of signedIn) {
			const res = await call(o.method, o.path, { as: 'signed out', params: PARAMS, expect: 401 });
			expect(res.body.error.code).toBe('unauthenticated');
			expect(res.headers.get('www-authenticate')).toBe('Bearer');
		}
		const bad = await call('get', '/metrics/monthly', { as: 'bad token', expect: 401 });
		expect(bad.body.error.code).toBe('invalid_token');
	});

	it('answers 403 JSON to a viewer on every operation that needs more than viewer', async () => {
		const above = signedIn.filter((o) => !o.op['x-roles'].includes('viewer'));
		expect(above.length).toBeGreaterThan(8);
		for (const o of above) {
			const res = await call(o.method, o.path, { as: 'viewer', params: PARAMS, expect: 403 });
			expect(res.body.error.code).toBe('forbidden');
		}
	});

	it('answers 403 JSON to a session that must change its password, on every signed-in operation', async () => {
		for (const o of signedIn) {
			const res = await call(o.method, o.path, {
				as: 'must-change session',
				params: PARAMS,
				expect: 403
			});
			expect(res.body.error.code).toBe('password_change_required');
		}
	});

	it('answers 413 JSON to a body over 1 MB on every POST but the upload', async () => {
		const posts = OPERATIONS.filter((o) => o.method === 'post' && o.path !== '/extracts');
		for (const o of posts) {
			const res = await call(o.method, o.path, {
				as: 'admin',
				params: PARAMS,
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ title: 'x'.repeat(1.1 * 1024 * 1024) }),
				expect: 413
			});
			expect(res.body.error.code).toBe('too_large');
		}
	});
});

describe('a server whose DUCKDB_MEMORY_LIMIT is too small for a load', () => {
	let small: TestServer;
	let token = '';
	beforeAll(async () => {
		small = await startServer({
			// Less than one block of DuckDB's CSV reader: any upload's rows cannot be read.
			env: { DUCKDB_MEMORY_LIMIT: '16MB' },
			setup: async (db) => {
				token = await userWithToken(db, 'analyst.small', 'analyst');
			}
		});
	}, 120_000);
	afterAll(async () => small?.stop());

	it('answers an upload with 503 out_of_memory, naming the setting, and keeps nothing', async () => {
		const res = await call('post', '/extracts', {
			at: { url: small.url, token },
			query: 'kind=crimes&filename=crimes-valid.csv',
			headers: { 'content-type': 'text/csv' },
			body: fixture('crimes-valid.csv'),
			expect: 503
		});
		expect(res.body.error.code).toBe('out_of_memory');
		expect(res.body.error.message).toContain('of crimes-valid.csv: it needed ');
		expect(res.body.error.message).toContain('Nothing was loaded and nothing changed.');
		expect(res.body.error.message).toContain('DUCKDB_MEMORY_LIMIT is 16MB: raise it');
		const uploads = await call('get', '/extracts', { at: { url: small.url, token }, expect: 200 });
		expect(uploads.body.uploads).toEqual([]);
	});
});

it('has produced every answer the document lists (nothing documented but untested)', () => {
	const missing = DOCUMENTED.filter((k) => !seen.has(k) && !(k in UNTRIGGERABLE));
	expect(missing).toEqual([]);
	for (const k of Object.keys(UNTRIGGERABLE)) expect(DOCUMENTED, k).toContain(k);
});
