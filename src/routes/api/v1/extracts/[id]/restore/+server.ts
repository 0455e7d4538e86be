// Undo a rollback: the upload is active again.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { answer, setExtractActive } from '$lib/server/extracts/api';

export const POST: RequestHandler = async ({ params, locals, getClientAddress }) =>
	answer(async () =>
		setExtractActive(await getDb(), params.id, true, {
			user: locals.user?.name ?? 'unknown',
			address: getClientAddress()
		})
	);
