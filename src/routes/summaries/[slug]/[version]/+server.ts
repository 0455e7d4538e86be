// GET /summaries/<slug>/v<N>[.json|.csv]: one version, readable after it is superseded.
import { getDb } from '$lib/server/db';
import { serveSummary } from '$lib/server/publish/public';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, params }) =>
	serveSummary(await getDb(), request, params.slug, params.version);
