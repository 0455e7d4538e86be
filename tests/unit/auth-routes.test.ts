// Every route in src/routes has an entry in the access table, and the table's rules hold.
import { describe, expect, it } from 'vitest';
import { routeAccess } from '../../src/lib/server/auth/routes';
import { routeIds, routeRequests } from '../helpers/routes';

describe('route access table', () => {
	const ids = routeIds();

	it('finds the routes (the walk itself works)', () => {
		expect(ids).toContain('/login');
		expect(ids).toContain('/(app)/admin/users');
	});

	it('reads the requests each route answers from its files', () => {
		// src/routes/(app)/admin/users/+page.server.ts has load and five named actions.
		expect(routeRequests('/(app)/admin/users')).toEqual([
			'GET',
			'POST ?/create',
			'POST ?/disable',
			'POST ?/enable',
			'POST ?/reset',
			'POST ?/roles'
		]);
		// src/routes/api/v1/extracts/+server.ts exports POST and GET; logout has a default action.
		expect(routeRequests('/api/v1/extracts')).toEqual(['GET', 'POST']);
		expect(routeRequests('/logout')).toEqual(['GET', 'POST']);
	});

	it('has an entry for every route in src/routes', () => {
		const missing = ids.filter((id) => !(id in routeAccess));
		expect(missing, `add these to routeAccess in src/lib/server/auth/routes.ts`).toEqual([]);
	});

	it('keeps published summaries, sign-in, health and the API description public, and nothing else', () => {
		const open = ['/login', '/logout', '/healthz', '/readyz', '/api/v1/openapi.json'];
		for (const [id, access] of Object.entries(routeAccess)) {
			const shouldBePublic = open.includes(id) || /^\/summaries(\/|$)/.test(id);
			expect(access === 'public', id).toBe(shouldBePublic);
		}
	});

	it('opens admin pages to admins only, and extracts to analysts and admins', () => {
		for (const [id, access] of Object.entries(routeAccess)) {
			if (/^\/\(app\)\/admin(\/|$)/.test(id)) expect(access, id).toEqual(['admin']);
			if (/^\/api\/v1\/extracts(\/|$)/.test(id)) expect(access, id).toEqual(['analyst', 'admin']);
		}
	});

	it('gives admin every non-public route', () => {
		for (const [id, access] of Object.entries(routeAccess)) {
			if (Array.isArray(access)) expect(access, id).toContain('admin');
		}
	});
});
