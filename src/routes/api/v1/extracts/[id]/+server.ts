// One upload with its validation report (?format=csv for the report as CSV).
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { answer, getExtract } from '$lib/server/extracts/api';

export const GET: RequestHandler = async ({ params, url }) =>
	answer(async () => getExtract(await getDb(), params.id, url));
