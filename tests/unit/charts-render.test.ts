// The chart components rendered on the server as a browser without JavaScript receives them.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import BarChart from '../../src/lib/charts/BarChart.svelte';
import LineChart from '../../src/lib/charts/LineChart.svelte';
import type { SpcPoint } from '../../src/lib/charts/types';

const months = ['2023-01', '2023-02', '2023-03', '2023-04'];

describe('LineChart on the server', () => {
	it('draws an SVG picture with a title and description, lines and provisional months', () => {
		const { body } = render(LineChart, {
			props: {
				months,
				series: [{ key: 'charges', label: 'Charges', values: [10, 12, null, 20] }],
				title: 'Charges by month',
				desc: 'Charges rose to 20 in April 2023.',
				provisional: ['2023-04']
			}
		});
		expect(body).toMatch(/<svg[^>]*role="img"/);
		expect(body).toContain('<title');
		expect(body).toContain('Charges by month</title>');
		expect(body).toContain('Charges rose to 20 in April 2023.</desc>');
		// One line path; the null month breaks it into two pieces (two M commands).
		const d = /<path class="line[^"]*"[^>]*\sd="([^"]+)"/.exec(body)?.[1] ?? '';
		expect(d.match(/M/g)?.length).toBe(2);
		expect(body).toContain('Provisional');
		// Three points drawn, the provisional one hollow; no focusable tabindex before hydration.
		expect(body.match(/<circle/g)?.length).toBe(3);
		expect(body.match(/hollow/g)?.length).toBe(1);
		expect(body).not.toMatch(/tabindex/);
	});

	it('draws XmR limits with direct labels and a marker shape for each signalling month', () => {
		const point = (month: string, value: number, signals: string[] = []): SpcPoint => ({
			month,
			value,
			centre: 10,
			ucl: 20,
			lcl: 2,
			signals
		});
		const { body } = render(LineChart, {
			props: {
				months,
				series: [{ key: 'v', label: 'Charges', values: [10, 9, 11, 25] }],
				xmr: [
					point('2023-01', 10),
					point('2023-02', 9),
					point('2023-03', 11),
					point('2023-04', 25, ['outside'])
				],
				title: 't',
				desc: 'd'
			}
		});
		for (const label of ['Upper limit', 'Average', 'Lower limit']) expect(body).toContain(label);
		expect(body.match(/class="marker/g)?.length).toBeGreaterThanOrEqual(1);
		expect(body).toContain('Signal: above the upper limit');
	});
});

describe('BarChart on the server', () => {
	it('starts every bar at zero and labels each with its value and note', () => {
		const { body } = render(BarChart, {
			props: {
				items: [
					{ label: 'Ashfield', value: 50, note: '(5 of 10)' },
					{ label: 'Gedling', value: 0, note: '(0 of 7)' }
				],
				title: 'Charge rate by area',
				desc: 'Ashfield 50, Gedling 0',
				format: (v: number) => `${v}%`
			}
		});
		const rects = [...body.matchAll(/<rect class="bar[^"]*" x="([^"]+)"[^>]*width="([^"]+)"/g)];
		expect(rects.map((r) => Number(r[1]))).toEqual([0, 0]);
		expect(Number(rects[1][2])).toBe(0);
		expect(Number(rects[0][2])).toBeGreaterThan(0);
		expect(body).toContain('50% (5 of 10)');
		expect(body).toContain('0% (0 of 7)');
	});
});
