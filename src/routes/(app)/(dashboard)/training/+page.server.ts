// Training: coverage of the target roles over time against the target, by role and area, still to train.
import { getDb } from '$lib/server/db';
import { training } from '$lib/server/metrics';
import { coverageByArea, coverageByRole } from '$lib/server/metrics/declared';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters } = await parent();
	const db = await getDb();
	const t = await training(db, filters);
	// The table twins are the same declarations a published summary freezes.
	return {
		training: t,
		figures: {
			byRole: coverageByRole(t, 'coverage-by-role', 'Coverage by role'),
			byArea: coverageByArea(t, 'coverage-by-area', 'Coverage by area')
		}
	};
};
