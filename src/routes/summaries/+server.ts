// GET /summaries: the public index of published summaries, newest first.
import { getDb } from '$lib/server/db';
import { serveIndex } from '$lib/server/publish/public';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request }) => serveIndex(await getDb(), request);
