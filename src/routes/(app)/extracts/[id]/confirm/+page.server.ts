// Confirm rolling an upload back or restoring it: the effect in rows, worked out from the database
// before anything changes. The form posts to the upload's own page's action, so no JavaScript is needed.
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { describeEffect, toggleEffect } from '$lib/server/extracts/effect';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const effect = await toggleEffect(await getDb(), params.id);
	if (!effect)
		error(404, `There is no upload ${params.id.slice(0, 40)}. The history lists them all.`);
	return { effect, sentence: describeEffect(effect) };
};
