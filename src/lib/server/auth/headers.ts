// Security headers every response carries, whatever produced it.

/**
 * For responses without kit's page CSP (API JSON, CSV, redirects, our own refusal pages): nothing
 * may load or run, and nothing may frame it.
 */
export const FALLBACK_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const HEADERS: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	// Older browsers ignore CSP frame-ancestors; this says the same to them.
	'x-frame-options': 'DENY'
};

export function withSecurityHeaders(response: Response): Response {
	let res = response;
	try {
		for (const [k, v] of Object.entries(HEADERS)) res.headers.set(k, v);
	} catch {
		// Some responses (e.g. from fetch or Response.redirect) have immutable headers: copy them.
		res = new Response(response.body, response);
		for (const [k, v] of Object.entries(HEADERS)) res.headers.set(k, v);
	}
	if (!res.headers.has('content-security-policy')) {
		res.headers.set('content-security-policy', FALLBACK_CSP);
	}
	return res;
}
