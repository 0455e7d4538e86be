// GET /api/v1/metrics/outcomes: crimes recorded per month by outcome group.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { outcomes, outcomesCsv, metricsResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(request, url, db, 'outcomes', (f) => outcomes(db, f), outcomesCsv);
};
