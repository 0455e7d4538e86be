// Who may open each route: one declarative table, checked by hooks.server.ts for every request.
// Keys are SvelteKit route ids (the folder path under src/routes). A test enumerates src/routes and
// fails when a route is missing here.

export const ROLES = ['viewer', 'analyst', 'publisher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** 'public': anyone, signed in or not. A list: any one of those roles (admin may do everything). */
export type Access = 'public' | 'signed_in' | readonly Role[];

const VIEW: readonly Role[] = ['viewer', 'analyst', 'publisher', 'admin'];
const ANALYST: readonly Role[] = ['analyst', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const PUBLISHER: readonly Role[] = ['publisher', 'admin'];

export const routeAccess: Record<string, Access> = {
	'/': VIEW,
	// Dashboard pages (issue 5).
	'/(app)/(dashboard)/overview': VIEW,
	'/(app)/(dashboard)/arrests-and-charges': VIEW,
	'/(app)/(dashboard)/under-reporting': VIEW,
	'/(app)/(dashboard)/training': VIEW,
	'/(app)/(dashboard)/areas': VIEW,
	'/(app)/(dashboard)/safeguarding': VIEW,
	// Accounts (sign-in is public; a pending password change allows only these three).
	// Health for a service manager or load balancer: status only, no data.
	'/healthz': 'public',
	'/readyz': 'public',
	// Operators' metrics (Prometheus text): request and upload counts and durations. Admins only,
	// by session or by an admin's API token (a scraper's).
	'/metrics': ADMIN,
	'/login': 'public',
	'/logout': 'public',
	'/account/password': 'signed_in',
	// Extracts pages (analysts): upload, history, rollback.
	'/(app)/extracts': ANALYST,
	'/(app)/extracts/[id]': ANALYST,
	// A refused upload's stored report (issue 12): paged, by rule, with its CSV.
	'/(app)/extracts/refused/[ref]': ANALYST,
	'/(app)/extracts/[id]/confirm': ANALYST,
	// Reference data and saved mappings (analysts, issue 12).
	'/(app)/reference': ANALYST,
	'/(app)/admin': ADMIN,
	'/(app)/admin/users': ADMIN,
	'/(app)/admin/tokens': ADMIN,
	'/(app)/admin/audit': ADMIN,
	'/(app)/admin/audit/export': ADMIN,
	'/(app)/admin/settings': ADMIN,
	// Publishing (issue 10): compose, preview, publish, revise, withdraw.
	'/(app)/publish': PUBLISHER,
	'/(app)/publish/preview/[id]': PUBLISHER,
	// Published summaries: the only public pages with figures, frozen and disclosure-controlled.
	'/summaries': 'public',
	'/summaries/feed.xml': 'public',
	'/summaries/accessibility': 'public',
	'/summaries/[slug]': 'public',
	'/summaries/[slug]/[version]': 'public',
	// Metrics API (issue 4).
	'/api/v1/metrics/monthly': VIEW,
	'/api/v1/metrics/outcomes': VIEW,
	'/api/v1/metrics/reporting': VIEW,
	'/api/v1/metrics/identification': VIEW,
	'/api/v1/metrics/training': VIEW,
	'/api/v1/metrics/spc': VIEW,
	'/api/v1/metrics/safeguarding': VIEW,
	'/api/v1/metrics/journey': VIEW,
	'/api/v1/areas': VIEW,
	'/api/v1/offence-groups': VIEW,
	'/api/v1/extracts': ANALYST,
	'/api/v1/extracts/[id]': ANALYST,
	'/api/v1/extracts/[id]/file': ANALYST,
	'/api/v1/extracts/[id]/rollback': ANALYST,
	'/api/v1/extracts/[id]/restore': ANALYST,
	'/api/v1/extracts/refused/[ref]': ANALYST,
	'/api/v1/extracts/templates/[kind].csv': ANALYST,
	// Column mappings for records systems' exports (issue 12).
	'/api/v1/mappings': ANALYST,
	'/api/v1/mappings/[name]': ANALYST,
	'/api/v1/summaries': PUBLISHER,
	'/api/v1/summaries/[slug]/withdraw': PUBLISHER,
	'/api/v1/summaries/[slug]/revise': PUBLISHER,
	// The API's OpenAPI description: no figures, so public (issue 14).
	'/api/v1/openapi.json': 'public',
	'/api/v1/admin/backup': ['admin']
};
