// Every dashboard page's shared data: the filters from the URL, the choices for the filter form.
import { getDb } from '$lib/server/db';
import { HttpError } from '$lib/server/http';
import {
	areas,
	dataFreshness,
	latestMonthWithData,
	monthEnd,
	offenceGroups,
	parseFilters,
	type Filters
} from '$lib/server/metrics';
import { getSettings } from '$lib/server/settings';
import { rebaseLabel } from '$lib/components/scope';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ url }) => {
	const db = await getDb();
	let filters: Filters;
	let filterError = '';
	try {
		filters = await parseFilters(url.searchParams, db);
	} catch (e) {
		// A bad link should still open the page: say what was wrong and show the default view.
		if (!(e instanceof HttpError)) throw e;
		filterError = e.details.map((d) => d.message).join('; ') + '.';
		filters = await parseFilters(new URLSearchParams(), db);
	}
	const [a, g, settings] = await Promise.all([areas(db), offenceGroups(db), getSettings(db)]);
	const rebases = settings.rebase_months.map((month) => ({ month, label: rebaseLabel(month) }));
	const [fresh, latest] = await Promise.all([dataFreshness(db), latestMonthWithData(db)]);
	const freshness = {
		dataTo: latest ? monthEnd(latest) : null,
		lastUpload: fresh.last_upload_at
			? { at: fresh.last_upload_at, by: fresh.last_upload_by ?? 'unknown' }
			: null
	};
	// Rows per extract kind, so a page can say which extract to upload when one is empty.
	const rows = Object.fromEntries(fresh.kinds.map((k) => [k.kind, k.rows])) as Record<
		string,
		number
	>;
	return {
		filters,
		filterError,
		areaNames: a.areas,
		groups: g.groups,
		rebases,
		settings,
		freshness,
		rows
	};
};
