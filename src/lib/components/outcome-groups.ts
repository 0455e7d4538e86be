// Home Office outcome groups folded into the few a stacked bar can show honestly (the table keeps all).
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

/** Crimes recorded in each financial year of the period by folded outcome group. */
export function outcomeRowsByFy(
	months: { month: string; groups: Record<string, number> }[]
): StackRow[] {
	const rows = new Map<string, { label: string; values: Record<string, number>; months: number }>();
	for (const m of months) {
		const fy = fyOf(m.month);
		let row = rows.get(fy);
		if (!row) {
			row = {
				label: fy,
				values: Object.fromEntries(OUTCOME_KEYS.map((k) => [k.key, 0])),
				months: 0
			};
			rows.set(fy, row);
		}
		row.months++;
		for (const [g, n] of Object.entries(m.groups)) row.values[foldGroup(g)] += n;
	}
	return [...rows.values()].map((r) => ({
		label: r.months < 12 ? `${r.label} (${r.months} month${r.months === 1 ? '' : 's'})` : r.label,
		values: r.values
	}));
}
