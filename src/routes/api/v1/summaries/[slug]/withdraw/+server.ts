// POST /api/v1/summaries/<slug>/withdraw {"reason": "..."}: hide it, leaving a notice (410).
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { readJson, withdrawSummary } from '$lib/server/publish/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, params, locals, getClientAddress }) =>
	answer(async () =>
		withdrawSummary(await getDb(), params.slug, await readJson(request), {
			name: locals.user?.name ?? 'unknown',
			address: getClientAddress()
		})
	);
