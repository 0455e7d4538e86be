// GET /readyz (public): 200 when the dashboard can serve (database open, schema current, disk room
// for an upload), else 503 saying which check failed. No data.
import { readConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { readiness } from '$lib/server/health';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const db = await getDb().catch(() => null);
	const r = await readiness(db, readConfig());
	return new Response(JSON.stringify(r), {
		status: r.status === 'ready' ? 200 : 503,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});
};
