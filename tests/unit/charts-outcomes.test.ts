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

	it('sums months into financial years and marks a part year', () => {
		const rows = outcomeRowsByFy([
			{ month: '2024-02', groups: { charged_summonsed: 2, none: 1 } },
			{
				month: '2024-03',
				groups: { charged_summonsed: 1, out_of_court_formal: 3, diversionary: 1 }
			},
			{ month: '2024-04', groups: { no_suspect_identified: 4, responsibility_transferred: 1 } }
		]);
		// 2023/24 from February and March: charged 2 + 1 = 3, out of court 3 + 1 = 4, none 1.
		expect(rows[0].label).toBe('2023/24 (2 months)');
		expect(rows[0].values).toMatchObject({ charged: 3, out_of_court: 4, none: 1, other: 0 });
		// 2024/25 from April: no suspect 4 + transferred 1 = other 5.
		expect(rows[1].label).toBe('2024/25 (1 month)');
		expect(rows[1].values.other).toBe(5);
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
