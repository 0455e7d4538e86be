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
		// +44 or 0, then a UK area/mobile digit and 8-9 more digits, spaces/hyphens/brackets between.
		what: 'a UK phone number',
		source: '(^|[^\\w+])\\(?(\\+44\\s?\\(?0?\\)?|0)[\\s()-]*[1237]([\\s()-]*\\d){8,9}($|[^\\w])'
	},
	{
		what: 'a full UK postcode',
		source: '\\b[a-z]{1,2}[0-9][a-z0-9]?\\s*[0-9][abd-hjlnp-uw-z]{2}\\b'
	},
	{
		what: 'a National Insurance number',
		source: '\\b[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[a-d]\\b'
	}
];

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

// Column-name words that mean a person could be identified. Matched as whole words of the
// normalised name (split on `_`) and as substrings of the name without separators.
const PII_WORDS: Record<string, string> = {
	name: 'a name',
	names: 'a name',
	forename: 'a name',
	forenames: 'a name',
	surname: 'a name',
	firstname: 'a name',
	lastname: 'a name',
	fullname: 'a name',
	dob: 'a date of birth',
	birthdate: 'a date of birth',
	address: 'an address',
	street: 'an address',
	postcode: 'a postcode',
	phone: 'a phone number',
	mobile: 'a phone number',
	telephone: 'a phone number',
	tel: 'a phone number',
	email: 'an email address',
	ni: 'a National Insurance number',
	nino: 'a National Insurance number',
	pnc: 'a PNC id',
	warrant: 'a warrant number',
	collar: 'a collar number',
	notes: 'free text',
	note: 'free text',
	description: 'free text',
	desc: 'free text',
	mo: 'free text (MO)',
	summary: 'free text',
	narrative: 'free text',
	comments: 'free text',
	comment: 'free text',
	freetext: 'free text'
};
const PII_JOINED: [string, string][] = [
	['dateofbirth', 'a date of birth'],
	['birthdate', 'a date of birth'],
	['firstname', 'a name'],
	['lastname', 'a name'],
	['surname', 'a name'],
	['forename', 'a name'],
	['postcode', 'a postcode'],
	['emailaddress', 'an email address'],
	['phonenumber', 'a phone number'],
	['nationalinsurance', 'a National Insurance number'],
	['modusoperandi', 'free text (MO)'],
	['freetext', 'free text'],
	['collarnumber', 'a collar number'],
	['warrantnumber', 'a warrant number'],
	['pncid', 'a PNC id']
];
// `<thing>_name` is not personal when the thing is not a person.
const NOT_PERSON = new Set([
	'course',
	'area',
	'offence',
	'district',
	'team',
	'unit',
	'station',
	'file',
	'role',
	'force',
	'ward',
	'beat',
	'lpa',
	'outcome',
	'group'
]);
// Age in bands is the contract's own; an exact age is personal.
const AGE_QUALIFIERS = new Set(['band', 'bands', 'group', 'range']);

/** What personal data a (normalised) column name suggests, or undefined. */
export function columnLooksPersonal(normalised: string): string | undefined {
	const words = normalised.split('_').filter(Boolean);
	for (let i = 0; i < words.length; i++) {
		const w = words[i];
		if (w === 'age' && !AGE_QUALIFIERS.has(words[i + 1] ?? '')) return 'an exact age';
		if ((w === 'name' || w === 'names') && i > 0 && NOT_PERSON.has(words[i - 1])) continue;
		if (PII_WORDS[w]) return PII_WORDS[w];
	}
	const joined = words.join('');
	for (const [part, what] of PII_JOINED) if (joined.includes(part)) return what;
	return undefined;
}
