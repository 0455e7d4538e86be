// Overview: the latest 12 months against the 12 before, for each headline figure.
import { getDb } from '$lib/server/db';
import {
	addMonths,
	completeOnly,
	monthly,
	reporting,
	safeguarding,
	spc,
	training
} from '$lib/server/metrics';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters } = await parent();
	const db = await getDb();
	// Two years ending at the chosen last month, never past the latest complete month: an incomplete
	// month is never in a 12-month comparison (metrics.md).
	const { filters: complete, leftOut } = completeOnly(filters);
	const to = complete.to;
	const f = { ...filters, from: addMonths(to, -23), to };
	const [recorded, arrests, charges, m, r, t, sg] = await Promise.all([
		spc(db, f, 'recorded'),
		spc(db, f, 'arrests'),
		spc(db, f, 'charges'),
		monthly(db, f),
		// Financial years: the last complete ones up to the period's end.
		reporting(db, { ...f, from: addMonths(to, -47) }),
		training(db, f),
		safeguarding(db, f)
	]);
	return {
		period: { from: f.from, to: f.to },
		/** The months asked for but left out because they are incomplete, for the page to say so. */
		leftOut,
		recorded,
		arrests,
		charges,
		monthly: m,
		reporting: r,
		training: t,
		safeguarding: sg
	};
};
