// GET /api/v1/metrics/reporting: recorded against estimated victims per financial year.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { reporting, reportingCsv, metricsResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(request, url, db, 'reporting', (f) => reporting(db, f), reportingCsv);
};
