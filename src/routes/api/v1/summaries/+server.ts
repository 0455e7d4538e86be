// POST /api/v1/summaries: compose and publish (or ?preview=1); GET: the summaries, for publishers.
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { composeSummary, listForPublishers, readJson } from '$lib/server/publish/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, url, locals, getClientAddress }) =>
	answer(async () =>
		composeSummary(
			await getDb(),
			await readJson(request),
			{ name: locals.user?.name ?? 'unknown', address: getClientAddress() },
			{ preview: url.searchParams.get('preview') === '1' }
		)
	);

export const GET: RequestHandler = async () => answer(async () => listForPublishers(await getDb()));
