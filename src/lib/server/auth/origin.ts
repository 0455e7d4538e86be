// Cross-site requests carried by the session cookie: refused unless the browser says they came from
// this site. Kit's own check covers form content types only; a sibling subdomain is "same site", so
// the SameSite=Lax cookie alone would let its pages POST here with any other content type.
import { apiError } from '../http';

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginCheck {
	method: string;
	/** The request's Origin header, or null when it sent none. */
	origin: string | null;
	/** This site's origin as kit computes it from ORIGIN (event.url.origin). */
	siteOrigin: string;
	/** The request carries the session cookie (and no bearer token). */
	cookieAuthority: boolean;
	/** /api/**: refuse in the API's JSON shape. */
	api: boolean;
}

export const CROSS_SITE_MESSAGE =
	'This request was refused because it did not come from a page of this site (its Origin header is missing or names another site). Use the dashboard itself, or send a personal API token as "Authorization: Bearer <token>".';

/**
 * The 403 for an unsafe request that relies on the session cookie and does not carry this site's
 * own Origin; null when it may go on. Bearer-token requests have no cookie authority and pass.
 */
export function crossSiteRefusal(check: OriginCheck): Response | null {
	if (!UNSAFE_METHODS.has(check.method.toUpperCase()) || !check.cookieAuthority) return null;
	if (check.origin === check.siteOrigin) return null;
	if (check.api) return apiError(403, 'cross_site', CROSS_SITE_MESSAGE);
	return new Response(CROSS_SITE_MESSAGE, {
		status: 403,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}
