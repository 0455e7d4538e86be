// Training: coverage of the target roles over time against the target, by role and area, still to train.
import { getDb } from '$lib/server/db';
import { training } from '$lib/server/metrics';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters } = await parent();
	const db = await getDb();
	return { training: await training(db, filters) };
};
