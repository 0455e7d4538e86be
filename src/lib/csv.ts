// CSV that spreadsheets open safely: RFC 4180 quoting, and text that would run as a formula
// defused. Pure and import-free, so the server, the CLI and the browser share the one rule.
import type { ValidationReport } from './server/extracts/report';

// Spreadsheets run cells that start with these as formulas (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: empty for null, quoted when needed; text starting like a formula gets an apostrophe. */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	// Numbers and booleans are data, never formulas: -0.5 stays -0.5.
	if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header and rows, CRLF line ends (what Excel expects). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
	return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** An upload's validation report: one row per problem, then warnings (API and Extracts page). */
export function reportToCsv(report: ValidationReport): string {
	const rows: unknown[][] = report.problems.map((p) => [
		'error',
		p.line,
		p.column,
		p.value,
		p.message
	]);
	if (report.truncated) {
		const more = report.errorCount - report.problems.length;
		rows.push(['error', '', '', '', `${more} more problems not listed (see the summary)`]);
	}
	for (const w of report.warnings) rows.push(['warning', '', '', '', w]);
	return toCsv(['severity', 'line', 'column', 'value', 'problem'], rows);
}
