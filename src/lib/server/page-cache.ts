// Signed-in dashboard pages kept until the data changes: the figures are already kept (metrics/cache.ts),
// but drawing a page's charts and tables on the server costs more than computing them, and it is the
// same page for the same person, address and data. Kept in this process's memory only; the answer
// still goes out with no-store (hooks.server.ts), so no browser or proxy keeps it.
import type { RequestEvent } from '@sveltejs/kit';
import type { Db } from './db';
import { londonToday } from '../dates';

/** Pages kept per data generation; the oldest go first beyond this. */
export const PAGE_ENTRIES = 300;

interface Kept {
	status: number;
	headers: [string, string][];
	body: ArrayBuffer;
}

let generation: { key: string; pages: Map<string, Promise<Kept | null>> } | undefined;

/** The dashboard pages (the (dashboard) group), as HTML or as kit's data for client navigation. */
function isDashboardPage(event: RequestEvent): boolean {
	return event.request.method === 'GET' && (event.route.id ?? '').startsWith('/(app)/(dashboard)/');
}

const rebuild = (k: Kept) =>
	new Response(k.body.slice(0), { status: k.status, headers: k.headers });

/**
 * The page from memory when this person has seen it at this address since the data last changed,
 * else `render()`'s answer, kept when it is a plain 200 (no cookie set, nothing streamed on later).
 */
export async function keptPage(
	event: RequestEvent,
	db: Db,
	render: () => Response | Promise<Response>
): Promise<Response> {
	const user = event.locals.user;
	if (!user || !isDashboardPage(event)) return render();
	const key = `${db.generation}|${londonToday()}`;
	if (generation?.key !== key) generation = { key, pages: new Map() };
	const pages = generation.pages;
	// The request's own URL: kit's data requests (/__data.json, ?x-sveltekit-invalidated) differ.
	const pageKey = `${user.name}|${[...user.roles].sort().join(',')}|${event.request.url}`;
	const kept = pages.get(pageKey);
	if (kept) {
		const k = await kept;
		if (k) return rebuild(k);
	}
	const response = await render();
	const keep =
		response.status === 200 &&
		!response.headers.has('set-cookie') &&
		!/stream/i.test(response.headers.get('content-type') ?? '');
	if (!keep) return response;
	const body = await response.arrayBuffer();
	const entry: Kept = { status: response.status, headers: [...response.headers], body };
	pages.set(pageKey, Promise.resolve(entry));
	if (pages.size > PAGE_ENTRIES) pages.delete(pages.keys().next().value!);
	return rebuild(entry);
}
