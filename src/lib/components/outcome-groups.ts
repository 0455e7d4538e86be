// Home Office outcome groups folded into the few a stacked bar can show honestly (the table keeps all).
import { periodLabel } from '$lib/charts/format';
import type { StackKey, StackRow } from '$lib/charts/types';

export const OUTCOME_KEYS: StackKey[] = [
	{ key: 'charged', label: 'Charged or summonsed', colour: 1 },
	{ key: 'out_of_court', label: 'Out of court or diversion', colour: 2 },
	{ key: 'victim_no_support', label: 'Victim does not support action', colour: 3 },
	{ key: 'victim_supports', label: 'Evidential difficulties, victim supports', colour: 4 },
	{ key: 'other', label: 'No suspect, transferred or other', colour: 6 },
	{ key: 'none', label: 'No outcome yet', colour: 7 }
];

const FOLD: Record<string, string> = {
	charged_summonsed: 'charged',
	out_of_court_formal: 'out_of_court',
	out_of_court_informal: 'out_of_court',
	diversionary: 'out_of_court',
	evidential_difficulties_victim_does_not_support: 'victim_no_support',
	evidential_difficulties_victim_supports: 'victim_supports',
	none: 'none'
};

export function foldGroup(group: string): string {
	return FOLD[group] ?? 'other';
}

/** Financial year of a month: April starts it. '2024-03' → '2023/24'. */
export function fyOf(month: string): string {
	const [y, m] = month.split('-').map(Number);
	const start = m >= 4 ? y : y - 1;
	return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * Crimes recorded in each financial year of the period by folded outcome group: full years only
 * (metrics.md: a part year is never compared with full ones), incomplete months left out. Part
 * years are named, "2025/26 (April to May 2025 only)", for the page to say why they are not drawn.
 */
export function outcomeRowsByFy(
	months: { month: string; incomplete?: boolean; groups: Record<string, number> }[]
): { full: StackRow[]; part: string[] } {
	const rows = new Map<string, { values: Record<string, number>; months: string[] }>();
	for (const m of months) {
		if (m.incomplete) continue;
		const fy = fyOf(m.month);
		let row = rows.get(fy);
		if (!row) {
			row = { values: Object.fromEntries(OUTCOME_KEYS.map((k) => [k.key, 0])), months: [] };
			rows.set(fy, row);
		}
		row.months.push(m.month);
		for (const [g, n] of Object.entries(m.groups)) row.values[foldGroup(g)] += n;
	}
	const full: StackRow[] = [];
	const part: string[] = [];
	for (const [fy, r] of rows) {
		if (r.months.length === 12) full.push({ label: fy, values: r.values });
		else part.push(`${fy} (${periodLabel(r.months[0], r.months[r.months.length - 1])} only)`);
	}
	return { full, part };
}
