// GET /api/v1/openapi.json (public): the OpenAPI 3.1 description of the API (lib/server/openapi.ts).
import { openApiDocument } from '$lib/server/openapi';
import type { RequestHandler } from './$types';

const body = JSON.stringify(openApiDocument);

export const GET: RequestHandler = () =>
	new Response(body, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'public, max-age=300'
		}
	});
