// POST /api/v1/summaries/<slug>/revise: publish version N+1 with a revision note (or ?preview=1).
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { composeSummary, readJson } from '$lib/server/publish/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, url, params, locals, getClientAddress }) =>
	answer(async () =>
		composeSummary(
			await getDb(),
			await readJson(request),
			{ name: locals.user?.name ?? 'unknown', address: getClientAddress() },
			{ preview: url.searchParams.get('preview') === '1', revise: params.slug }
		)
	);
