// Shapes the charts draw: the aggregates api.md defines (the browser never receives rows).

export interface SpcPoint {
	month: string;
	value: number | null;
	centre: number | null;
	ucl: number | null;
	lcl: number | null;
	signals: string[];
}

/** A vertical marker at a month: counting-rule change, training roll-out. */
export interface Annotation {
	month: string;
	label: string;
}

/** One line in a line chart; `values` line up with the chart's months (null = no figure). */
export interface Series {
	key: string;
	label: string;
	values: (number | null)[];
	/** Longer text for the tooltip/table, e.g. the denominator of a rate. */
	detail?: (i: number) => string;
	/** Dash pattern so colour is never the only cue. */
	dash?: string;
	/** Palette slot 1–6. */
	colour?: number;
}

export interface ReferenceLine {
	value: number;
	label: string;
}

export interface BarItem {
	label: string;
	value: number | null;
	/** Text after the value, e.g. '(212 of 240 staff)'. */
	note?: string;
}

export interface StackRow {
	label: string;
	values: Record<string, number>;
}

export interface StackKey {
	key: string;
	label: string;
	colour: number;
}

export interface DumbbellRow {
	label: string;
	recorded: number | null;
	estimated: number | null;
	lower: number | null;
	upper: number | null;
	note?: string;
}

export interface Multiple {
	label: string;
	values: (number | null)[];
	/** Headline shown above the small chart, e.g. '0.12 per 1,000 adults'. */
	headline: string;
}
