// Every route in src/routes has an entry in the access table, and the table's rules hold.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeAccess } from '../../src/lib/server/auth/routes';

const ROUTES = path.resolve(import.meta.dirname, '../../src/routes');
const ROUTE_FILES = /^\+(page\.svelte|page\.server\.ts|page\.ts|server\.ts)$/;

/** Route ids as kit names them: the folder path under src/routes, groups included. */
function routeIds(dir = ROUTES, id = ''): string[] {
	const entries = fs.readdirSync(dir, { withFileTypes: true });
	const here = entries.some((e) => e.isFile() && ROUTE_FILES.test(e.name)) ? [id || '/'] : [];
	return here.concat(
		...entries
			.filter((e) => e.isDirectory())
			.map((e) => routeIds(path.join(dir, e.name), `${id}/${e.name}`))
	);
}

describe('route access table', () => {
	const ids = routeIds();

	it('finds the routes (the walk itself works)', () => {
		expect(ids).toContain('/login');
		expect(ids).toContain('/(app)/admin/users');
	});

	it('has an entry for every route in src/routes', () => {
		const missing = ids.filter((id) => !(id in routeAccess));
		expect(missing, `add these to routeAccess in src/lib/server/auth/routes.ts`).toEqual([]);
	});

	it('keeps published summaries and sign-in public, and nothing else', () => {
		for (const [id, access] of Object.entries(routeAccess)) {
			const shouldBePublic = id === '/login' || id === '/logout' || /^\/summaries(\/|$)/.test(id);
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
