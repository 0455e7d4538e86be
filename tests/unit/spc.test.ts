import { describe, expect, it } from 'vitest';
import { limits, segments, signals, xmr } from '../../src/lib/server/metrics/spc';
import { monthRange } from '../../src/lib/server/metrics/months';

/** 20 baseline points 10, 12, 10, 12, …: centre 220 / 20 = 11, every mR 2 so AMR 38 / 19 = 2,
 * UCL 11 + 2.66 × 2 = 16.32, LCL 11 − 5.32 = 5.68, band (2/3) × 2.66 × 2 = 3.5467:
 * "beyond the band" means above 14.5467 or below 7.4533. Index 19 is 12. */
const base = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 10 : 12));

/** Indices of points with each signal after the baseline series is followed by `tail`. */
function signalled(tail: number[]): Record<string, number[]> {
	const values = [...base, ...tail];
	const l = limits(values)!;
	const out: Record<string, number[]> = {};
	signals(values, l).forEach((s, i) => s.forEach((name) => (out[name] ??= []).push(i)));
	return out;
}

describe('XmR limits', () => {
	it('takes centre, AMR and limits from the first up to 20 points', () => {
		const l = limits([...base, 1000])!; // the 21st point is not in the baseline
		expect(l.centre).toBe(11);
		expect(l.amr).toBe(2);
		expect(l.ucl).toBeCloseTo(16.32, 10);
		expect(l.lcl).toBeCloseTo(5.68, 10);
	});

	it('uses a 12-point baseline when that is all there is', () => {
		// [10, 12] × 6: centre 11, AMR 22 / 11 = 2.
		const l = limits(base.slice(0, 12))!;
		expect([l.centre, l.amr]).toEqual([11, 2]);
	});

	it('clamps LCL at 0', () => {
		// [0, 4] × 6: centre 2, AMR 4, 2 − 10.64 < 0.
		const l = limits(Array.from({ length: 12 }, (_, i) => (i % 2 ? 4 : 0)))!;
		expect(l.lcl).toBe(0);
		expect(l.ucl).toBeCloseTo(12.64, 10);
	});

	it('gives no limits with fewer than 12 points', () => {
		expect(limits(base.slice(0, 11))).toBeNull();
	});
});

describe('XmR signals', () => {
	it.each([
		['a point above UCL is outside', [17], { outside: [20] }],
		['a point below a positive LCL is outside', [5], { outside: [20] }],
		['a point just inside the limits is not', [16, 11, 6], {}],
		// Index 19 (12) and seven more 12s: 8 points strictly above 11.
		[
			'7 or more points above the centre are a shift',
			[12, 12, 12, 12, 12, 12, 12],
			{
				shift: [19, 20, 21, 22, 23, 24, 25, 26]
			}
		],
		['6 points above the centre are not a shift', [12, 12, 12, 12, 12], {}],
		['a point on the centre ends a run', [12, 12, 12, 11, 12, 12, 12], {}],
		// 11 equals the centre, so the rise 11 … 13.5 is 6 points with 5 rises and no shift.
		[
			'6 points each higher than the last are a trend',
			[11, 11.5, 12, 12.5, 13, 13.5],
			{
				trend: [20, 21, 22, 23, 24, 25]
			}
		],
		['5 rising points are not a trend', [11, 11.5, 12, 12.5, 13], {}],
		// 12 (index 19) then 11, 10.5, 10, 9.5, 9, 8.5: 7 falling points (all above 7.45, 6 below
		// the centre: no shift).
		[
			'falling points are a trend too',
			[11, 10.5, 10, 9.5, 9, 8.5],
			{
				trend: [19, 20, 21, 22, 23, 24, 25]
			}
		],
		['2 of 3 points beyond the band on one side', [15, 11, 15], { two_of_three: [20, 22] }],
		['2 of 3 below the band', [7, 11, 7], { two_of_three: [20, 22] }],
		['points beyond the band 3 apart are not', [15, 11, 11, 15], {}],
		['points beyond the band on opposite sides are not', [15, 11, 7], {}]
	])('%s', (_name, tail, expected) => {
		expect(signalled(tail)).toEqual(expected);
	});

	it('judges LCL only when it is above 0', () => {
		// [0, 4] × 10 then 0: LCL is 0, and 0 is not below it.
		const values = [...Array.from({ length: 20 }, (_, i) => (i % 2 ? 4 : 0)), 0];
		expect(signals(values, limits(values)!).flat()).toEqual([]);
	});
});

describe('XmR segments', () => {
	const months = monthRange('2022-01', '2023-12');

	it('starts a new segment at each rebase month inside the series', () => {
		const segs = segments(
			months.map((month) => ({ month })),
			['2020-04', '2022-01', '2023-01']
		);
		expect(segs.map((s) => [s[0].month, s.length])).toEqual([
			['2022-01', 12],
			['2023-01', 12]
		]);
	});

	it('computes limits per segment and never runs a signal across a boundary', () => {
		// 2022: sum 10+12+10+12+10+12+10+10+14×4 = 142, centre 142/12; last four 14s above it.
		// 2023: sum 14×4 + 10+12+10+12+10+12+10+12 = 56 + 88 = 144, centre 12; first four 14s above it.
		const v2022 = [10, 12, 10, 12, 10, 12, 10, 10, 14, 14, 14, 14];
		const v2023 = [14, 14, 14, 14, 10, 12, 10, 12, 10, 12, 10, 12];
		const series = months.map((month, i) => ({ month, value: [...v2022, ...v2023][i] }));
		const split = xmr(series, ['2023-01']);
		expect(split[0].centre).toBeCloseTo(142 / 12, 10);
		expect(split[12].centre).toBe(12);
		expect(split.filter((p) => p.signals.includes('shift'))).toEqual([]);
		// One segment: baseline of 20 sums 142 + 56 + 44 = 242, centre 12.1; the eight 14s (indices
		// 8-15) now form one run above it (and the 10s and 12s all sit below it).
		const whole = xmr(series, []);
		expect(whole[0].centre).toBeCloseTo(12.1, 10);
		expect([8, 9, 10, 11, 12, 13, 14, 15].every((i) => whole[i].signals.includes('shift'))).toBe(
			true
		);
	});

	it('says nothing about a segment with fewer than 12 points', () => {
		// 2022-08 … 2022-12 (5 points, one extreme) then 2023 (12 points of 10, 12).
		const series = monthRange('2022-08', '2023-12').map((month, i) => ({
			month,
			value: i === 2 ? 500 : i % 2 ? 12 : 10
		}));
		const points = xmr(series, ['2023-01']);
		expect(points.slice(0, 5)).toEqual(
			series
				.slice(0, 5)
				.map((p) => ({ ...p, centre: null, ucl: null, lcl: null, signals: [], incomplete: false }))
		);
		expect(points[5].centre).toBe(11);
		expect(points.slice(5).every((p) => p.ucl !== null)).toBe(true);
	});
});

describe('XmR limits compared beyond floating-point noise', () => {
	// The case: an LCL computed as 3.0000000000000004 must not put a month of 3 outside it.
	// Both limits sit a hair inside the values 3 and 7, as summed fractions leave them.
	const l = { centre: 5, amr: 0.75, ucl: 6.999999999999999, lcl: 3.0000000000000004 };

	it('never puts a value equal to a limit outside it', () => {
		expect(signals([3, 7], l).map((s) => s.includes('outside'))).toEqual([false, false]);
	});

	it('still puts a value just beyond a limit outside it', () => {
		expect(signals([2.99, 7.01], l).map((s) => s.includes('outside'))).toEqual([true, true]);
	});
});

describe('XmR and incomplete months', () => {
	// 12 complete months alternating 40, 44: centre 42, every mR 4 so AMR 4, UCL 42 + 2.66 × 4 =
	// 52.64, LCL 42 − 10.64 = 31.36. Then June 2024, incomplete, with only 4 so far.
	const complete = monthRange('2023-06', '2024-05').map((month, i) => ({
		month,
		value: i % 2 ? 44 : 40
	}));
	const june = { month: '2024-06', value: 4, incomplete: true };

	it('draws an incomplete month against the limits but never signals it', () => {
		const points = xmr([...complete, june], ['2020-04']);
		const last = points[points.length - 1];
		expect(last).toEqual({
			month: '2024-06',
			value: 4,
			centre: 42,
			ucl: points[0].ucl,
			lcl: points[0].lcl,
			signals: [],
			incomplete: true
		});
		expect(points[0].ucl).toBeCloseTo(52.64, 10);
		expect(points[0].lcl).toBeCloseTo(31.36, 10);
		// Had June counted, 4 < 31.36 would be "outside".
		expect(xmr([...complete, { ...june, incomplete: false }], [])[12].signals).toContain('outside');
	});

	it('keeps an incomplete month out of the baseline', () => {
		// 11 complete months are too few for limits; the incomplete twelfth does not make up the number.
		const points = xmr([...complete.slice(0, 11), { ...june, month: '2024-05' }], []);
		expect(points.every((p) => p.centre === null && p.signals.length === 0)).toBe(true);
	});
});
