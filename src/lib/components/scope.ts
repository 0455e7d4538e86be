// Words and links for the page's filters: the subtitle under every chart and the query for downloads.

export interface PageFilters {
	from: string;
	to: string;
	area: string;
	offences: string;
	domestic_abuse: string;
}

import { periodLabel } from '$lib/charts/format';

/** 'All areas · stalking · April 2023 to March 2025' (+ domestic abuse when filtered). */
export function scopeText(f: PageFilters, period = true): string {
	const parts = [
		f.area === 'all' ? 'All areas' : f.area,
		f.offences.replace(/_/g, ' and '),
		f.domestic_abuse === 'Y'
			? 'domestic abuse only'
			: f.domestic_abuse === 'N'
				? 'not domestic abuse'
				: ''
	].filter(Boolean);
	if (period) parts.push(periodLabel(f.from, f.to));
	return parts.join(' · ');
}

/** The filters as query parameters, for links to the API that must show the same figures. */
export function filterParams(f: PageFilters): Record<string, string> {
	return {
		from: f.from,
		to: f.to,
		area: f.area,
		offences: f.offences,
		domestic_abuse: f.domestic_abuse
	};
}

/** Label for a rebase month (settings): the two the spec names, else a plain "new baseline". */
export function rebaseLabel(month: string): string {
	if (month === '2020-04') return 'Counting rules changed';
	if (month === '2023-01') return 'Training roll-out';
	return 'New baseline';
}

/** Whether the person may upload extracts, so an empty chart can link to the Extracts page. */
export function canUpload(user: { roles: string[] } | null | undefined): boolean {
	return !!user && (user.roles.includes('analyst') || user.roles.includes('admin'));
}
