// GET /api/v1/metrics/training: coverage at month ends, by role and area (extra parameter `role`).
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { metricsResponse, parseRoles, training, trainingCsv } from '$lib/server/metrics';

export const GET: RequestHandler = async ({ request, url }) => {
	const db = await getDb();
	return metricsResponse(
		request,
		url,
		db,
		'training',
		(f) => training(db, { ...f, role: parseRoles(url.searchParams.get('role')) }),
		trainingCsv
	);
};
