// Reference (analyst): the reference data loaded, with source and load date, and the saved mappings.
import { getDb } from '$lib/server/db';
import { KINDS } from '$lib/server/extracts/contract';
import { listMappings } from '$lib/server/extracts/mappings';
import { referenceData } from '$lib/server/reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	const [reference, mappings] = await Promise.all([referenceData(db), listMappings(db)]);
	return {
		reference,
		mappings: mappings.map((m) => ({ ...m, kindLabel: KINDS[m.kind].label }))
	};
};
