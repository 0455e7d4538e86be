// GET /metrics over the real server: Prometheus text for admins (session or token), refused to
// everyone else, counting requests by route id and uploads by kind and outcome.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { startServer, type TestServer } from '../helpers/server';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/extracts');

describe('operators’ metrics', () => {
	let server: TestServer;
	const tokens: Record<string, string> = {};

	beforeAll(async () => {
		server = await startServer({
			setup: async (db) => {
				for (const [name, roles] of [
					['ada.admin', ['admin']],
					['ana.lyst', ['analyst']]
				] as const) {
					await createUser(db, {
						name,
						roles: [...roles],
						password: 'correct horse battery staple',
						mustChangePassword: false,
						actor: 'test'
					});
					tokens[name] = (
						await createToken(db, { userName: name, label: 'e2e', actor: 'test' })
					).token;
				}
			}
		});
	});
	afterAll(async () => server?.stop());

	const get = (pathname: string, as?: string) =>
		fetch(server.url + pathname, {
			headers: as ? { authorization: `Bearer ${tokens[as]}` } : {}
		});

	/** The value of one series in Prometheus text, or 0 when it is not there yet. */
	function value(text: string, series: string): number {
		const line = text.split('\n').find((l) => l.startsWith(`${series} `));
		return line ? Number(line.slice(series.length + 1)) : 0;
	}

	it('refuses anyone but an admin, in the API’s JSON shape', async () => {
		const anonymous = await get('/metrics');
		expect(anonymous.status).toBe(401);
		expect((await anonymous.json()).error.code).toBe('unauthenticated');
		const analyst = await get('/metrics', 'ana.lyst');
		expect(analyst.status).toBe(403);
	});

	it('counts requests by route id and uploads by kind and outcome', async () => {
		const before = await (await get('/metrics', 'ada.admin')).text();
		// Three requests to one route with three different URLs: one series, by route id.
		for (const q of ['', '?from=2023-01', '?to=2023-02']) {
			expect((await get(`/api/v1/areas${q}`, 'ana.lyst')).status).toBe(200);
		}
		// One upload loaded, one refused (a header that is no kind of extract).
		const post = (body: string) =>
			fetch(`${server.url}/api/v1/extracts?kind=arrests&mode=merge`, {
				method: 'POST',
				headers: { authorization: `Bearer ${tokens['ana.lyst']}`, 'content-type': 'text/csv' },
				body
			});
		expect(
			(await post(fs.readFileSync(path.join(fixtures, 'arrests-valid.csv'), 'utf8'))).status
		).toBe(201);
		// (A header of no kind is refused as unsupported content: 415.)
		expect((await post('not,an,arrests,header\n1,2,3,4\n')).status).toBe(415);

		const res = await get('/metrics', 'ada.admin');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		const text = await res.text();
		const areas = 'dashboard_http_requests_total{method="GET",route="/api/v1/areas",status="200"}';
		expect(value(text, areas) - value(before, areas)).toBe(3);
		const loaded = 'dashboard_uploads_total{kind="arrests",outcome="loaded"}';
		expect(value(text, loaded) - value(before, loaded)).toBe(1);
		// The refusal is counted under its error code, whatever that code is called.
		const refused = text
			.split('\n')
			.filter(
				(l) =>
					l.startsWith('dashboard_uploads_total{kind="arrests",outcome="') && !l.includes('loaded')
			);
		expect(refused).toHaveLength(1);
		expect(Number(refused[0].split(' ').pop())).toBe(1);
		expect(text).toMatch(
			/^dashboard_upload_duration_seconds_count\{kind="arrests",outcome="loaded"\} 1$/m
		);
		// The process's own figures come with it.
		expect(text).toMatch(/^dashboard_process_resident_memory_bytes \d+/m);
	});
});
