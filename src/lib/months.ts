// Month arithmetic and names on `YYYY-MM` strings, pure and dependency-free, so the server's metrics
// (src/lib/server/metrics/months.ts) and the browser's charts (src/lib/charts/format.ts) share one copy.

export const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
] as const;

/** Months since year 0 (for differences). */
export function monthIndex(month: string): number {
	const [y, m] = month.split('-').map(Number);
	return y * 12 + (m - 1);
}

export function monthFromIndex(index: number): string {
	const y = Math.floor(index / 12);
	const m = index - y * 12 + 1;
	return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, inclusive; none when `from` is after `to`. */
export function monthRange(from: string, to: string): string[] {
	const out: string[] = [];
	for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthFromIndex(i));
	return out;
}

/** `2025-03` -> `March 2025`. */
export function monthName(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${MONTH_NAMES[m - 1]} ${y}`;
}
