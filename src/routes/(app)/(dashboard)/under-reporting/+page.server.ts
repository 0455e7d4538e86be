// Under-reporting: recorded against estimated victims per financial year, and the identification measures.
import { getDb } from '$lib/server/db';
import { handlerWords, identification, reporting, reportingWords } from '$lib/server/metrics';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters } = await parent();
	const db = await getDb();
	const [r, id] = await Promise.all([reporting(db, filters), identification(db, filters)]);
	return {
		reporting: r,
		identification: id,
		// The words that state a finding, computed with the figures on the server.
		words: { reporting: reportingWords(r.years), handlers: handlerWords(id.totals) }
	};
};
