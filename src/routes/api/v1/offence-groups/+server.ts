// GET /api/v1/offence-groups: the offence groups with their codes.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { jsonResponse, offenceGroups } from '$lib/server/metrics';

export const GET: RequestHandler = async () =>
	jsonResponse(async () => offenceGroups(await getDb()));
