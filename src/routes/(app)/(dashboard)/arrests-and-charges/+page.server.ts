// Arrests and charges: monthly counts and rates, outcome mix, time to charge, by area.
import { getDb } from '$lib/server/db';
import { monthly, outcomes, spc } from '$lib/server/metrics';
import { crimesByMonthFigure } from '$lib/server/metrics/declared';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters, areaNames } = await parent();
	const db = await getDb();
	const [m, o, recorded, arrests, charges, byArea] = await Promise.all([
		monthly(db, filters),
		outcomes(db, filters),
		spc(db, filters, 'recorded'),
		spc(db, filters, 'arrests'),
		spc(db, filters, 'charges'),
		// One aggregate per area over the same period: totals only.
		Promise.all(
			(filters.area === 'all' ? areaNames : [filters.area]).map(async (area) => ({
				area,
				totals: (await monthly(db, { ...filters, area })).totals
			}))
		)
	]);
	return {
		monthly: m,
		outcomes: o,
		spc: { recorded, arrests, charges },
		byArea,
		// The rates chart's table twin: the declaration a published summary's arrests section freezes.
		figures: {
			rates: crimesByMonthFigure(m, 'rates', 'Arrest and charge rates by month', { assigned: true })
		}
	};
};
