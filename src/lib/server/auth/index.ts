// Accounts, roles, sessions, API tokens and the route guard: what the rest of the app calls.
export { ROLES, routeAccess, type Role, type Access } from './routes';
export { AuthError } from './errors';
export {
	createUser,
	getUser,
	listUsers,
	countUsers,
	setRoles,
	setDisabled,
	resetPassword,
	changePassword,
	checkRoles,
	normaliseName,
	type User,
	type NewUser,
	type Actor
} from './users';
export {
	passwordProblem,
	randomPassword,
	hashPassword,
	verifyPassword,
	MIN_PASSWORD_LENGTH
} from './passwords';
export { authenticate, SIGN_IN_REFUSED, type SignInResult } from './authenticate';
export {
	createSession,
	sessionUser,
	endSession,
	signOut,
	pruneSessions,
	sha256,
	SESSION_COOKIE,
	IDLE_TIMEOUT_MS,
	type SignedInUser
} from './sessions';
export { createToken, listTokens, revokeToken, userFromToken, type TokenInfo } from './tokens';
export {
	decide,
	hasAccess,
	requireRole,
	refusal,
	safeNext,
	signInLocation,
	apiRefusal,
	isApiRoute,
	forbiddenPage,
	PASSWORD_CHANGE_PATH,
	type Decision
} from './guard';
export { withSecurityHeaders, HSTS } from './headers';
export { servedOverHttps, sessionCookieName, sessionCookieOptions } from './cookie';
export { crossSiteRefusal, UNSAFE_METHODS } from './origin';
export { ensureFirstAdmin } from './first-admin';
export { THROTTLE, delayAfter } from './throttle';
