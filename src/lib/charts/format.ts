// Pure helpers the charts share: month arithmetic, number and rate formats, axis domains, colour contrast.
import { format } from 'd3-format';
import { MONTH_NAMES as MONTHS, monthName, monthRange as monthsFromTo } from '../months';

/** 'YYYY-MM' → the first instant of that month in UTC (charts place months on a UTC time scale). */
export function monthToDate(month: string): Date {
	const m = /^(\d{4})-(\d{2})$/.exec(month);
	if (!m) throw new Error(`"${month}" is not a month in the form YYYY-MM`);
	return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

export function dateToMonth(d: Date): string {
	return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** 'March 2024' */
export function monthLong(month: string): string {
	monthToDate(month); // throws on a malformed month
	return monthName(month);
}

/**
 * A table row's month: 'June 2025 (incomplete month)', or with `provisional` (rate tables only, where
 * the 90-day rule applies) 'April 2025 (provisional)'.
 */
export function monthRowLabel(
	m: { month: string; incomplete?: boolean; provisional?: boolean },
	provisional = false
): string {
	if (m.incomplete) return `${monthLong(m.month)} (incomplete month)`;
	if (provisional && m.provisional) return `${monthLong(m.month)} (provisional)`;
	return monthLong(m.month);
}

/** "April to May 2025 only" for a part financial year (metrics.md), or null for a full year. */
export function partYearLabel(y: { complete: boolean; last_month: string }): string | null {
	if (y.complete) return null;
	return y.last_month.endsWith('-04')
		? `April ${y.last_month.slice(0, 4)} only`
		: `April to ${monthName(y.last_month)} only`;
}

/** The financial year as a row label: "2025/26 (April to May 2025 only)" for a part year. */
export function fyRowLabel(y: { fy: string; complete: boolean; last_month: string }): string {
	const part = partYearLabel(y);
	return part ? `${y.fy} (${part})` : y.fy;
}

/** 'Mar 2024' */
export function monthShort(month: string): string {
	const d = monthToDate(month);
	return `${MONTHS[d.getUTCMonth()].slice(0, 3)} ${d.getUTCFullYear()}`;
}

/** 'April 2023 to March 2025' (or one month when from = to). */
export function periodLabel(from: string, to: string): string {
	return from === to ? monthLong(from) : `${monthLong(from)} to ${monthLong(to)}`;
}

/** Every month from `from` to `to` inclusive. */
export function monthRange(from: string, to: string): string[] {
	monthToDate(from); // both throw on a malformed month
	monthToDate(to);
	return monthsFromTo(from, to);
}

/** 'YYYY-MM-DD' → '31 March 2025' */
export function dateLong(iso: string | null | undefined): string {
	if (!iso) return 'unknown';
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
	if (!m) return iso;
	return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/**
 * 'Complete to 31 May 2025 (extract taken 3 June)': the last day of the latest complete month and
 * the day the extracts were taken (its year only when it differs).
 */
export function completeToWords(completeTo: string, asOf: string): string {
	const taken = dateLong(asOf);
	const short = asOf.slice(0, 4) === completeTo.slice(0, 4) ? taken.replace(/ \d{4}$/, '') : taken;
	return `Complete to ${dateLong(completeTo)} (extract taken ${short})`;
}

const countFmt = format(',.0f');
const decimalFmt = format(',.1f');

/** '1,234'; null → '–' (shown with an explanation nearby, never as 0). */
export function fmtCount(n: number | null | undefined): string {
	if (n === null || n === undefined || !Number.isFinite(n)) return '–';
	return countFmt(n);
}

export function fmtDecimal(n: number | null | undefined): string {
	if (n === null || n === undefined || !Number.isFinite(n)) return '–';
	return decimalFmt(n);
}

/** A rate held as a fraction shown as a percentage: 0.1234 → '12.3%'. Null (denominator 0) → '–'. */
export function fmtPct(rate: number | null | undefined, digits = 1): string {
	if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
	return `${format(`.${digits}f`)(rate * 100)}%`;
}

/** Signed percentage change from `before` to `after`: '+12%', '−3%'; null when before is 0. */
export function pctChange(before: number, after: number): number | null {
	if (!before) return null;
	return (after - before) / before;
}

export function fmtSignedPct(change: number | null): string {
	if (change === null || !Number.isFinite(change)) return 'no comparison (none before)';
	const v = Math.round(change * 100);
	if (v === 0) return 'no change';
	return v > 0 ? `+${v}%` : `−${Math.abs(v)}%`;
}

/** A y domain that starts at zero (bar and count axes always do) and ends at a round number. */
export function zeroBasedDomain(
	values: (number | null | undefined)[],
	minTop = 0
): [number, number] {
	let max = 0;
	for (const v of values)
		if (v !== null && v !== undefined && Number.isFinite(v) && v > max) max = v;
	return [0, niceCeil(Math.max(max, minTop))];
}

/** The next "nice" number at or above x: 1, 2, 2.5, 5 or 10 times a power of ten. */
export function niceCeil(x: number): number {
	if (x <= 0) return 1;
	const p = Math.pow(10, Math.floor(Math.log10(x)));
	for (const step of [1, 2, 2.5, 5, 10]) {
		if (step * p >= x - 1e-9) return step * p;
	}
	return 10 * p;
}

/** Rebase months (counting-rule changes, training roll-out) that fall strictly inside the shown months. */
export function annotationsInRange<T extends { month: string }>(months: string[], marks: T[]): T[] {
	if (months.length === 0) return [];
	const first = months[0];
	const last = months[months.length - 1];
	return marks.filter((a) => a.month > first && a.month <= last);
}

/** Query string for the same filters, e.g. for the CSV download link to the API. */
export function filterQuery(
	filters: Record<string, string | null | undefined>,
	extra: Record<string, string> = {}
): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries({ ...filters, ...extra })) {
		if (v !== null && v !== undefined && v !== '') q.set(k, v);
	}
	return q.toString();
}

/** Link to an API metrics endpoint as CSV with the page's filters. */
export function csvHref(
	endpoint: string,
	filters: Record<string, string | null | undefined>,
	extra: Record<string, string> = {}
): string {
	return `/api/v1/${endpoint}?${filterQuery(filters, { ...extra, format: 'csv' })}`;
}

/** Index of the item whose x is nearest to `x` (items sorted by x); -1 when there are none. */
export function nearestIndex(xs: number[], x: number): number {
	if (xs.length === 0) return -1;
	let best = 0;
	for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
	return best;
}

/** The next focused point for a key press in a chart (arrows, Home, End); null when the key is not ours. */
export function stepIndex(current: number, count: number, key: string): number | null {
	if (count === 0) return null;
	const at = current < 0 ? 0 : current;
	switch (key) {
		case 'ArrowRight':
		case 'ArrowDown':
			return current < 0 ? 0 : Math.min(count - 1, at + 1);
		case 'ArrowLeft':
		case 'ArrowUp':
			return current < 0 ? count - 1 : Math.max(0, at - 1);
		case 'Home':
			return 0;
		case 'End':
			return count - 1;
		default:
			return null;
	}
}

/** WCAG relative luminance contrast ratio of two '#rrggbb' colours. */
export function contrastRatio(a: string, b: string): number {
	const lum = (hex: string) => {
		const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
		if (!m) throw new Error(`"${hex}" is not a #rrggbb colour`);
		const n = parseInt(m[1], 16);
		const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
			const s = c / 255;
			return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
		});
		return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}
