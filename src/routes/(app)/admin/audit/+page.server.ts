// Admin: the audit log, filtered by action, actor and date range, a page at a time.
import { getDb } from '$lib/server/db';
import { AUDIT_ACTIONS, parseAuditFilter, queryAudit } from '$lib/server/audit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const { filter, page, errors } = parseAuditFilter(url.searchParams);
	// A bad filter shows its error and the unfiltered log rather than nothing.
	const result = await queryAudit(await getDb(), errors.length ? {} : filter, page);
	// Query strings for the pager and the CSV link, keeping the filter.
	const query = (p?: number) => {
		const params = new URLSearchParams(url.searchParams);
		params.delete('page');
		if (p) params.set('page', String(p));
		const q = params.toString();
		return q ? `?${q}` : '';
	};
	return {
		...result,
		filter,
		errors,
		actions: [...AUDIT_ACTIONS],
		newerQuery: result.page > 1 ? query(result.page - 1) : '',
		olderQuery: result.page < result.pages ? query(result.page + 1) : '',
		exportQuery: query()
	};
};
