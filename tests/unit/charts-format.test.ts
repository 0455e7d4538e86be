// The charts' pure helpers: months, formats, zero-based domains, keyboard stepping, palette contrast.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	annotationsInRange,
	contrastRatio,
	csvHref,
	dateLong,
	fmtCount,
	fmtPct,
	fmtSignedPct,
	monthLong,
	monthRange,
	monthShort,
	nearestIndex,
	niceCeil,
	pctChange,
	periodLabel,
	stepIndex,
	zeroBasedDomain
} from '../../src/lib/charts/format';

describe('months', () => {
	it('names months in words', () => {
		expect(monthLong('2024-03')).toBe('March 2024');
		expect(monthShort('2020-04')).toBe('Apr 2020');
		expect(periodLabel('2023-04', '2025-03')).toBe('April 2023 to March 2025');
		expect(periodLabel('2025-03', '2025-03')).toBe('March 2025');
		expect(dateLong('2025-05-12')).toBe('12 May 2025');
		expect(dateLong('2025-03-31T23:00:00.000Z')).toBe('31 March 2025');
	});

	it('lists every month of a period inclusive, across a year end', () => {
		expect(monthRange('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
		expect(monthRange('2024-02', '2023-11')).toEqual([]);
	});

	it('refuses a month that is not YYYY-MM', () => {
		expect(() => monthLong('2024-3')).toThrow(/YYYY-MM/);
	});
});

describe('numbers and rates', () => {
	it('formats counts with thousands separators and a dash for no figure', () => {
		expect(fmtCount(1544)).toBe('1,544');
		expect(fmtCount(0)).toBe('0');
		expect(fmtCount(null)).toBe('–');
	});

	it('shows rates as percentages and a null rate (denominator 0) as a dash, never 0%', () => {
		expect(fmtPct(0.1234)).toBe('12.3%');
		expect(fmtPct(1, 0)).toBe('100%');
		expect(fmtPct(null)).toBe('–');
	});

	it('states a change in words or signed percent', () => {
		// 198 charges against 150: (198 - 150) / 150 = 0.32 → +32%
		expect(fmtSignedPct(pctChange(150, 198))).toBe('+32%');
		// 90 against 100: −10%
		expect(fmtSignedPct(pctChange(100, 90))).toBe('−10%');
		expect(fmtSignedPct(pctChange(0, 5))).toBe('no comparison (none before)');
		expect(fmtSignedPct(pctChange(100, 100.2))).toBe('no change');
	});
});

describe('axes', () => {
	it('starts every count axis at zero and ends it at a round number', () => {
		expect(zeroBasedDomain([12, 87, null, 93])).toEqual([0, 100]);
		expect(zeroBasedDomain([0.062, 0.118])).toEqual([0, 0.2]);
		expect(zeroBasedDomain([3])).toEqual([0, 5]);
		expect(zeroBasedDomain([], 0)).toEqual([0, 1]);
	});

	it('rounds up to 1, 2, 2.5, 5 or 10 times a power of ten', () => {
		expect(niceCeil(1)).toBe(1);
		expect(niceCeil(1.1)).toBe(2);
		expect(niceCeil(2.2)).toBe(2.5);
		expect(niceCeil(31000)).toBe(50000);
		expect(niceCeil(7)).toBe(10);
	});

	it('keeps only rebase annotations after the first shown month', () => {
		const marks = [
			{ month: '2020-04', label: 'Counting rules' },
			{ month: '2023-01', label: 'Training roll-out' }
		];
		expect(annotationsInRange(monthRange('2022-04', '2024-03'), marks)).toEqual([marks[1]]);
		// A rebase on the first month shown starts the chart; it is not a break inside it.
		expect(annotationsInRange(monthRange('2020-04', '2021-03'), marks)).toEqual([]);
	});
});

describe('interaction', () => {
	it('moves the focused point with arrows, Home and End, clamped to the series', () => {
		expect(stepIndex(-1, 5, 'ArrowRight')).toBe(0);
		expect(stepIndex(-1, 5, 'ArrowLeft')).toBe(4);
		expect(stepIndex(2, 5, 'ArrowRight')).toBe(3);
		expect(stepIndex(4, 5, 'ArrowRight')).toBe(4);
		expect(stepIndex(0, 5, 'ArrowLeft')).toBe(0);
		expect(stepIndex(3, 5, 'Home')).toBe(0);
		expect(stepIndex(0, 5, 'End')).toBe(4);
		expect(stepIndex(0, 5, 'Tab')).toBeNull();
	});

	it('finds the point nearest the pointer', () => {
		expect(nearestIndex([0, 10, 20, 30], 14)).toBe(1);
		expect(nearestIndex([0, 10, 20, 30], 16)).toBe(2);
		expect(nearestIndex([], 3)).toBe(-1);
	});
});

describe('downloads', () => {
	it('links the CSV download to the API with the same filters and format=csv', () => {
		expect(
			csvHref('metrics/monthly', {
				from: '2023-04',
				to: '2025-03',
				area: 'Nottingham',
				offences: ''
			})
		).toBe('/api/v1/metrics/monthly?from=2023-04&to=2025-03&area=Nottingham&format=csv');
		expect(csvHref('metrics/spc', { area: 'Newark and Sherwood' }, { metric: 'charges' })).toBe(
			'/api/v1/metrics/spc?area=Newark+and+Sherwood&metric=charges&format=csv'
		);
	});
});

describe('palette', () => {
	it('computes WCAG contrast ratios', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
		// The Analysis Function focus pair, #12436D on #BFBFBF, is about 5.6:1.
		expect(contrastRatio('#12436d', '#bfbfbf')).toBeGreaterThan(5.5);
	});

	// Read the CSS variables from the stylesheet itself, so the test follows the real colours.
	const css = fs.readFileSync(path.resolve(import.meta.dirname, '../../src/app.css'), 'utf8');
	function vars(block: string): Record<string, string> {
		const out: Record<string, string> = {};
		for (const m of block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)) out[m[1]] = m[2];
		return out;
	}
	const light = vars(
		css.slice(css.indexOf(':root'), css.indexOf('@media (prefers-color-scheme: dark)'))
	);
	const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
	const dark = { ...light, ...vars(css.slice(darkStart, css.indexOf('*,', darkStart))) };

	for (const [name, theme] of [
		['light', light],
		['dark', dark]
	] as const) {
		it(`keeps every chart colour at 3:1 and text at 4.5:1 against the ${name} background`, () => {
			expect(theme.c1).toBeDefined();
			for (const c of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'signal', 'border']) {
				expect(
					contrastRatio(theme[c], theme.bg),
					`${c} ${theme[c]} on ${theme.bg}`
				).toBeGreaterThanOrEqual(3);
			}
			for (const c of ['text', 'text-muted', 'link']) {
				expect(contrastRatio(theme[c], theme.bg), `${c} on ${theme.bg}`).toBeGreaterThanOrEqual(
					4.5
				);
				expect(contrastRatio(theme[c], theme['bg-alt']), `${c} on bg-alt`).toBeGreaterThanOrEqual(
					4.5
				);
			}
		});
	}

	it('uses the Analysis Function categorical palette in the light theme', () => {
		expect(
			[light.c1, light.c2, light.c3, light.c4, light.c5, light.c6].map((c) => c.toUpperCase())
		).toEqual(['#12436D', '#28A197', '#801650', '#F46A25', '#3D3D3D', '#A285D1']);
	});
});
