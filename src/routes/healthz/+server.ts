// GET /healthz (public): the process answers. Status and version only, never data.
import { VERSION } from '$lib/server/health';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () =>
	new Response(JSON.stringify({ status: 'ok', version: VERSION }), {
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});
