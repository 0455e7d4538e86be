// Applying the route table: who may open a route, and what a refusal looks like.
import { HttpError, apiError } from '../http';
import { routeAccess, ROLES, type Access, type Role } from './routes';

/** The fields of `event.locals.user` the guard needs. */
export interface GuardUser {
	name: string;
	roles: readonly string[];
	mustChangePassword: boolean;
}

/** Routes a user with a pending password change may still open (to change it or sign out). */
export const PASSWORD_CHANGE_ROUTES = new Set(['/account/password', '/logout', '/login']);
export const PASSWORD_CHANGE_PATH = '/account/password';

export type Decision =
	| { kind: 'allow' }
	/** Not signed in: pages go to /login, the API answers 401. */
	| { kind: 'sign_in' }
	/** Signed in, but the password must be changed before anything else. */
	| { kind: 'change_password' }
	/** Signed in without a role the route needs (or the route is missing from the table). */
	| { kind: 'forbidden'; message: string };

export function isApiRoute(routeId: string): boolean {
	// /metrics is for a Prometheus scraper: a machine, so bearer tokens and JSON refusals, as the API.
	return routeId === '/api' || routeId.startsWith('/api/') || routeId === '/metrics';
}

export function hasAccess(access: Access, roles: readonly string[]): boolean {
	if (access === 'public' || access === 'signed_in') return true;
	return access.some((role) => roles.includes(role));
}

function describe(access: readonly Role[]): string {
	const names = access.filter((r) => r !== 'admin');
	return names.length ? `the ${names.join(' or ')} role (or admin)` : 'the admin role';
}

/**
 * The decision for a request to `routeId` by `user` (null: signed out). A route missing from the
 * table is refused to everyone, so a forgotten entry fails closed and the route test names it.
 */
export function decide(routeId: string, user: GuardUser | null): Decision {
	const access = routeAccess[routeId];
	if (access === 'public') return { kind: 'allow' };
	if (!user) return { kind: 'sign_in' };
	if (user.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(routeId)) {
		return { kind: 'change_password' };
	}
	if (access === undefined) {
		return {
			kind: 'forbidden',
			message: `The route ${routeId} has no entry in the access table (src/lib/server/auth/routes.ts), so nobody may open it.`
		};
	}
	if (!hasAccess(access, user.roles)) {
		return {
			kind: 'forbidden',
			message: `This needs ${describe(access as readonly Role[])}; your account does not have it. Ask an admin if you need access.`
		};
	}
	return { kind: 'allow' };
}

/**
 * Where to send someone after sign-in: a path on this site only. `next` is resolved against the
 * site's own origin (kit's url, from ORIGIN) and kept only when that origin is unchanged; control
 * characters (a tab or newline that a browser drops, turning `/\t/evil` into `//evil`) and
 * backslashes (read as `/` by browsers) refuse it anywhere. Anything refused goes to the overview.
 */
export function safeNext(next: string | null | undefined, origin: string | URL): string {
	if (!next || next.length > 2048 || !next.startsWith('/')) return '/';
	// C0 controls, DEL, C1 controls, and the backslash.
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f-\u009f\\]/.test(next)) return '/';
	const base = new URL(origin);
	let url: URL;
	try {
		url = new URL(next, base);
	} catch {
		return '/';
	}
	if (url.origin !== base.origin) return '/';
	return url.pathname + url.search + url.hash;
}

/** `/login?next=<the page asked for>`. */
export function signInLocation(url: URL): string {
	const next = url.pathname + url.search;
	return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** The 401/403 JSON response the API gives for a refusal (api.md error shape). */
export function apiRefusal(decision: Exclude<Decision, { kind: 'allow' }>): Response {
	switch (decision.kind) {
		case 'sign_in':
			return apiError(
				401,
				'unauthenticated',
				'Sign in, or send a personal API token as "Authorization: Bearer <token>".',
				[],
				{ 'www-authenticate': 'Bearer' }
			);
		case 'change_password':
			return apiError(
				403,
				'password_change_required',
				`Change your password at ${PASSWORD_CHANGE_PATH} before using the API with this session.`
			);
		case 'forbidden':
			return apiError(403, 'forbidden', decision.message);
	}
}

/**
 * Defence in depth for endpoints: the user if they hold one of `roles`, else throws an HttpError
 * (401 signed out, 403 wrong role) that the endpoint returns with `err.toResponse()`.
 */
export function requireRole(
	locals: { user: GuardUser | null },
	roles: readonly Role[] | Role
): GuardUser {
	const list = typeof roles === 'string' ? [roles] : roles;
	const user = locals.user;
	if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in or send an API token.');
	if (!hasAccess(list, user.roles)) {
		throw new HttpError(403, 'forbidden', `This needs ${describe(list)}.`);
	}
	return user;
}

/** Like requireRole, but returns the refusal Response (or null) for a one-line guard. */
export function refusal(
	locals: { user: GuardUser | null },
	roles: readonly Role[] | Role
): Response | null {
	try {
		requireRole(locals, roles);
		return null;
	} catch (err) {
		return (err as HttpError).toResponse();
	}
}

export { ROLES };

function escapeHtml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string
	);
}

/** The page a signed-in user sees for a page their roles do not open (plain HTML, no script). */
export function forbiddenPage(message: string, userName: string): Response {
	const html = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not allowed – Stalking performance dashboard</title></head>
<body>
<main>
<h1>You cannot open this page</h1>
<p>${escapeHtml(message)}</p>
<p>You are signed in as <strong>${escapeHtml(userName)}</strong>.</p>
<p><a href="/">Go to the overview</a></p>
<form method="POST" action="/logout"><button type="submit">Sign out</button></form>
</main>
</body>
</html>`;
	return new Response(html, {
		status: 403,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
	});
}
