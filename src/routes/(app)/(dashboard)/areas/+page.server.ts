// Areas: every area side by side, monthly figures and the area's adults (16+) for rates per 1,000.
import { getDb } from '$lib/server/db';
import { completeOnly, monthly, reporting } from '$lib/server/metrics';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { filters: asked, areaNames } = await parent();
	const db = await getDb();
	// Areas are compared as yearly rates: complete months only (metrics.md).
	const { filters, leftOut } = completeOnly(asked);
	const list = filters.area === 'all' ? areaNames : [filters.area];
	const rows = await Promise.all(
		list.map(async (area) => {
			const f = { ...filters, area };
			const [m, r] = await Promise.all([monthly(db, f), reporting(db, f)]);
			// Adults 16+ of the latest financial year in the period that has a population figure.
			const pop = [...r.years].reverse().find((y) => y.population_16plus !== null);
			return {
				area,
				months: m.months.map((x) => ({ month: x.month, recorded: x.recorded, charges: x.charges })),
				totals: m.totals,
				population: pop?.population_16plus ?? null,
				populationYear: pop?.fy ?? null
			};
		})
	);
	// Areas with no crimes and no population (e.g. workforce-only labels) add nothing side by side.
	return {
		byArea: rows.filter((a) => a.totals.recorded > 0 || a.population !== null),
		period: { from: filters.from, to: filters.to },
		leftOut
	};
};
