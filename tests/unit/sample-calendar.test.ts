import { describe, expect, it } from 'vitest';
import {
	dayOf,
	formatTimestamp,
	fromLondon,
	isoDate,
	lastSunday,
	londonMonth,
	londonOffset,
	monthsBetween
} from '../../src/lib/server/sample/calendar';
import { Random, Weighted } from '../../src/lib/server/sample/random';
import { thousands } from '../../src/lib/server/sample/load';

describe('sample calendar', () => {
	it('finds the last Sundays of March and October (the UK clock changes)', () => {
		// 2023: clocks went forward on 26 March and back on 29 October; 2024: 31 March and 27 October.
		expect(isoDate(lastSunday(2023, 3))).toBe('2023-03-26');
		expect(isoDate(lastSunday(2023, 10))).toBe('2023-10-29');
		expect(isoDate(lastSunday(2024, 3))).toBe('2024-03-31');
		expect(isoDate(lastSunday(2024, 10))).toBe('2024-10-27');
	});

	it('switches the London offset at 01:00 UTC on the change days', () => {
		const start = dayOf(2023, 3, 26) * 1440 + 60;
		expect(londonOffset(start - 1)).toBe(0);
		expect(londonOffset(start)).toBe(60);
		const end = dayOf(2023, 10, 29) * 1440 + 60;
		expect(londonOffset(end - 1)).toBe(60);
		expect(londonOffset(end)).toBe(0);
	});

	it('writes a late June evening in UTC as the previous hour, still in June', () => {
		const t = fromLondon(dayOf(2023, 6, 30), 23 * 60 + 45);
		expect(formatTimestamp(t, 5, 'utc')).toBe('2023-06-30T22:45:05Z');
		expect(formatTimestamp(t, 5, 'local')).toBe('2023-06-30 23:45:05');
		expect(londonMonth(t)).toBe('2023-06');
	});

	it('writes half past midnight on 1 July BST with a June UTC date but a July London month', () => {
		const t = fromLondon(dayOf(2023, 7, 1), 30);
		expect(formatTimestamp(t, 0, 'utc')).toBe('2023-06-30T23:30:00Z');
		expect(formatTimestamp(t, 0, 'offset')).toBe('2023-07-01T00:30:00+01:00');
		expect(londonMonth(t)).toBe('2023-07');
	});

	it('moves a wall-clock time in the spring-forward gap on by an hour', () => {
		// 01:30 on 26 March 2023 does not exist in London; read as GMT it is 02:30 BST.
		const t = fromLondon(dayOf(2023, 3, 26), 90);
		expect(formatTimestamp(t, 0, 'local')).toBe('2023-03-26 02:30:00');
		expect(formatTimestamp(t, 0, 'utc')).toBe('2023-03-26T01:30:00Z');
	});

	it('reads an autumn time that occurs twice as the first (BST) one', () => {
		const t = fromLondon(dayOf(2023, 10, 29), 90);
		expect(formatTimestamp(t, 0, 'utc')).toBe('2023-10-29T00:30:00Z');
		expect(formatTimestamp(t, 0, 'offset')).toBe('2023-10-29T01:30:00+01:00');
	});

	it('writes winter times with +00:00 and the UK day-first form without seconds', () => {
		const t = fromLondon(dayOf(2024, 1, 15), 600);
		expect(formatTimestamp(t, 9, 'offset')).toBe('2024-01-15T10:00:09+00:00');
		expect(formatTimestamp(t, 9, 'uk')).toBe('15/01/2024 10:00');
	});

	it('lists the 72 months from April 2019 to March 2025 with their lengths', () => {
		const months = monthsBetween(dayOf(2019, 4, 1), dayOf(2025, 3, 31));
		expect(months).toHaveLength(72);
		expect(months[0]).toMatchObject({ label: '2019-04', days: 30 });
		// February 2020 and 2024 are leap months.
		expect(months.find((m) => m.label === '2020-02')?.days).toBe(29);
		expect(months.find((m) => m.label === '2023-02')?.days).toBe(28);
		expect(months[71].label).toBe('2025-03');
	});
});

describe('sample randomness', () => {
	it('repeats the same sequence for the same seed and stream, and differs otherwise', () => {
		const draw = (seed: number, stream: string) => {
			const r = new Random(seed, stream);
			return Array.from({ length: 5 }, () => r.next());
		};
		expect(draw(1, 'a')).toEqual(draw(1, 'a'));
		expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
		expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
	});

	it('keeps integers within their bounds and reaches both ends', () => {
		const r = new Random(7);
		const seen = new Set<number>();
		for (let i = 0; i < 1000; i++) seen.add(r.int(3, 6));
		expect([...seen].sort()).toEqual([3, 4, 5, 6]);
	});

	it('draws Poisson counts with the requested mean, small and large', () => {
		// 20,000 draws: the standard error of the mean is sqrt(3/20000) ≈ 0.012 and sqrt(400/20000) ≈ 0.14.
		const r = new Random(11);
		const mean = (lambda: number) => {
			let s = 0;
			for (let i = 0; i < 20_000; i++) s += r.poisson(lambda);
			return s / 20_000;
		};
		expect(mean(3)).toBeGreaterThan(2.95);
		expect(mean(3)).toBeLessThan(3.05);
		expect(mean(400)).toBeGreaterThan(399.4);
		expect(mean(400)).toBeLessThan(400.6);
		expect(r.poisson(0)).toBe(0);
	});

	it('draws weighted choices in proportion to their weights', () => {
		// 1:3 weights over 40,000 draws: expect 10,000 ± about 87 (sd) of the first.
		const w = new Weighted([
			['a', 1],
			['b', 3]
		]);
		const r = new Random(5);
		let a = 0;
		for (let i = 0; i < 40_000; i++) if (w.draw(r) === 'a') a++;
		expect(a).toBeGreaterThan(9_600);
		expect(a).toBeLessThan(10_400);
	});

	it('formats row counts with thousands separators regardless of locale', () => {
		expect(thousands(41231)).toBe('41,231');
		expect(thousands(999)).toBe('999');
		expect(thousands(1234567)).toBe('1,234,567');
	});
});
