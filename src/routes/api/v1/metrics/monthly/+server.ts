// GET /api/v1/metrics/monthly: recorded, arrests, charges and rates per month, with totals.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { monthly, monthlyCsv, metricsResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(request, url, db, 'monthly', (f) => monthly(db, f), monthlyCsv);
};
