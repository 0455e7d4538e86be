// GET /api/v1/areas: every area named in the data.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { areas, jsonResponse } from '$lib/server/metrics';

export const GET: RequestHandler = async () => jsonResponse(async () => areas(await getDb()));
