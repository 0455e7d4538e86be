// GET /api/v1/metrics/safeguarding: risk assessment, referrals, protective orders and recognition, per month.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { metricsResponse, safeguarding, safeguardingCsv } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(
		request,
		url,
		db,
		'safeguarding',
		(f) => safeguarding(db, f),
		safeguardingCsv
	);
};
