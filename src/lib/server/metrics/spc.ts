// XmR (individuals and moving range) charts exactly as metrics.md writes them: pure functions.
import type { Signal, SpcPoint } from './types';

/** Points needed in a segment before it gets limits; the baseline is at most BASELINE_MAX points. */
export const MIN_POINTS = 12;
export const BASELINE_MAX = 20;
/** Scaling constant of the XmR chart (3 / d2 with d2 = 1.128). */
export const E2 = 2.66;
const SHIFT_RUN = 7;
const TREND_RUN = 6;

export interface Limits {
	centre: number;
	amr: number;
	ucl: number;
	lcl: number;
}

/** Split a month series into segments: each rebase month inside it (not its first) starts a new one. */
export function segments<T extends { month: string }>(points: T[], rebaseMonths: string[]): T[][] {
	const starts = new Set(rebaseMonths);
	const out: T[][] = [];
	points.forEach((p, i) => {
		if (i === 0 || starts.has(p.month)) out.push([]);
		out[out.length - 1].push(p);
	});
	return out;
}

/** Centre, average moving range and limits from the first up to 20 values; null with fewer than 12. */
export function limits(values: number[]): Limits | null {
	if (values.length < MIN_POINTS) return null;
	const base = values.slice(0, BASELINE_MAX);
	const centre = base.reduce((a, b) => a + b, 0) / base.length;
	let mr = 0;
	for (let i = 1; i < base.length; i++) mr += Math.abs(base[i] - base[i - 1]);
	const amr = mr / (base.length - 1);
	return { centre, amr, ucl: centre + E2 * amr, lcl: Math.max(0, centre - E2 * amr) };
}

/**
 * Strictly above / below a limit, beyond floating-point noise: limits are sums of fractions, so an
 * LCL computed as 3.0000000000000004 must not put a month of 3 outside it.
 */
const tolerance = (limit: number) => 1e-9 * Math.max(1, Math.abs(limit));
export const isAbove = (value: number, limit: number) => value - limit > tolerance(limit);
export const isBelow = (value: number, limit: number) => limit - value > tolerance(limit);

/** Mark every index in a maximal run (consecutive i where `continues(i)` links i to i−1) of `min`+ points. */
function markRuns(n: number, min: number, continues: (i: number) => boolean, mark: Set<number>) {
	let start = 0;
	for (let i = 1; i <= n; i++) {
		if (i < n && continues(i)) continue;
		if (i - start >= min) for (let k = start; k < i; k++) mark.add(k);
		start = i;
	}
}

/** The signals of each value of one segment against its limits (metrics.md "Signals"). */
export function signals(values: number[], l: Limits): Signal[][] {
	const n = values.length;
	const outside = new Set<number>();
	values.forEach((v, i) => {
		if (isAbove(v, l.ucl) || (isAbove(l.lcl, 0) && isBelow(v, l.lcl))) outside.add(i);
	});

	// shift: runs strictly on one side; a point on the centre ends a run (and is in none).
	const shift = new Set<number>();
	const side = values.map((v) => (isAbove(v, l.centre) ? 1 : isBelow(v, l.centre) ? -1 : 0));
	let start = 0;
	for (let i = 1; i <= n; i++) {
		if (i < n && side[i] !== 0 && side[i] === side[start]) continue;
		if (side[start] !== 0 && i - start >= SHIFT_RUN) for (let k = start; k < i; k++) shift.add(k);
		start = i;
	}

	// trend: 6 or more points each strictly higher (or each strictly lower) than the one before.
	const trend = new Set<number>();
	markRuns(n, TREND_RUN, (i) => values[i] > values[i - 1], trend);
	markRuns(n, TREND_RUN, (i) => values[i] < values[i - 1], trend);

	// two_of_three: beyond the band on one side, with another such point in a window of 3 around it.
	const band = (2 / 3) * E2 * l.amr;
	const high = values.map((v) => isAbove(v, l.centre + band));
	const low = values.map((v) => isBelow(v, l.centre - band));
	const twoOfThree = new Set<number>();
	for (const beyond of [high, low]) {
		for (let w = 0; w + 3 <= n; w++) {
			const inWindow = [w, w + 1, w + 2].filter((k) => beyond[k]);
			if (inWindow.length >= 2) for (const k of inWindow) twoOfThree.add(k);
		}
	}

	return values.map((_, i) => {
		const s: Signal[] = [];
		if (outside.has(i)) s.push('outside');
		if (shift.has(i)) s.push('shift');
		if (trend.has(i)) s.push('trend');
		if (twoOfThree.has(i)) s.push('two_of_three');
		return s;
	});
}

/**
 * The XmR chart of a monthly series: limits per segment (split at rebase months) and signals.
 * Incomplete months (metrics.md) are drawn against their segment's limits but are never in a
 * baseline and never judged: limits and signals come from the complete months alone.
 */
export function xmr(
	series: { month: string; value: number; incomplete?: boolean }[],
	rebaseMonths: string[]
): SpcPoint[] {
	return segments(series, rebaseMonths).flatMap((seg): SpcPoint[] => {
		const complete = seg.filter((p) => !p.incomplete);
		const values = complete.map((p) => p.value);
		const l = limits(values);
		const sig = l ? signals(values, l) : [];
		const signalOf = new Map(complete.map((p, i) => [p, sig[i] ?? []]));
		return seg.map((p) => ({
			month: p.month,
			value: p.value,
			centre: l?.centre ?? null,
			ucl: l?.ucl ?? null,
			lcl: l?.lcl ?? null,
			signals: signalOf.get(p) ?? [],
			incomplete: p.incomplete ?? false
		}));
	});
}
