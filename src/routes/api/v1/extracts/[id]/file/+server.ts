// An upload's archived file (the contract's columns of the file as sent), decompressed.
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { readConfig } from '$lib/server/config';
import { answer, getExtractFile } from '$lib/server/extracts/api';

export const GET: RequestHandler = async ({ params }) =>
	answer(async () => getExtractFile(await getDb(), readConfig(), params.id));
