// GET /api/v1/metrics/spc?metric=recorded|arrests|charges: XmR limits and signals, with a summary.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { metricsResponse, parseSpcMetric, spc, spcCsv } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(
		request,
		url,
		db,
		'spc',
		(f) => spc(db, f, parseSpcMetric(url.searchParams.get('metric'))),
		spcCsv
	);
};
