// The personal-data guard's patterns: column names and cell values that look like personal data.
// The cell patterns are written once and used both here (JS) and in DuckDB SQL (RE2): keep them to
// the syntax both share (no lookbehind, no inline flags; matched case-insensitively). JS runs them
// with backtracking, so each runs on a cell cut to PATTERN_CELL_CHARS and keeps its repeats bounded
// where a repeat sits next to an overlapping one (the email pattern, once quadratic on long runs).

/** Cells are cut to their first 256 characters before any pattern runs (extracts.md). */
export const PATTERN_CELL_CHARS = 256;

export interface CellPattern {
	what: string;
	source: string;
}

export const CELL_PATTERNS: readonly CellPattern[] = [
	{
		// Bounded like the address itself (a local part of up to 64, labels of up to 63, up to 8 of
		// them), so the work at each start position is bounded too: linear in the cell's length.
		what: 'an email address',
		source: '[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63}){0,8}\\.[a-z]{2,24}'
	},
	{
		// +44, 0044, 44 or 0, then a UK area/mobile digit and 8-9 more digits, spaces, hyphens or
		// brackets between.
		what: 'a UK phone number',
		source:
			'(^|[^\\w+])\\(?(\\+44\\s?\\(?0?\\)?|0044\\s?\\(?0?\\)?|44\\s?\\(?0?\\)?|0)[\\s()-]*[1237]([\\s()-]*\\d){8,9}($|[^\\w])'
	},
	{
		// The same number as Excel leaves it, its leading 0 dropped (extracts.md): ten digits from a UK
		// area or mobile digit, spaces only between, so dates and times (2019-04-01 00:10) never match.
		what: 'a UK phone number',
		source: '(^|[^\\w+:./-])[1237](\\s?\\d){9}($|[^\\w:./-])'
	},
	{
		what: 'a full UK postcode',
		source: '\\b[a-z]{1,2}[0-9][a-z0-9]?\\s*[0-9][abd-hjlnp-uw-z]{2}\\b'
	},
	{
		// Any two letters: HMRC's administrative and placeholder prefixes (QQ, TN, OO, …) are still a
		// person's number in a file, and a guard that knew the issuing rules would let them through.
		what: 'a National Insurance number',
		source: '\\b[a-z]{2}\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[a-d]\\b'
	},
	{
		// Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) formats; dateless plates are
		// left out, as they would match offence codes such as 8Q.
		what: 'a UK vehicle registration',
		source:
			'\\b([a-z]{2}[0-9]{2}\\s?[a-z]{3}|[a-z][0-9]{1,3}\\s?[a-z]{3}|[a-z]{3}\\s?[0-9]{1,3}[a-z])\\b'
	},
	{
		what: 'an IPv4 address',
		source:
			'\\b(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}\\b'
	}
];

/**
 * A ref that is a whole date (`12/03/1985`, `1985-03-12`) is likely a date of birth (extracts.md):
 * day and month in either order, a two- or four-digit year, `/`, `-` or `.` between.
 */
export const DATE_REF_PATTERN: CellPattern = {
	what: 'a full date where a ref is expected (perhaps a date of birth)',
	source:
		'^(([0-9]{4}[/.-](0?[1-9]|1[0-2])[/.-](0?[1-9]|[12][0-9]|3[01]))|((0?[1-9]|[12][0-9]|3[01])[/.-](0?[1-9]|[12][0-9]|3[01])[/.-]([0-9]{2}|[0-9]{4})))$'
};
const dateRef = new RegExp(DATE_REF_PATTERN.source, 'i');

/** Whether a ref cell is a whole date (see DATE_REF_PATTERN). */
export function refLooksLikeDate(value: string): boolean {
	return dateRef.test(patternInput(value.trim()));
}

/** All cell patterns as one alternation, for a single cheap pass over every cell. */
export const ANY_CELL_PATTERN = CELL_PATTERNS.map((p) => `(${p.source})`).join('|');

const compiled = CELL_PATTERNS.map((p) => ({ what: p.what, re: new RegExp(p.source, 'i') }));

/** A cell as the patterns see it: its first PATTERN_CELL_CHARS characters. */
export function patternInput(value: string): string {
	return value.length > PATTERN_CELL_CHARS ? value.slice(0, PATTERN_CELL_CHARS) : value;
}

/** What personal data a cell value looks like (in its first 256 characters), or undefined. */
export function detectPersonalData(value: string): string | undefined {
	const cell = patternInput(value);
	return compiled.find((p) => p.re.test(cell))?.what;
}

/** A value shown in a report: personal-looking values are masked, the rest cut to 40 characters. */
export function safeValue(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (detectPersonalData(value)) return maskValue(value);
	return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}

/** Never echo a suspected value: its first character and its length only. */
export function maskValue(value: string): string {
	return `${value.slice(0, 1)}… (${value.length} characters, hidden)`;
}

// Column-name words that mean a person could be identified: shared with the browser.
export { columnLooksPersonal } from '../../personal-columns';
