// Saved column mappings: the latest of each (GET), save a new version (POST). Thin over
// lib/server/extracts/mappings-api.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { getMappings, postMapping } from '$lib/server/extracts/mappings-api';

export const GET: RequestHandler = async () => answer(async () => getMappings(await getDb()));

export const POST: RequestHandler = async ({ request, locals, getClientAddress }) =>
	answer(async () =>
		postMapping(await getDb(), request, {
			user: locals.user?.name ?? 'unknown',
			address: getClientAddress()
		})
	);
