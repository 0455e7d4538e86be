// One saved mapping: its latest version and every version's date and author.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { getMappingByName } from '$lib/server/extracts/mappings-api';

export const GET: RequestHandler = async ({ params }) =>
	answer(async () => getMappingByName(await getDb(), params.name));
