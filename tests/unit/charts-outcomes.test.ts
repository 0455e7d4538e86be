// Outcome groups folded for the stacked bar, financial years, and the words under every chart.
import { describe, expect, it } from 'vitest';
import {
	foldGroup,
	fyOf,
	outcomeRowsByFy,
	OUTCOME_KEYS
} from '../../src/lib/components/outcome-groups';
import { filterParams, rebaseLabel, scopeText } from '../../src/lib/components/scope';

describe('financial years', () => {
	it('starts a financial year in April', () => {
		expect(fyOf('2024-03')).toBe('2023/24');
		expect(fyOf('2024-04')).toBe('2024/25');
		expect(fyOf('2099-12')).toBe('2099/00');
	});
});

describe('outcome groups', () => {
	it('folds every Home Office group into one of the stacked bar keys', () => {
		expect(foldGroup('charged_summonsed')).toBe('charged');
		expect(foldGroup('out_of_court_informal')).toBe('out_of_court');
		expect(foldGroup('diversionary')).toBe('out_of_court');
		expect(foldGroup('evidential_difficulties_victim_does_not_support')).toBe('victim_no_support');
		expect(foldGroup('no_suspect_identified')).toBe('other');
		expect(foldGroup('none')).toBe('none');
		const keys = new Set(OUTCOME_KEYS.map((k) => k.key));
		for (const g of ['responsibility_transferred', 'fraud_nfib', 'unknown'])
			expect(keys.has(foldGroup(g))).toBe(true);
	});

	it('sums months into full financial years and names part years without drawing them', () => {
		const year = (start: number, groups: Record<string, number>) =>
			['04', '05', '06', '07', '08', '09', '10', '11', '12', '01', '02', '03'].map((mm) => ({
				month: `${Number(mm) >= 4 ? start : start + 1}-${mm}`,
				groups
			}));
		const { full, part } = outcomeRowsByFy([
			{ month: '2023-02', groups: { charged_summonsed: 9 } },
			{ month: '2023-03', groups: { charged_summonsed: 9 } },
			// 2023/24 in full: each month 1 charged, 1 formal, 1 diversionary, 2 no suspect.
			...year(2023, {
				charged_summonsed: 1,
				out_of_court_formal: 1,
				diversionary: 1,
				no_suspect_identified: 2
			}),
			{ month: '2024-04', groups: { none: 3 } },
			// After the as-at date: left out even of the part year's span.
			{ month: '2024-05', incomplete: true, groups: { none: 7 } }
		]);
		// 12 × 1 charged; out of court 12 × (1 + 1) = 24; other 12 × 2 = 24.
		expect(full).toEqual([
			{
				label: '2023/24',
				values: {
					charged: 12,
					out_of_court: 24,
					victim_no_support: 0,
					victim_supports: 0,
					other: 24,
					none: 0
				}
			}
		]);
		expect(part).toEqual([
			'2022/23 (February 2023 to March 2023 only)',
			'2024/25 (April 2024 only)'
		]);
	});
});

describe('scope words', () => {
	const f = {
		from: '2023-04',
		to: '2025-03',
		area: 'all',
		offences: 'stalking_harassment',
		domestic_abuse: 'Y'
	};

	it('says geography, offences, domestic abuse and period in the subtitle', () => {
		expect(scopeText(f)).toBe(
			'All areas · stalking and harassment · domestic abuse only · April 2023 to March 2025'
		);
		expect(scopeText({ ...f, area: 'Gedling', domestic_abuse: 'all' }, false)).toBe(
			'Gedling · stalking and harassment'
		);
	});

	it('passes exactly the five filters to API links', () => {
		expect(filterParams({ ...f, extra: 'x' } as typeof f)).toEqual({
			from: '2023-04',
			to: '2025-03',
			area: 'all',
			offences: 'stalking_harassment',
			domestic_abuse: 'Y'
		});
	});

	it('names the two rebase months the spec gives and any other plainly', () => {
		expect(rebaseLabel('2020-04')).toBe('Counting rules changed');
		expect(rebaseLabel('2023-01')).toBe('Training roll-out');
		expect(rebaseLabel('2024-10')).toBe('New baseline');
	});
});
