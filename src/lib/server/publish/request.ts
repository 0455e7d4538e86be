// What a publisher asks for (api.md "Published summaries"): validated, with the period worked out
// and refused when it ends in an incomplete month. One parser for the Publish page and the API.
import { z } from 'zod';
import { HttpError, type ErrorDetail } from '../http';
import { addMonths } from '../metrics/months';
import { CELL_PATTERNS, PATTERN_CELL_CHARS } from '../extracts/pii';
import { monthLong } from '../../charts/format';

export const PERIOD_KINDS = ['quarter', 'financial_year', 'rolling_12'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const SECTION_IDS = [
	'arrests_and_charges',
	'under_reporting',
	'identification',
	'training',
	'safeguarding'
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const AREA_LEVELS = ['force', 'districts'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

const PHONE = /^[0-9 +()-]{3,20}$/;

const supportLine = z.object({
	name: z.string().trim().min(1, 'a support line needs a name').max(100),
	phone: z
		.string()
		.trim()
		.regex(PHONE, 'a phone number of digits and spaces, such as 0808 800 0340 or 101')
});

const schema = z.object({
	title: z.string().trim().min(3, 'a title of at least 3 characters').max(120),
	period: z.object({
		kind: z.enum(PERIOD_KINDS),
		to: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month written YYYY-MM')
	}),
	area_level: z.enum(AREA_LEVELS).default('force'),
	sections: z
		.array(z.enum(SECTION_IDS))
		.min(1, 'choose at least one section')
		.transform((s) => SECTION_IDS.filter((id) => s.includes(id))),
	// A browser sends a textarea's lines as CRLF: the frozen text is the same whichever way it came.
	commentary: z
		.string()
		.max(5000)
		.default('')
		.transform((s) => s.replace(/\r\n?/g, '\n')),
	support_lines: z.array(supportLine).max(10).default([])
});

export type SummaryRequest = z.infer<typeof schema>;

/** The support lines a new summary starts with (the force's release, ../shared/reference/facts.md). */
export const DEFAULT_SUPPORT_LINES: SummaryRequest['support_lines'] = [
	{ name: 'Police (non-emergency)', phone: '101' },
	{ name: 'Police (emergency)', phone: '999' },
	{ name: "Juno Women's Aid 24-hour helpline", phone: '0808 800 0340' },
	{ name: "Men's helpline", phone: '0800 9956 999' },
	{ name: 'Stalking Advocacy Service (non-intimate stalking)', phone: '0115 947 6490' }
];

/** The months a period covers: quarters and years are the force's financial quarters and years. */
export function periodMonths(kind: PeriodKind, to: string): { from: string; to: string } {
	const n = kind === 'quarter' ? 3 : 12;
	return { from: addMonths(to, -(n - 1)), to };
}

/** The period in words, e.g. "April to June 2024", "2024/25", "12 months to March 2025". */
export function periodWords(kind: PeriodKind, to: string): string {
	const { from } = periodMonths(kind, to);
	if (kind === 'financial_year') {
		const y = Number(to.slice(0, 4));
		return `financial year ${y - 1}/${String(y).slice(2)}`;
	}
	if (kind === 'rolling_12') return `the 12 months to ${monthLong(to)}`;
	const [fy, ty] = [from.slice(0, 4), to.slice(0, 4)];
	const fromName = monthLong(from).replace(` ${fy}`, fy === ty ? '' : ` ${fy}`);
	return `${fromName} to ${monthLong(to)}`;
}

function refuse(problems: ErrorDetail[]): never {
	const first = problems[0];
	throw new HttpError(
		400,
		'bad_parameter',
		`The summary was not composed: ${first.parameter ? `${first.parameter}: ` : ''}${first.message}.`,
		problems
	);
}

/**
 * Validate a compose request. `completeTo` is the latest complete month (metrics.md): a period
 * that runs past it is refused, as is a quarter or year that does not end where one ends.
 */
export function parseSummaryRequest(body: unknown, completeTo: string): SummaryRequest {
	const parsed = schema.safeParse(body);
	if (!parsed.success) {
		refuse(
			parsed.error.issues.map((i) => ({
				parameter: i.path.join('.') || 'body',
				message: i.message
			}))
		);
	}
	const req = parsed.data;
	const problems: ErrorDetail[] = [];
	const endMonth = Number(req.period.to.slice(5));
	if (req.period.kind === 'quarter' && endMonth % 3 !== 0) {
		problems.push({
			parameter: 'period.to',
			value: req.period.to,
			message: `a quarter ends in June, September, December or March, not ${monthLong(req.period.to)}`
		});
	}
	if (req.period.kind === 'financial_year' && endMonth !== 3) {
		problems.push({
			parameter: 'period.to',
			value: req.period.to,
			message: `a financial year ends in March, not ${monthLong(req.period.to)}`
		});
	}
	if (req.period.to > completeTo) {
		problems.push({
			parameter: 'period.to',
			value: req.period.to,
			message: `${monthLong(req.period.to)} is not complete yet: the latest complete month is ${monthLong(completeTo)} (only complete months are published)`
		});
	}
	// Publishers write these by hand: still, nothing that looks personal goes public. Phone numbers
	// are allowed (support services); the guard's patterns see 256 characters, so the text is read
	// in overlapping windows.
	for (const [name, text] of [
		['title', req.title],
		['commentary', req.commentary]
	] as const) {
		const kind = personalDataIn(text);
		if (kind) {
			problems.push({
				parameter: name,
				message: `it contains what looks like ${kind}; take it out, as published summaries must not hold personal data`
			});
		}
	}
	if (problems.length > 0) refuse(problems);
	return req;
}

/** What personal data (other than a phone number) a publisher's text looks like it holds. */
const TEXT_PATTERNS = CELL_PATTERNS.filter((p) => p.what !== 'a UK phone number').map((p) => ({
	what: p.what,
	re: new RegExp(p.source, 'i')
}));

function personalDataIn(text: string): string | undefined {
	for (let i = 0; i === 0 || i < text.length - 128; i += 128) {
		const window = text.slice(i, i + PATTERN_CELL_CHARS);
		const hit = TEXT_PATTERNS.find((p) => p.re.test(window));
		if (hit) return hit.what;
	}
	return undefined;
}

export interface PeriodOption {
	/** `kind:YYYY-MM`, the Publish form's one period control. */
	value: string;
	label: string;
}

/** The periods a summary can cover, newest first, ending no later than the latest complete month. */
export function periodOptions(completeTo: string): Record<PeriodKind, PeriodOption[]> {
	const out: Record<PeriodKind, PeriodOption[]> = {
		quarter: [],
		financial_year: [],
		rolling_12: []
	};
	for (let i = 0, m = completeTo; i < 36; i++, m = addMonths(m, -1)) {
		const month = Number(m.slice(5));
		if (month % 3 === 0 && out.quarter.length < 8) out.quarter.push(option('quarter', m));
		if (month === 3 && out.financial_year.length < 5)
			out.financial_year.push(option('financial_year', m));
		if (out.rolling_12.length < 12) out.rolling_12.push(option('rolling_12', m));
	}
	return out;
}

function option(kind: PeriodKind, to: string): PeriodOption {
	const { from } = periodMonths(kind, to);
	const words = periodWords(kind, to);
	const label =
		kind === 'rolling_12'
			? `${monthLong(from)} to ${monthLong(to)}`
			: words[0].toUpperCase() + words.slice(1);
	return { value: `${kind}:${to}`, label };
}

/** `quarter:2025-03` → the period part of a request, or null. */
export function parsePeriodValue(value: string): SummaryRequest['period'] | null {
	const m = /^(quarter|financial_year|rolling_12):(\d{4}-\d{2})$/.exec(value);
	return m ? { kind: m[1] as PeriodKind, to: m[2] } : null;
}

/** Support lines as a publisher types them, one per line: `Name: number`. */
export function parseSupportLines(text: string): {
	lines: SummaryRequest['support_lines'];
	problems: ErrorDetail[];
} {
	const lines: SummaryRequest['support_lines'] = [];
	const problems: ErrorDetail[] = [];
	text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.forEach((l, i) => {
			if (!l) return;
			const at = l.lastIndexOf(':');
			if (at <= 0) {
				problems.push({
					parameter: 'support_lines',
					message: `line ${i + 1} ("${l.slice(0, 40)}") needs a name, a colon, then the number, such as "Police (non-emergency): 101"`
				});
				return;
			}
			lines.push({ name: l.slice(0, at).trim(), phone: l.slice(at + 1).trim() });
		});
	return { lines, problems };
}

export function supportLinesText(lines: SummaryRequest['support_lines']): string {
	return lines.map((l) => `${l.name}: ${l.phone}`).join('\n');
}
