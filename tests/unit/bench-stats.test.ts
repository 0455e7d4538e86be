// The benchmark's percentiles (nearest rank) and summaries, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { percentile, ratio, summarise } from '../../src/lib/server/bench/stats';

describe('percentile (nearest rank: the ⌈p/100 × n⌉-th smallest)', () => {
	it('takes ranks of 1 to 10', () => {
		const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
		// n = 10: p50 -> rank 5 -> 5; p95 -> ⌈9.5⌉ = 10 -> 10; p90 -> rank 9 -> 9; p10 -> rank 1 -> 1.
		expect(percentile(xs, 50)).toBe(5);
		expect(percentile(xs, 95)).toBe(10);
		expect(percentile(xs, 90)).toBe(9);
		expect(percentile(xs, 10)).toBe(1);
		expect(percentile(xs, 100)).toBe(10);
		// p1 -> ⌈0.1⌉ = 1 -> the smallest.
		expect(percentile(xs, 1)).toBe(1);
	});

	it('on 30 runs (the benchmark count): p50 is the 15th smallest, p95 the 29th', () => {
		const xs = Array.from({ length: 30 }, (_, i) => (i + 1) * 2); // 2, 4, …, 60
		expect(percentile(xs, 50)).toBe(30); // ⌈15⌉ -> 15th -> 30
		expect(percentile(xs, 95)).toBe(58); // ⌈28.5⌉ = 29 -> 29th -> 58
	});

	it('handles odd counts, one sample, repeats and no samples, and leaves its input alone', () => {
		const xs = [3.5, 0.5, 2.5];
		expect(percentile(xs, 50)).toBe(2.5); // ⌈1.5⌉ = 2 -> 2.5
		expect(percentile(xs, 95)).toBe(3.5); // ⌈2.85⌉ = 3
		expect(xs).toEqual([3.5, 0.5, 2.5]);
		expect(percentile([7], 50)).toBe(7);
		expect(percentile([7], 95)).toBe(7);
		expect(percentile([4, 4, 4, 1], 50)).toBe(4); // sorted 1 4 4 4, rank 2
		expect(percentile([], 50)).toBeNaN();
	});

	it('sorts numerically, not as text', () => {
		expect(percentile([100, 20, 3], 50)).toBe(20);
	});

	it('refuses a p outside (0, 100]', () => {
		expect(() => percentile([1], 0)).toThrow(RangeError);
		expect(() => percentile([1], 101)).toThrow(RangeError);
	});
});

describe('summarise and ratio', () => {
	it('gives n, p50, p95 and max to a tenth', () => {
		expect(summarise([1.04, 2.06, 3.01, 4.0])).toEqual({ n: 4, p50: 2.1, p95: 4, max: 4 });
	});
	it('divides to two decimals, and gives null rather than dividing by 0', () => {
		expect(ratio(3, 2)).toBe(1.5);
		expect(ratio(1, 3)).toBe(0.33);
		expect(ratio(1, 0)).toBeNull();
		expect(ratio(NaN, 1)).toBeNull();
	});
});
