// The benchmark's arithmetic: percentiles by nearest rank, and the summary of a list of timings.

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest sample with at least p% of the
 * samples at or below it, i.e. the ⌈p/100 × n⌉-th smallest. Always one of the samples (no
 * interpolation); NaN for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
	if (!(p > 0 && p <= 100))
		throw new RangeError(`A percentile is over 0 and at most 100, not ${p}.`);
	if (samples.length === 0) return NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Timing {
	n: number;
	p50: number;
	p95: number;
	max: number;
}

/** Rounded to a tenth of a millisecond (or whatever unit the samples are in). */
export const tenth = (x: number) => Math.round(x * 10) / 10;

/** n, p50, p95 and max of the samples, each to a tenth. */
export function summarise(samples: readonly number[]): Timing {
	return {
		n: samples.length,
		p50: tenth(percentile(samples, 50)),
		p95: tenth(percentile(samples, 95)),
		max: tenth(samples.length ? Math.max(...samples) : NaN)
	};
}

/** a / b to two decimals, or null when b is 0 or not finite. */
export function ratio(a: number, b: number): number | null {
	if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
	return Math.round((a / b) * 100) / 100;
}

/** Milliseconds since `started` (a performance.now() reading). */
export const since = (started: number) => performance.now() - started;
