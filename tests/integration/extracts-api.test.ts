// The extracts endpoints' logic over real Request/Response objects and a real DuckDB file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	answer,
	getExtract,
	getExtractFile,
	getExtracts,
	postExtract,
	setExtractActive
} from '../../src/lib/server/extracts/api';

const FIX = path.resolve(import.meta.dirname, '../fixtures/extracts');
let dir: string;
let db: Db;
let config: Config;
const caller = { user: 'analyst1', address: '127.0.0.1' };

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'extracts-api-'));
	db = await openDb(path.join(dir, 'api.duckdb'));
	config = {
		databasePath: '',
		dataDir: dir,
		maxUploadBytes: 4096,
		sampleData: false,
		logLevel: 'silent'
	};
});
afterAll(async () => {
	await db.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

const post = (query: string, body: BodyInit, type: string) => {
	const url = new URL(`http://x/api/v1/extracts${query}`);
	const request = new Request(url, { method: 'POST', body, headers: { 'content-type': type } });
	return answer(() => postExtract(db, config, request, url, caller));
};

describe('extracts API', () => {
	it('loads a text/csv body: 201 with the upload, kind detected from the header', async () => {
		const res = await post(
			'?mode=replace&filename=crimes.csv',
			fs.readFileSync(path.join(FIX, 'crimes-valid.csv')),
			'text/csv'
		);
		expect(res.status).toBe(201);
		const { upload } = await res.json();
		expect(upload).toMatchObject({
			kind: 'crimes',
			mode: 'replace',
			rows: 3,
			inserted: 3,
			replaced: 0,
			uploaded_by: 'analyst1',
			file_name: 'crimes.csv'
		});
		expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
	});

	it('loads a multipart upload from its file field', async () => {
		const form = new FormData();
		form.set(
			'file',
			new Blob([fs.readFileSync(path.join(FIX, 'arrests-valid.csv'))]),
			'arrests.csv'
		);
		const url = new URL('http://x/api/v1/extracts?kind=arrests');
		const request = new Request(url, { method: 'POST', body: form });
		const res = await answer(() => postExtract(db, config, request, url, caller));
		expect(res.status).toBe(201);
		expect((await res.json()).upload).toMatchObject({
			kind: 'arrests',
			rows: 2,
			file_name: 'arrests.csv'
		});
	});

	it('answers 422 with line-level details for an invalid extract', async () => {
		const res = await post('', fs.readFileSync(path.join(FIX, 'crimes-errors.csv')), 'text/csv');
		expect(res.status).toBe(422);
		const body = await res.json();
		expect(body.error.code).toBe('invalid_extract');
		expect(body.error.details[0]).toMatchObject({
			line: 2,
			column: 'recorded_date',
			value: '12/13/2023'
		});
	});

	it('answers 413 while streaming a body over MAX_UPLOAD_MB, and 400 for an unknown kind', async () => {
		const big = 'crime_ref\n' + 'CR-1\n'.repeat(2000);
		const stream = new Blob([big]).stream();
		const url = new URL('http://x/api/v1/extracts');
		const request = new Request(url, {
			method: 'POST',
			body: stream,
			headers: { 'content-type': 'text/csv' },
			duplex: 'half'
		} as RequestInit);
		const res = await answer(() => postExtract(db, config, request, url, caller));
		expect(res.status).toBe(413);
		expect((await res.json()).error.code).toBe('too_large');
		const bad = await post('?kind=crime', 'x', 'text/csv');
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.message).toMatch(/kind "crime" is not a kind/);
	});

	it('lists, shows, downloads, rolls back and restores an upload', async () => {
		const list = await (await getExtracts(db, new URL('http://x/api/v1/extracts'))).json();
		const crimes = list.uploads.find((u: { kind: string }) => u.kind === 'crimes');
		expect(list.uploads[0].kind).toBe('arrests');

		const one = await getExtract(db, crimes.id, new URL('http://x'));
		expect((await one.json()).upload.report.rows).toBe(3);
		const csv = await getExtract(db, crimes.id, new URL('http://x?format=csv'));
		expect(csv.headers.get('content-type')).toContain('text/csv');

		const file = await getExtractFile(db, config, crimes.id);
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="crimes.csv"; filename*=UTF-8''crimes.csv`
		);
		expect(
			Buffer.from(await file.arrayBuffer()).equals(
				fs.readFileSync(path.join(FIX, 'crimes-valid.csv'))
			)
		).toBe(true);

		const rolled = await setExtractActive(db, crimes.id, false, caller);
		expect((await rolled.json()).upload.active).toBe(false);
		expect(await db.one('SELECT count(*)::INTEGER AS n FROM crimes')).toEqual({ n: 0 });
		const again = await answer(() => setExtractActive(db, crimes.id, false, caller));
		expect(again.status).toBe(409);
		await setExtractActive(db, crimes.id, true, caller);
		expect(await db.one('SELECT count(*)::INTEGER AS n FROM crimes')).toEqual({ n: 3 });
		const missing = await answer(() => getExtract(db, 'nope', new URL('http://x')));
		expect(missing.status).toBe(404);
	});
});
