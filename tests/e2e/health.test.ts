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
});
