// Month arithmetic on `YYYY-MM` strings (pure), shared by filters and the metrics families.

export const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

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

export function addMonths(month: string, n: number): string {
	return monthFromIndex(monthIndex(month) + n);
}

/** Every month from `from` to `to`, inclusive. */
export function monthRange(from: string, to: string): string[] {
	const out: string[] = [];
	for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthFromIndex(i));
	return out;
}

/** The first day of the month, `YYYY-MM-01`. */
export function monthStart(month: string): string {
	return `${month}-01`;
}

/** The last day of the month, `YYYY-MM-DD`. */
export function monthEnd(month: string): string {
	const [y, m] = month.split('-').map(Number);
	const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
	return `${month}-${String(last).padStart(2, '0')}`;
}

const NAMES = [
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
];

/** `2025-03` -> `March 2025`. */
export function monthName(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${NAMES[m - 1]} ${y}`;
}

/** The financial year (1 April – 31 March) starting in `year`, labelled `2023/24`. */
export function fyLabel(year: number): string {
	return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}
