// Column mappings over HTTP on a real server: saving versions, listing and reading them, an upload
// read through a mapping by query or by the page's multipart form fields, the version its report
// and its page name, and unknown mappings or versions refused by name with nothing loaded.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { startServer, type TestServer } from '../helpers/server';
import { NICHE_MAPPING, NICHE_VALUES } from '../fixtures/mappings/niche-mapping';
import { PW, signIn } from './auth-http';

const niche = fs.readFileSync(
	path.resolve(import.meta.dirname, '../fixtures/mappings/niche-crimes.csv')
);
const NAME = 'Niche crimes export';
/** The mapping without "Not recorded" (a first version), or with it mapped to `notRecorded`. */
const mapping = (notRecorded?: string) => {
	const { relationship } = NICHE_VALUES;
	return {
		...NICHE_MAPPING,
		name: NAME,
		values: {
			...NICHE_VALUES,
			relationship: {
				'Former partner': relationship['Former partner'],
				'Partner/Spouse': relationship['Partner/Spouse'],
				...(notRecorded ? { 'Not recorded': notRecorded } : {})
			}
		}
	};
};

let server: TestServer;
let token = '';
let cookie = '';

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			await createUser(db, {
				name: 'ana.map',
				roles: ['analyst'],
				password: PW,
				mustChangePassword: false,
				actor: 'test'
			});
			token = (await createToken(db, { userName: 'ana.map', actor: 'test' })).token;
		}
	});
	cookie = await signIn(server.url, 'ana.map');
});
afterAll(async () => server?.stop());

const api = (p: string, init: RequestInit = {}) =>
	fetch(server.url + p, {
		...init,
		headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) }
	});
const postJson = (p: string, body: unknown) =>
	api(p, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
const uploadCsv = (query: string) =>
	api(`/api/v1/extracts?${query}`, {
		method: 'POST',
		headers: { 'content-type': 'text/csv' },
		body: niche
	});
const uploadIds = async () =>
	((await (await api('/api/v1/extracts')).json()).uploads as { id: string }[]).map((u) => u.id);

describe('mappings over HTTP', () => {
	it('saves version 1 and version 2 (201), lists the latest and reads one with its versions', async () => {
		const v1 = await postJson('/api/v1/mappings', mapping());
		expect(v1.status).toBe(201);
		expect((await v1.json()).mapping).toMatchObject({ name: NAME, version: 1, kind: 'crimes' });
		const v2 = await postJson('/api/v1/mappings', mapping('unknown'));
		expect(v2.status).toBe(201);
		const saved = (await v2.json()).mapping;
		expect(saved).toMatchObject({ name: NAME, version: 2, created_by: 'ana.map' });
		expect(saved.values.relationship['Not recorded']).toBe('unknown');

		const list = await (await api('/api/v1/mappings')).json();
		expect(
			list.mappings.map((m: { name: string; version: number }) => [m.name, m.version])
		).toEqual([[NAME, 2]]);
		const one = await api(`/api/v1/mappings/${encodeURIComponent(NAME)}`);
		expect(one.status).toBe(200);
		const body = await one.json();
		expect(body.mapping.version).toBe(2);
		expect(body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
		expect((await api('/api/v1/mappings/Connect%20crimes')).status).toBe(404);
	});

	it('refuses a mapping with a required column unmapped, by field, and saves nothing', async () => {
		const bad = mapping('unknown');
		bad.columns['HO Code'] = null;
		const res = await postJson('/api/v1/mappings', bad);
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.code).toBe('invalid_mapping');
		expect(error.details).toEqual([
			{
				field: 'columns',
				message: 'offence_code is required in the crimes extract: map a column of the file to it'
			}
		]);
		const one = await (await api(`/api/v1/mappings/${encodeURIComponent(NAME)}`)).json();
		expect(one.versions).toHaveLength(2);
	});

	it('refuses an unknown mapping or version by name, loading nothing', async () => {
		const unknown = await uploadCsv('mapping=Connect%20crimes');
		expect(unknown.status).toBe(400);
		const a = (await unknown.json()).error;
		expect(a.code).toBe('bad_parameter');
		expect(a.message).toContain('There is no mapping named "Connect crimes".');
		expect(a.details[0]).toMatchObject({ parameter: 'mapping', value: 'Connect crimes' });
		const noVersion = await uploadCsv(`mapping=${encodeURIComponent(NAME)}&mapping_version=9`);
		expect(noVersion.status).toBe(400);
		expect((await noVersion.json()).error.message).toBe(
			`Mapping "${NAME}" has no version 9; its versions are 1 to 2. Nothing was loaded.`
		);
		const versionAlone = await uploadCsv('mapping_version=1');
		expect(versionAlone.status).toBe(400);
		expect((await versionAlone.json()).error.details[0].parameter).toBe('mapping_version');
		expect(await uploadIds()).toEqual([]);
	});

	let first = '';
	it('loads the export through mapping=NAME (the latest, version 2): 6 rows, the report names it', async () => {
		const res = await uploadCsv(`mapping=${encodeURIComponent(NAME)}&filename=niche-crimes.csv`);
		expect(res.status).toBe(201);
		const { upload } = await res.json();
		expect(upload).toMatchObject({ kind: 'crimes', rows: 6, inserted: 6 });
		expect(upload.report.mapping).toEqual({ name: NAME, version: 2 });
		first = upload.id;
		// Its page says which mapping, in one line.
		const page = await fetch(`${server.url}/extracts/${first}`, {
			headers: { cookie, accept: 'text/html' }
		});
		expect(page.status).toBe(200);
		expect(await page.text()).toMatch(
			/<dt[^>]*>Mapping<\/dt>\s*<dd[^>]*>\s*"Niche crimes export", version 2\s*<\/dd>/
		);
	});

	it("takes mapping and mapping_version as the page's form fields: version 1 refuses line 6's value", async () => {
		// The same file would be "already loaded" while the first upload is active.
		const back = await api(`/api/v1/extracts/${first}/rollback`, { method: 'POST' });
		expect(back.status).toBe(200);
		const form = new FormData();
		form.append('file', new Blob([niche], { type: 'text/csv' }), 'niche-crimes.csv');
		form.append('mapping', NAME);
		form.append('mapping_version', '1');
		const res = await api('/api/v1/extracts', {
			method: 'POST',
			headers: { origin: server.url },
			body: form
		});
		expect(res.status).toBe(422);
		const body = await res.json();
		expect(body.report.mapping).toEqual({ name: NAME, version: 1 });
		// Version 1 has no value for "Not recorded" (line 6).
		expect(
			body.error.details.map((d: { line: number; column: string }) => [d.line, d.column])
		).toEqual([[6, 'relationship']]);
		expect(await uploadIds()).toEqual([first]);
	});
});
