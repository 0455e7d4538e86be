// Health over HTTP, signed out, as a service manager or load balancer asks: status and version only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => (server = await startServer()));
afterAll(async () => server?.stop());

describe('health endpoints', () => {
	it('answers /healthz with status and version, no sign-in, never cached', async () => {
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(await res.json()).toEqual({ status: 'ok', version: pkg.version });
	});

	it('answers /readyz 200 when the database is open, its schema current and the disk has room', async () => {
		const res = await fetch(`${server.url}/readyz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			status: 'ready',
			version: pkg.version,
			checks: { database: 'ok', migrations: 'ok', disk: 'ok' }
		});
	});

	it('answers an address with no page 404, and logs no server error for it', async () => {
		const before = server.output().length;
		const res = await fetch(`${server.url}/health`);
		expect(res.status).toBe(404);
		expect(await res.text()).not.toContain('reference');
		// The server logs at warn and above here: a 404 logged as an error (level 50) would show.
		await new Promise((r) => setTimeout(r, 200));
		expect(server.output().slice(before)).not.toMatch(/"level":50|unexpected error/);
	});
});
