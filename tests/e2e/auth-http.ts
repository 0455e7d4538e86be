// Small HTTP helpers for the accounts end-to-end tests: sign in over a real form POST, keep the cookie.
import { expect } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import type { Db } from '../../src/lib/server/db';

export const PW = 'quiet-lantern-42';

/** A user with one role and the password PW (no change asked). */
export async function userWithRole(db: Db, name: string, role: string): Promise<void> {
	await createUser(db, {
		name,
		roles: [role],
		password: PW,
		mustChangePassword: false,
		actor: 'test'
	});
}

/** A user with one role and the password PW (no change asked), and an API token of theirs. */
export async function userWithToken(db: Db, name: string, role: string): Promise<string> {
	await userWithRole(db, name, role);
	return (await createToken(db, { userName: name, label: 'e2e', actor: 'test' })).token;
}

/** A form POST as a same-origin browser sends it (kit refuses cross-site form posts). */
export function formPost(
	url: string,
	path: string,
	fields: Record<string, string>,
	cookie?: string,
	origin = url
): Promise<Response> {
	return fetch(url + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin,
			// As a browser without JavaScript: kit answers */* form posts with JSON for its client.
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie ? { cookie } : {})
		},
		body: new URLSearchParams(fields)
	});
}

export function sessionCookieOf(res: Response): string | undefined {
	const set = res.headers.getSetCookie().find((c) => c.startsWith('session='));
	return set?.split(';')[0];
}

/** Sign in through /login and return the `session=…` cookie to send. */
export async function signIn(url: string, name: string, password = PW): Promise<string> {
	const res = await formPost(url, '/login', { name, password });
	expect(res.status, `signing in as ${name}`).toBe(303);
	const cookie = sessionCookieOf(res);
	expect(cookie, `a session cookie for ${name}`).toBeTruthy();
	return cookie!;
}

export function get(url: string, path: string, headers: Record<string, string> = {}) {
	return fetch(url + path, { redirect: 'manual', headers });
}
