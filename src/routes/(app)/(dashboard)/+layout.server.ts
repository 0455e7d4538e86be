// Every dashboard page's shared data (the (dashboard) group, not admin): the filters from the URL, the choices for the filter form,
// how fresh the data is, and which extract kinds are still empty.
import { getDb } from '$lib/server/db';
import { HttpError } from '$lib/server/http';
import {
	areas,
	dataFreshness,
	monthEnd,
	offenceGroups,
	parseFilters,
	type Filters
} from '$lib/server/metrics';
import { getSettings } from '$lib/server/settings';
import { rebaseLabel } from '$lib/components/scope';
import type { LayoutServerLoad } from './$types';

async function readFilters(db: Awaited<ReturnType<typeof getDb>>, params: URLSearchParams) {
	try {
		return { filters: await parseFilters(params, db), filterError: '' };
	} catch (e) {
		// A bad link should still open the page: say what was wrong and show the default view.
		if (!(e instanceof HttpError)) throw e;
		const filters: Filters = await parseFilters(new URLSearchParams(), db);
		return { filters, filterError: e.details.map((d) => d.message).join('; ') + '.' };
	}
}

export const load: LayoutServerLoad = async ({ url }) => {
	const db = await getDb();
	// Independent reads, side by side on the reader connections.
	const [{ filters, filterError }, a, g, settings, fresh] = await Promise.all([
		readFilters(db, url.searchParams),
		areas(db),
		offenceGroups(db),
		getSettings(db),
		dataFreshness(db)
	]);
	const rebases = settings.rebase_months.map((month) => ({ month, label: rebaseLabel(month) }));
	// The filters carry the dataset's as-at date and latest complete month (metrics/as-at.ts).
	const freshness = {
		completeTo: filters.as_of ? monthEnd(filters.complete_to) : null,
		asOf: filters.as_of,
		lastUpload: fresh.last_upload_at
			? { at: fresh.last_upload_at, by: fresh.last_upload_by ?? 'unknown' }
			: null
	};
	// Rows per extract kind, so a page can say which extract to upload when one is empty.
	const kindRows: Record<string, number> = Object.fromEntries(
		fresh.kinds.map((k) => [k.kind, k.rows])
	);
	return {
		filters,
		filterError,
		areaNames: a.areas,
		groups: g.groups,
		rebases,
		freshness,
		kindRows
	};
};
