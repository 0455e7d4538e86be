// A figure declared once: rows plus typed columns. The dashboard's table twins, the CSV, the API and
// a published summary all render this one shape; disclosure control works on its typed cells.
// Pure and free of server imports, so the browser can render a figure too.
import { fmtCount, fmtDecimal, fmtPct, monthLong } from './charts/format';

/** How a column's cells are read, formatted and (when published) protected. */
export type ColumnType =
	'count' | 'rate' | 'ratio' | 'estimate' | 'median' | 'month' | 'fy' | 'text';

export interface Column {
	key: string;
	label: string;
	type: ColumnType;
	/**
	 * count: what is counted, for recognising the same figure printed twice or as a part of another
	 * (defaults to `key`). Two count cells with the same measure and scope are the same number.
	 */
	measure?: string;
	/** rate: the count columns (same row) it is numerator ÷ denominator of. */
	numerator?: string;
	denominator?: string;
	/** ratio, estimate: count columns (same row) it is worked out from; withheld if one is suppressed. */
	depends?: string[];
	/** median (or any statistic): the count column holding how many cases it is over. */
	cases?: string;
}

/** A cell: a number, a label, null (not available or withheld), or a disclosure marker string. */
export type Cell = number | string | null;
export type Row = Record<string, Cell>;

/** What a row is about: at least one whole month and one whole force area (or the force). */
export interface RowScope {
	/** First month, `YYYY-MM`. */
	from: string;
	/** Last month, `YYYY-MM`. */
	to: string;
	/** `force`, or one of the force's own area names. */
	area: string;
	/**
	 * A category the row is about within that area and period, e.g. `role:control_room`. Rows with
	 * parts and a row without, for the same measure and scope, are a breakdown and its total.
	 */
	part?: string;
}

/** How a figure is drawn: bars from zero or lines, x from one column, one series per y column. */
export interface ChartSpec {
	kind: 'bars' | 'lines';
	x: string;
	y: string[];
}

/** The area scope that stands for the whole force. */
export const FORCE = 'force';

export interface Figure {
	id: string;
	title: string;
	columns: Column[];
	rows: Row[];
	/** One per row: the period and area it describes (disclosure control reads these). */
	scopes: RowScope[];
	/** The last row is a total of the others (printed in bold, labelled Total). */
	total_row?: boolean;
	/** How it is drawn; without, the figure is a table only. */
	chart?: ChartSpec;
	/** Per row, a word after its label ("provisional", "incomplete month"), or null. */
	row_notes?: (string | null)[];
}

/**
 * A declared sum between measures in the same scope, e.g. recorded = outcome_assigned + open: if a
 * summary prints all of them, a suppressed one could be recovered by subtraction.
 */
export interface MeasureSum {
	total: string;
	parts: string[];
}

/** How a published count that is withheld is shown (metrics.md "Disclosure control"). */
export interface DisclosureSettings {
	/** Counts from 1 to threshold − 1 are shown as `<threshold`. */
	threshold: number;
	/** null, or 5: unsuppressed counts rounded to the nearest 5 and rates worked from rounded counts. */
	rounding: null | 5;
	/** A rate is withheld when its denominator is below this. */
	rate_min_denominator: number;
	/** A median or other statistic over fewer cases than this is withheld. */
	statistic_min_cases: number;
}

/** The marker for a count below the threshold, e.g. `<5`. */
export function belowThreshold(threshold: number): string {
	return `<${threshold}`;
}

/**
 * The marker for a count withheld only so that a small count elsewhere cannot be worked out by
 * subtraction (secondary suppression). ONS marks withheld cells `[c]`, for "confidential".
 */
export const WITHHELD = '[c]';

/** A count cell as published: a number, or one of the two markers. */
export function isSuppressed(cell: Cell): boolean {
	return typeof cell === 'string';
}

/** Every column key of a figure in order (the CSV header, the table's columns). */
export function columnKeys(f: Pick<Figure, 'columns'>): string[] {
	return f.columns.map((c) => c.key);
}

/** A cell as printed in a table: counts with separators, rates as percentages, months in words. */
export function formatCell(cell: Cell, column: Column): string {
	if (cell === null) return '–';
	if (typeof cell === 'string' && column.type !== 'month') return cell;
	switch (column.type) {
		case 'count':
		case 'estimate':
			return fmtCount(cell as number);
		case 'rate':
		case 'ratio':
			return fmtPct(cell as number);
		case 'median':
			return fmtDecimal(cell as number);
		case 'month':
			return typeof cell === 'string' && /^\d{4}-\d{2}$/.test(cell)
				? monthLong(cell)
				: String(cell);
		default:
			return String(cell);
	}
}

/** Whether a column holds numbers (right-aligned, tabular figures). */
export function isNumeric(column: Column): boolean {
	return !['month', 'fy', 'text'].includes(column.type);
}
