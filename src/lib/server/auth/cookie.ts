// The session cookie's name and flags, from the site's own address (kit's url, from ORIGIN).
import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './sessions';

/** True when people reach the site over https (ORIGIN https), whatever the last hop was. */
export function servedOverHttps(url: URL): boolean {
	return url.protocol === 'https:';
}

/**
 * `__Host-session` over https: the prefix makes the browser insist on Secure, Path=/ and no Domain,
 * so a sibling subdomain cannot set or shadow it. Plain `session` over http://localhost, where a
 * browser would refuse a Secure cookie.
 */
export function sessionCookieName(url: URL): string {
	return servedOverHttps(url) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** The flags for setting and for deleting it (a `__Host-` cookie is only deleted with the same). */
export function sessionCookieOptions(url: URL): Parameters<Cookies['set']>[2] {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: servedOverHttps(url) };
}
