// The mappings API (protocol.md "Mappings"): list the latest of each, one with its versions, save a
// new version. Plain functions over Request/Response, so the +server.ts files stay a few lines.
import type { Db } from '../db';
import { HttpError } from '../http';
import { getMapping, listMappings, mappingVersions, saveMapping } from './mappings';

const json = (body: unknown, status = 200) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});

/** GET /api/v1/mappings — the latest version of every saved mapping, by name. */
export async function getMappings(db: Db): Promise<Response> {
	return json({ mappings: await listMappings(db) });
}

/** GET /api/v1/mappings/<name> — its latest version and the list of every version. */
export async function getMappingByName(db: Db, name: string): Promise<Response> {
	const mapping = await getMapping(db, name);
	if (!mapping) {
		throw new HttpError(
			404,
			'not_found',
			`There is no mapping named "${name.slice(0, 80)}". GET /api/v1/mappings lists them.`
		);
	}
	return json({ mapping, versions: await mappingVersions(db, mapping.name) });
}

/** POST /api/v1/mappings — save the body as the next version of its name (201). */
export async function postMapping(
	db: Db,
	request: Request,
	caller: { user: string; address?: string }
): Promise<Response> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		throw new HttpError(
			400,
			'bad_request',
			'The request body must be JSON (Content-Type: application/json): {name, kind, header, columns, values}.'
		);
	}
	return json({ mapping: await saveMapping(db, body, caller) }, 201);
}
