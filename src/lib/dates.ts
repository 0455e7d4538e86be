// Calendar dates written YYYY-MM-DD (pure, no imports): shared by the server's upload pipeline and
// the Extracts page, which fills in the same default as-at date the server would take.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// The date and timestamp forms an extract may use (extracts.md), as regular expressions that both
// DuckDB (RE2, in the validation SQL) and the browser (the upload page's default as-at date) read.
export const ISO_DATE = String.raw`^(\d{4})-(\d{2})-(\d{2})$`;
export const UK_DATE = String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})$`;
export const ISO_TS = String.raw`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$`;
export const UK_TS = String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$`;

/** `YYYY-MM-DD` plus n days. */
export function addDays(date: string, n: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
	const m = DATE_RE.exec(value);
	if (!m) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * The default as-at date of a file: the day after the latest date found in it, never after the
 * upload day (`today`); the upload day for a file with no dates.
 */
export function defaultAsOf(latestInFile: string | null, today: string): string {
	if (!latestInFile) return today;
	const next = addDays(latestInFile, 1);
	return next < today ? next : today;
}

// One formatter for every call: building an Intl.DateTimeFormat costs far more than formatting with
// one, and the Extracts page's date scan formats a cell of every row of a file of millions.
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** The calendar date of an instant in Europe/London, as YYYY-MM-DD. */
export function londonDate(t: Date): string {
	return LONDON_DAY.format(t);
}

/** Today's date in Europe/London as YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
	return londonDate(now);
}
