// The routes as the source declares them, read from src/routes (not from the access table under
// test): each route id and the requests it answers, so tables of expectations can be checked whole.
import fs from 'node:fs';
import path from 'node:path';

const ROUTES = path.resolve(import.meta.dirname, '../../src/routes');
const ROUTE_FILES = /^\+(page\.svelte|page\.server\.ts|page\.ts|server\.ts)$/;

/** Route ids as kit names them: the folder path under src/routes, groups included. */
export function routeIds(dir = ROUTES, id = ''): string[] {
	const entries = fs.readdirSync(dir, { withFileTypes: true });
	const here = entries.some((e) => e.isFile() && ROUTE_FILES.test(e.name)) ? [id || '/'] : [];
	return here.concat(
		...entries
			.filter((e) => e.isDirectory())
			.map((e) => routeIds(path.join(dir, e.name), `${id}/${e.name}`))
	);
}

/**
 * The requests a route answers: 'GET' for a page, 'POST' for a default form action, 'POST ?/name'
 * for a named one, and each method a +server.ts exports.
 */
export function routeRequests(id: string): string[] {
	const dir = path.join(ROUTES, id === '/' ? '' : id);
	const read = (f: string) =>
		fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : null;
	const requests: string[] = [];
	if (['+page.svelte', '+page.server.ts', '+page.ts'].some((f) => read(f) !== null)) {
		requests.push('GET');
	}
	const actions = read('+page.server.ts')?.match(/export const actions[^=]*=\s*\{([\s\S]*?)\n\};/);
	for (const [, name] of actions?.[1].matchAll(/^\t(\w+):/gm) ?? []) {
		requests.push(name === 'default' ? 'POST' : `POST ?/${name}`);
	}
	for (const [, method] of read('+server.ts')?.matchAll(
		/^export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/gm
	) ?? []) {
		if (!requests.includes(method)) requests.push(method);
	}
	return requests.sort();
}
