// GET /api/v1/metrics/identification: stalking identified at first contact, per month.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { identification, identificationCsv, metricsResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(
		request,
		url,
		db,
		'identification',
		(f) => identification(db, f),
		identificationCsv
	);
};
