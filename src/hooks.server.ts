// Every request: who is asking (session cookie or API token), may they open this route, headers.
import {
	error,
	redirect,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { startup } from '$lib/server/startup';
import { getDb } from '$lib/server/db';
import { apiError } from '$lib/server/http';
import { isUploadRoute, limitBody } from '$lib/server/body-limit';
import { log } from '$lib/server/log';
import { recordRequest } from '$lib/server/ops-metrics';
import { keptPage } from '$lib/server/page-cache';
import {
	apiRefusal,
	crossSiteRefusal,
	servedOverHttps,
	sessionCookieName,
	sessionCookieOptions,
	decide,
	isApiRoute,
	sessionUser,
	signInLocation,
	userFromToken,
	withSecurityHeaders,
	forbiddenPage,
	PASSWORD_CHANGE_PATH,
	type Decision
} from '$lib/server/auth';

export const init: ServerInit = async () => {
	await startup();
};

/** Requests from kit's client router (data loads, enhanced forms) expect JSON, not a page. */
function wantsJson(event: RequestEvent): boolean {
	return (
		event.isDataRequest ||
		(event.request.method === 'POST' &&
			(event.request.headers.get('accept') ?? '').includes('application/json'))
	);
}

function refusePage(event: RequestEvent, decision: Exclude<Decision, { kind: 'allow' }>): Response {
	const user = event.locals.user;
	if (decision.kind === 'forbidden') {
		if (wantsJson(event)) error(403, decision.message);
		return forbiddenPage(decision.message, user?.name ?? '');
	}
	const location = decision.kind === 'sign_in' ? signInLocation(event.url) : PASSWORD_CHANGE_PATH;
	// kit turns a thrown redirect into the JSON its client router understands.
	if (wantsJson(event)) redirect(303, location);
	return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}

export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await guarded({ event, resolve });
	recordRequest(event.request.method, event.route.id, response.status, performance.now() - started);
	log().info(
		{
			method: event.request.method,
			route: event.route.id,
			status: response.status,
			ms: Math.round(performance.now() - started),
			user: event.locals.user?.name ?? null
		},
		'request'
	);
	return response;
};

/** Unexpected errors: logged in full with an id; the person sees the id, not the internals. */
export const handleError: HandleServerError = ({ error: err, event, status, message }) => {
	// An address with no page is not a fault of the server: one line, no stack, nothing to quote.
	if (status === 404) {
		log().info({ status, path: event.url.pathname }, 'no such page');
		return { message };
	}
	const id = randomUUID();
	log().error({ id, status, route: event.route.id, err }, 'unexpected error');
	return { message: `${message} (reference ${id})`, code: id };
};

const guarded: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	const secure = (res: Response) => withSecurityHeaders(res, servedOverHttps(event.url));
	const routeId = event.route.id;
	const api = routeId ? isApiRoute(routeId) : event.url.pathname.startsWith('/api/');
	const { method, headers } = event.request;

	// Bodies: 1 MB before anything reads them, except the two upload routes (their own limit).
	if (!isUploadRoute(method, routeId, event.url)) {
		const limited = await limitBody(event.request, { api });
		if ('refused' in limited) return secure(limited.refused);
		event.request = limited.request;
	}

	const db = await getDb();
	const authorization = headers.get('authorization');
	if (api && authorization && /^bearer\s/i.test(authorization)) {
		// A token that does not work is refused outright rather than treated as signed out.
		const user = await userFromToken(db, authorization.replace(/^bearer\s+/i, '').trim());
		if (!user) {
			return secure(
				apiError(
					401,
					'invalid_token',
					'The API token is not valid: it is mistyped, revoked, or its user is disabled. Ask an admin for a new token.',
					[],
					{ 'www-authenticate': 'Bearer error="invalid_token"' }
				)
			);
		}
		event.locals.user = user;
	} else {
		const cookieName = sessionCookieName(event.url);
		const sessionId = event.cookies.get(cookieName);
		// A cookie-borne unsafe request must name this site as its Origin (token requests carry no
		// cookie authority). The one place this is checked; kit's form check stays on before it.
		const crossSite = crossSiteRefusal({
			method,
			origin: headers.get('origin'),
			siteOrigin: event.url.origin,
			cookieAuthority: sessionId !== undefined,
			api
		});
		if (crossSite) return secure(crossSite);
		if (sessionId) {
			event.locals.user = await sessionUser(db, sessionId);
			if (!event.locals.user) event.cookies.delete(cookieName, sessionCookieOptions(event.url));
		}
	}

	// No route matched: let kit answer 404 (with the headers below).
	if (routeId !== null) {
		const decision = decide(routeId, event.locals.user);
		if (decision.kind !== 'allow') {
			return secure(api ? apiRefusal(decision) : refusePage(event, decision));
		}
	}
	const response = secure(await keptPage(event, db, () => resolve(event)));
	// Signed-in answers hold OFFICIAL-SENSITIVE figures: kept in no cache, not even the browser's.
	if (event.locals.user && !response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'no-store');
	}
	return response;
};
