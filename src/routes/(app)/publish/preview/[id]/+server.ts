// GET /publish/preview/<draft id>: the draft exactly as the public page will draw it, for the
// Publish page's preview frame (the one page that may be framed, and only by this site).
import { getDb } from '$lib/server/db';
import { summaryHtml } from '$lib/server/publish/render';
import { getDraft } from '$lib/server/publish/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => {
	const draft = await getDraft(await getDb(), params.id, { name: locals.user?.name ?? '' });
	if (!draft) {
		return new Response('That preview has expired or was published already.', {
			status: 404,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	return new Response(summaryHtml(draft.body, 'preview', []), {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-store',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
			'x-frame-options': 'SAMEORIGIN'
		}
	});
};
