// A refused upload's stored report: one page of its problems, as the URL's ?page= and ?rule= ask.
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { HttpError } from '$lib/server/http';
import { getRefused, personalColumns, readProblems } from '$lib/server/extracts/refused';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	try {
		const report = await getRefused(db, params.ref);
		const { page, problems } = await readProblems(db, report, url.searchParams);
		return { report, page, problems, personal: await personalColumns(db, report) };
	} catch (err) {
		if (err instanceof HttpError) error(err.status, err.message);
		throw err;
	}
};
