// A first start with no users (the admin's one-time password on the console), throttling over
// HTTP, and the Secure cookie flag when the dashboard is served over https.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { formPost, sessionCookieOf } from './auth-http';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => server?.stop());

describe('first start', () => {
	let password = '';

	it('creates admin with a random password printed once, which must be changed', async () => {
		password = server.output().match(/password: {2}(\S+)/)?.[1] ?? '';
		expect(password).toMatch(/^[a-zA-Z2-9-]{23}$/);
		const res = await formPost(server.url, '/login', { name: 'admin', password });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/account/password');
	});

	it('throttles after 5 failures from an address: even the right password waits, and unknown names look the same', async () => {
		for (let i = 0; i < 5; i++) {
			const res = await formPost(server.url, '/login', {
				name: 'admin',
				password: `wrong-guess-${i}xx`
			});
			expect(res.status).toBe(400);
			expect(await res.text()).toContain('do not match an account that can sign in');
		}
		const right = await formPost(server.url, '/login', { name: 'admin', password });
		expect(right.status).toBe(429);
		expect(sessionCookieOf(right)).toBeUndefined();
		const text = await right.text();
		expect(text).toMatch(/Too many failed sign-in attempts .* Wait \d+ seconds/);
		// A name that does not exist is answered the same way, after its own 5 failures from here
		// (each name counts per address; another address is not held up for admin).
		for (let i = 0; i < 5; i++) {
			const res = await formPost(server.url, '/login', {
				name: 'ghost',
				password: `wrong-guess-${i}xx`
			});
			expect(res.status).toBe(400);
			expect(await res.text()).toContain('do not match an account that can sign in');
		}
		const ghost = await formPost(server.url, '/login', { name: 'ghost', password });
		expect(ghost.status).toBe(429);
		expect(await ghost.text()).toMatch(/Too many failed sign-in attempts .* Wait \d+ seconds/);
	});
});

describe('over https', () => {
	let https: TestServer;
	beforeAll(async () => {
		https = await startServer({ env: { ORIGIN: 'https://dashboard.example' } });
	});
	afterAll(async () => https?.stop());

	it('marks the session cookie Secure, under the __Host- prefix', async () => {
		const password = https.output().match(/password: {2}(\S+)/)?.[1] ?? '';
		const res = await formPost(
			https.url,
			'/login',
			{ name: 'admin', password },
			undefined,
			'https://dashboard.example'
		);
		expect(res.status).toBe(303);
		const set = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
		expect(set).toMatch(/;\s*Secure/i);
		expect(set).toMatch(/HttpOnly/i);
	});
});
