// GET /summaries/feed.xml: an Atom feed of publications and revisions.
import { getDb } from '$lib/server/db';
import { serveFeed } from '$lib/server/publish/public';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, url }) =>
	serveFeed(await getDb(), request, url.origin);
