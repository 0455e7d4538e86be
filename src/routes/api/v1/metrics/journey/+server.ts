// GET /api/v1/metrics/journey: the period's funnel from report to charge, and for orders.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { journey, journeyCsv, metricsResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(request, url, db, 'journey', (f) => journey(db, f), journeyCsv);
};
