// Drawing XmR charts: segments of constant limits and one marker shape per signal.
import { describe, expect, it } from 'vitest';
import { markerFor, markerPath, signalWords, xmrSegments } from '../../src/lib/charts/xmr';
import type { SpcPoint } from '../../src/lib/charts/types';

const p = (
	month: string,
	value: number,
	centre: number | null,
	ucl: number | null,
	lcl: number | null,
	signals: string[] = []
): SpcPoint => ({
	month,
	value,
	centre,
	ucl,
	lcl,
	signals
});

describe('xmrSegments', () => {
	it('groups consecutive points that share limits and skips points with none', () => {
		const points = [
			p('2022-11', 5, null, null, null),
			p('2022-12', 6, 10, 20, 0),
			p('2023-01', 7, 10, 20, 0),
			p('2023-02', 8, 12, 25, 1), // rebase: new limits start a new segment
			p('2023-03', 9, 12, 25, 1)
		];
		expect(xmrSegments(points)).toEqual([
			{ start: 1, end: 2, centre: 10, ucl: 20, lcl: 0 },
			{ start: 3, end: 4, centre: 12, ucl: 25, lcl: 1 }
		]);
	});

	it('returns no segment when the series has too few points for limits', () => {
		expect(xmrSegments([p('2024-01', 3, null, null, null)])).toEqual([]);
	});
});

describe('markerFor', () => {
	it('marks a point above the upper limit with an upward triangle and below the lower with a downward one', () => {
		expect(markerFor(p('2024-03', 30, 10, 20, 2, ['outside']))).toBe('above');
		expect(markerFor(p('2024-03', 1, 10, 20, 2, ['outside']))).toBe('below');
	});

	it('shows the strongest rule when a point carries several signals', () => {
		expect(markerFor(p('2024-03', 30, 10, 20, 2, ['shift', 'outside']))).toBe('above');
		expect(markerFor(p('2024-03', 18, 10, 20, 2, ['trend', 'two_of_three']))).toBe('two_of_three');
		expect(markerFor(p('2024-03', 12, 10, 20, 2, ['trend', 'shift']))).toBe('shift');
		expect(markerFor(p('2024-03', 12, 10, 20, 2, ['trend']))).toBe('trend');
		expect(markerFor(p('2024-03', 12, 10, 20, 2, []))).toBeNull();
	});

	it('puts every signal in words for the tooltip and table', () => {
		expect(signalWords(p('2024-03', 30, 10, 20, 2, ['outside', 'shift']))).toBe(
			'above the upper limit; run of 7 or more on one side of the centre'
		);
		expect(signalWords(p('2024-03', 10, 10, 20, 2))).toBe('');
	});

	it('draws each marker as a closed path of its own shape', () => {
		const shapes = ['triangle-up', 'triangle-down', 'square', 'diamond', 'star'].map((s) =>
			markerPath(s)
		);
		expect(new Set(shapes).size).toBe(5);
		for (const d of shapes) expect(d.endsWith('Z')).toBe(true);
	});
});
