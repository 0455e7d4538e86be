// Month arithmetic on `YYYY-MM` strings (pure), shared by filters and the metrics families.

import { monthFromIndex, monthIndex } from '../../months';

// The pure month helpers the charts use too live in src/lib/months.ts; the server imports them from here.
export { monthFromIndex, monthIndex, monthName, monthRange } from '../../months';

export const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function addMonths(month: string, n: number): string {
	return monthFromIndex(monthIndex(month) + n);
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

/** The financial year (1 April – 31 March) starting in `year`, labelled `2023/24`. */
export function fyLabel(year: number): string {
	return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}
