import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/lib/server/metrics/csv';
import { describePoint, describeSeries } from '../../src/lib/server/metrics/summary';
import { xmr } from '../../src/lib/server/metrics/spc';
import { monthRange } from '../../src/lib/server/metrics/months';

const series = (from: string, values: number[]) =>
	monthRange(from, monthRange(from, '2100-01')[values.length - 1]).map((month, i) => ({
		month,
		value: values[i]
	}));

describe('CSV cells', () => {
	it.each([
		['=SUM(A1)', "'=SUM(A1)"],
		['+1', "'+1"],
		['-1', "'-1"],
		['@x', "'@x"],
		['\tx', "'\tx"],
		['\rx', `"'\rx"`],
		['a,b', '"a,b"'],
		['say "hi"', '"say ""hi"""'],
		['Newark and Sherwood', 'Newark and Sherwood']
	])('writes %j as %j', (input, output) => {
		expect(csvCell(input)).toBe(output);
	});

	it('writes numbers as numbers, null as empty and ends lines with CRLF', () => {
		expect(toCsv(['a', 'b', 'c'], [[-0.5, null, true]])).toBe('a,b,c\r\n-0.5,,true\r\n');
	});
});

describe('sentences', () => {
	// 2023-04 … 2025-03: 12 months of 10, 12, … (sum 132) then 12 months summing 186.
	const before = Array.from({ length: 12 }, (_, i) => (i % 2 ? 12 : 10));

	it('states the 12-month total and change, and a signal in the latest month', () => {
		// 2024/25: 10, 12 × 5 pairs then 12, 64: sum 11 × 10 + 12 + 64 = 186 (up 54 on 132 = 41%).
		// One segment; baseline 20 points of 10/12 (centre 11, AMR 2, UCL 16.32): 64 is outside.
		const after = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 12, 64];
		const points = xmr(series('2023-04', [...before, ...after]), []);
		expect(describeSeries('Charges', points)).toBe(
			'Charges in the 12 months to March 2025: 186, up 41% on the 12 months before; March 2025 is above the usual range (a significant change).'
		);
	});

	it('never calls a change significant without a signal', () => {
		// 2024/25 alternates 10, 14 (sum 144, up 12 on 132 = 9%). Baseline: 132 + 4 × 24 = 228 / 20
		// = 11.4; mR 11 × 2 + 2 + 7 × 4 = 52 / 19 = 2.737; UCL 18.68, band ±4.85: 10 and 14 alternate
		// around the centre inside the band, so no month signals. (12, 14 would be a shift.)
		const after = Array.from({ length: 12 }, (_, i) => (i % 2 ? 14 : 10));
		const points = xmr(series('2023-04', [...before, ...after]), []);
		expect(points.at(-1)!.signals).toEqual([]);
		const text = describeSeries('Arrests', points);
		expect(text).toBe(
			'Arrests in the 12 months to March 2025: 144, up 9% on the 12 months before; March 2025 is within the usual range (no significant change).'
		);
	});

	it('says when there is not enough data to judge', () => {
		const points = xmr(series('2024-10', [3, 4, 5, 6, 7, 8]), []);
		expect(describeSeries('Crimes recorded', points)).toBe(
			'Crimes recorded in the 6 months to March 2025: 33; there is not enough data yet (12 months since the last break in the series) to say whether March 2025 is unusual.'
		);
	});

	it('describes one month against its limits', () => {
		const points = xmr(series('2023-04', [...before, ...before.slice(0, 8), 40]), []);
		expect(describePoint('Charges', points.at(-1)!)).toBe(
			'Charges in December 2024 were above the usual range (special cause): 40.'
		);
		expect(describePoint('Charges', points[3])).toBe(
			'Charges in July 2023 (12) were within the usual range (common cause).'
		);
	});
});
