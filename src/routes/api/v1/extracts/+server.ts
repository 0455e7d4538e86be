// Upload an extract (POST; streamed progress when asked for NDJSON) and list the upload history
// (GET): thin over lib/server/extracts/api.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { readConfig } from '$lib/server/config';
import {
	answer,
	getExtracts,
	postExtract,
	postExtractStreamed,
	wantsProgress
} from '$lib/server/extracts/api';

export const POST: RequestHandler = async ({ request, url, locals, getClientAddress }) =>
	answer(async () =>
		(wantsProgress(request) ? postExtractStreamed : postExtract)(
			await getDb(),
			readConfig(),
			request,
			url,
			{ user: locals.user?.name ?? 'unknown', address: getClientAddress() }
		)
	);

export const GET: RequestHandler = async ({ url }) =>
	answer(async () => getExtracts(await getDb(), url));
