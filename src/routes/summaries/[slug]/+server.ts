// GET /summaries/<slug>, <slug>.json, <slug>.csv: the latest version of a published summary.
import { getDb } from '$lib/server/db';
import { serveSummary } from '$lib/server/publish/public';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, params }) =>
	serveSummary(await getDb(), request, params.slug);
