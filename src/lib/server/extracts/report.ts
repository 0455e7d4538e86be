// The validation report of an upload: every problem (up to MAX_PROBLEMS), a grouped summary, warnings,
// and its CSV download; a refused upload's report is stored whole (refused.ts) and answered a page at a time.

/** One problem: where (file line, header = 1), which column, the value (safe to show), why. */
export type Problem = {
	line: number;
	column: string;
	value: string;
	/** The reason as a phrase after the column name, e.g. "is DD/MM/YYYY with month 13". */
	reason: string;
	/** `${column} ${reason}`, a sentence an analyst reads. */
	message: string;
	/** Personal data: the value is masked and the fix is to remove or pseudonymise the column. */
	personal?: boolean;
	/** The summary line (1-based) the problem is counted in, so a report can be filtered by rule. */
	rule?: number;
};

/** Problems grouped by column and reason: "412 rows: recorded_date is DD/MM/YYYY with month 13". */
export interface SummaryLine {
	column: string;
	reason: string;
	count: number;
	firstLines: number[];
	message: string;
}

export interface ValidationReport {
	kind: string | null;
	fileName: string | null;
	bytes: number;
	sha256: string;
	encoding: 'utf-8' | 'windows-1252';
	/** Data rows in the file. */
	rows: number;
	/** Every problem counted, even those not kept in `problems`. */
	errorCount: number;
	/**
	 * In file order: every problem (up to MAX_PROBLEMS) as the pipeline finds them; in an answer to a
	 * refused upload, the first page of them (the stored report has the rest, see `stored`).
	 */
	problems: Problem[];
	/** More problems exist than `problems` lists. */
	truncated: boolean;
	summary: SummaryLine[];
	warnings: string[];
	/** The column mapping the file was read with (mappings.ts); null or absent when none. */
	mapping?: { name: string; version: number } | null;
	/** A refused upload's stored report: where every problem can be read, paged or as CSV. */
	stored?: StoredReportRef;
}

/** Where a refused upload's whole report is kept (refused.ts). */
export interface StoredReportRef {
	ref: string;
	/** Problems stored: every one found, unless `capped`. */
	problems: number;
	/** More than MAX_PROBLEMS were found; the first MAX_PROBLEMS in file order are kept. */
	capped: boolean;
	/** Problems listed in the answer (its first page). */
	per_page: number;
	/** The report as JSON (GET, paged). */
	href: string;
	/** Every problem as CSV. */
	csv: string;
	/** The report's page for a person. */
	page: string;
}

/**
 * Problems kept of one file: far above any real month's errors (a 10,000-problem file keeps them
 * all), and a bound on the memory and storage one hostile file can take.
 */
export const MAX_PROBLEMS = 100_000;

/** Problems an answer or a page lists at once. */
export const PAGE_SIZE = 50;

export function problem(
	line: number,
	column: string,
	value: string,
	reason: string,
	personal = false
): Problem {
	return {
		line,
		column,
		value,
		reason,
		message: `${column} ${reason}`,
		...(personal ? { personal } : {})
	};
}

export function summaryLine(
	column: string,
	reason: string,
	count: number,
	firstLines: number[]
): SummaryLine {
	const rows = count === 1 ? '1 row' : `${count} rows`;
	return { column, reason, count, firstLines, message: `${rows}: ${column} ${reason}` };
}

/** Group problems held in memory (the SQL path groups in DuckDB and builds SummaryLine itself). */
export function summarise(problems: Problem[]): SummaryLine[] {
	const groups = new Map<string, { column: string; reason: string; lines: number[] }>();
	for (const p of problems) {
		const key = `${p.column}\u0000${p.reason}`;
		const g = groups.get(key) ?? { column: p.column, reason: p.reason, lines: [] };
		g.lines.push(p.line);
		groups.set(key, g);
	}
	return [...groups.values()]
		.map((g) => summaryLine(g.column, g.reason, g.lines.length, g.lines.slice(0, 5)))
		.sort((a, b) => b.count - a.count);
}

/** A one-paragraph account of a refused file for a message or a console. */
export function describeProblems(report: ValidationReport, limit = 5): string {
	const parts = report.summary.slice(0, limit).map((s) => s.message);
	const more = report.summary.length - parts.length;
	return parts.join('; ') + (more > 0 ? `; and ${more} more kinds of problem` : '');
}

// The report's CSV is shared with the browser's Extracts page: one rule for both.
export { csvCell, reportToCsv } from '../../csv';
