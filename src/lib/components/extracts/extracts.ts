// What the Extracts pages compute in the browser and on the server alike: the header preview's kind
// match (over column lists the page load passes from the server-only contract), the result shapes,
// the report as a CSV download for a refused upload (which has no upload id to link to), and formats.
import type { UploadInfo, UploadSummary, ValidationReport } from '$lib/server/extracts';
import { ISO_TS, UK_TS, londonDate } from '$lib/dates';

/** One kind's columns, as the page load exposes them from lib/server/extracts/contract.ts. */
export interface KindColumns {
	kind: string;
	label: string;
	required: string[];
	optional: string[];
	/** Its date and timestamp columns: the latest of them sets the default as-at date. */
	dates: string[];
}

/** An upload without its report: one row of the history. */
export type UploadRow = UploadSummary;

export interface RefusedResult {
	ok: false;
	status: number;
	error: { code: string; message: string; details: unknown[] };
	report?: ValidationReport;
}
export type UploadResult = { ok: true; upload: UploadInfo } | RefusedResult;

/** The same normalising rule as the server (extracts.md "File rules"): case, spaces, hyphens. */
export function normaliseHeader(name: string): string {
	return name
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
}

export interface HeaderCheck {
	/** The kind the header fits (all required columns present), or null when none or several do. */
	detected: string | null;
	/** Kinds whose required columns are all present. */
	candidates: string[];
	/** The kind being checked: the chosen one, else the detected one, else the closest. */
	kind: string;
	missing: string[];
	/** Header fields that are not columns of `kind` (ignored on load, with a warning). */
	extra: string[];
}

/**
 * Check a header against the contract in the browser, before upload. The server checks again and has
 * the last word; this only warns early (and mirrors lib/server/extracts/header.ts detectKind).
 */
export function checkHeader(header: string[], kinds: KindColumns[], chosen = ''): HeaderCheck {
	const names = new Set(header.map(normaliseHeader));
	const fits = kinds.map((k) => ({
		k,
		missing: k.required.filter((c) => !names.has(c)),
		extra: [...names].filter((n) => !k.required.includes(n) && !k.optional.includes(n))
	}));
	const matching = fits.filter((f) => f.missing.length === 0);
	const exact = matching.filter((f) => f.extra.length === 0);
	const detected =
		matching.length === 1 ? matching[0].k.kind : exact.length === 1 ? exact[0].k.kind : null;
	const closest = [...fits].sort((a, b) => a.missing.length - b.missing.length)[0];
	const kind = chosen || detected || closest.k.kind;
	const fit = fits.find((f) => f.k.kind === kind) ?? closest;
	return {
		detected,
		candidates: matching.map((f) => f.k.kind),
		kind,
		missing: fit.missing,
		extra: header.filter((h) => fit.extra.includes(normaliseHeader(h)))
	};
}

/** The first page of a refused upload's stored report, as the upload's answer lists it. */
export function firstPageOf(report: ValidationReport) {
	const stored = report.stored!;
	return {
		page: 1,
		pages: Math.max(1, Math.ceil(stored.problems / stored.per_page)),
		total: stored.problems,
		from: report.problems.length ? 1 : 0,
		to: report.problems.length,
		rule: null
	};
}

/** Columns of the listed problems whose values look like personal data, in the order met. */
export const personalColumnsOf = (report: ValidationReport) => [
	...new Set(report.problems.filter((p) => p.personal).map((p) => p.column))
];

/** A refused upload's report as CSV, in the columns of GET /api/v1/extracts/<id>?format=csv. */
export { reportToCsv as reportCsv } from '$lib/csv';

/** An ISO instant as "2024-05-01 14:03 UTC". */
export const when = (iso: string | null) =>
	iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';

export const count = (n: number) => n.toLocaleString('en-GB');

export function fileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// Compiled once: the page's worker calls cellDate on a cell of every row of the file (no g flag, so
// exec keeps no state between calls).
const ISO_TIMESTAMP = new RegExp(ISO_TS);
const UK_TIMESTAMP = new RegExp(UK_TS);

/**
 * The calendar date of a cell as the server reads it (extracts.md, the patterns in $lib/dates): a
 * date, or a timestamp's date (in Europe/London when it carries an offset); null when unreadable.
 */
export function cellDate(value: string): string | null {
	const v = value.trim();
	const iso = ISO_TIMESTAMP.exec(v);
	if (iso) {
		const [, y, mo, d, hh, mi, ss, tz] = iso;
		// A date, or a timestamp already in London time; a day that does not exist (month 13) is
		// no date, so a file full of them still gets a valid as-at default and its report.
		if (!hh || !tz) return realDay(y, mo, d);
		const offset = tz === 'Z' || tz === 'z' ? 'Z' : tz.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
		const t = new Date(`${y}-${mo}-${d}T${hh}:${mi}:${ss ?? '00'}${offset}`);
		if (Number.isNaN(t.getTime())) return null;
		return londonDate(t);
	}
	const uk = UK_TIMESTAMP.exec(v);
	if (uk) return realDay(uk[3], uk[2], uk[1]);
	return null;
}

/** YYYY-MM-DD when the year, month and day name a day of the calendar; else null. */
function realDay(y: string, m: string, d: string): string | null {
	const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
	const ok =
		t.getUTCFullYear() === Number(y) &&
		t.getUTCMonth() === Number(m) - 1 &&
		t.getUTCDate() === Number(d);
	return ok ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : null;
}

export { defaultAsOf } from '$lib/dates';
