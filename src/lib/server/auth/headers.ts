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

/** Over https only: a browser that has seen the site over TLS never tries plain http for a year. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** `https`: the site is served over https (ORIGIN https), so HSTS is sent too. */
export function withSecurityHeaders(response: Response, https = false): Response {
	const headers = https ? { ...HEADERS, 'strict-transport-security': HSTS } : HEADERS;
	let res = response;
	// The one framable page (the Publish page's preview, framed by this site only) says so itself.
	const framable = response.headers.get('x-frame-options') === 'SAMEORIGIN';
	const set = (r: Response) => {
		for (const [k, v] of Object.entries(headers)) {
			if (!(k === 'x-frame-options' && framable)) r.headers.set(k, v);
		}
	};
	try {
		set(res);
	} catch {
		// Some responses (e.g. from fetch or Response.redirect) have immutable headers: copy them.
		res = new Response(response.body, response);
		set(res);
	}
	if (!res.headers.has('content-security-policy')) {
		res.headers.set('content-security-policy', FALLBACK_CSP);
	}
	return res;
}
