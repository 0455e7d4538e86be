// Titles and sentences that state a direction are computed from the figures (metrics.md): each case
// here is a hand-made set of totals and the words a reader should get.
import { describe, expect, it } from 'vitest';
import { handlerWords, reportingWords } from '../../src/lib/server/metrics/words';
import type { IdentificationFigures, ReportingYear } from '../../src/lib/server/metrics/types';
import { XMR_RULES } from '../../src/lib/charts/xmr';

function handlers(trained: [number, number], untrained: [number, number]): IdentificationFigures {
	return {
		da_incidents: 0,
		da_stalking_identified: 0,
		da_identification_rate: null,
		linked_crimes: 0,
		identified_at_first_contact: 0,
		first_contact_rate: null,
		trained_handler_identified: trained[0],
		trained_handler_incidents: trained[1],
		untrained_handler_identified: untrained[0],
		untrained_handler_incidents: untrained[1]
	};
}

describe('trained against untrained call handlers', () => {
	it('says untrained handlers identify more when they do', () => {
		// Trained 10 of 100 = 10.0 %; untrained 30 of 200 = 15.0 %: 5.0 points higher.
		const w = handlerWords(handlers([10, 100], [30, 200]));
		expect(w.title).toBe(
			'Untrained call handlers identified stalking more often than trained ones'
		);
		expect(w.summary).toContain('10.0% of their incidents (10 of 100), against 15.0%');
		expect(w.summary).toContain("Untrained handlers' rate is 5.0 percentage points higher.");
		expect(w.summary).toContain('descriptive, not a tested effect');
	});

	it('says trained handlers identify more when they do', () => {
		// 45 of 150 = 30.0 % against 20 of 100 = 20.0 %.
		const w = handlerWords(handlers([45, 150], [20, 100]));
		expect(w.title).toBe(
			'Trained call handlers identified stalking more often than untrained ones'
		);
		expect(w.summary).toContain("Trained handlers' rate is 10.0 percentage points higher.");
	});

	it('calls rates that print the same about equal', () => {
		// 1 of 3 = 33.33 % and 333 of 1000 = 33.30 %: both 33.3 % on the page.
		const w = handlerWords(handlers([1, 3], [333, 1000]));
		expect(w.title).toBe(
			'Trained and untrained call handlers identified stalking about equally often'
		);
		// 3,326 of 10,000 = 33.26 % and 3,334 of 10,000 = 33.34 %: 0.08 points apart, yet both
		// print as 33.3 %, so the title must not call either higher.
		const close = handlerWords(handlers([3326, 10_000], [3334, 10_000]));
		expect(close.title).toBe(
			'Trained and untrained call handlers identified stalking about equally often'
		);
		expect(close.summary).toContain('33.3% of their incidents (3,326 of 10,000), against 33.3%');
	});

	it('gives the difference between the rates as printed', () => {
		// 3,326 of 10,000 prints 33.3 %, 3,346 of 10,000 prints 33.5 %: 0.2 points, not 0.20 unrounded.
		const w = handlerWords(handlers([3326, 10_000], [3346, 10_000]));
		expect(w.summary).toContain("Untrained handlers' rate is 0.2 percentage points higher.");
	});

	it('compares nothing when one group handled no incidents', () => {
		const w = handlerWords(handlers([0, 0], [5, 50]));
		expect(w.title).toBe('Identification by trained and untrained call handlers');
		expect(w.summary).toMatch(/^No incidents in this view were handled by trained handlers/);
	});
});

function year(fy: string, over: Partial<ReportingYear>): ReportingYear {
	return {
		fy,
		complete: true,
		last_month: `20${fy.slice(5)}-03`,
		recorded: 0,
		population_16plus: 10_000,
		prevalence_pct: 3,
		carried_forward: false,
		estimated_victims: 300,
		estimated_victims_lower: null,
		estimated_victims_upper: null,
		reporting_ratio: 0,
		estimated_unreported: 300,
		...over
	};
}

describe('recorded against estimated', () => {
	it('says most estimated stalking was not recorded only when under half was', () => {
		// 60 of 300 = 20 %: 240 unrecorded.
		const w = reportingWords([
			year('2023/24', { recorded: 60, reporting_ratio: 0.2, estimated_unreported: 240 })
		]);
		expect(w.title).toBe('Most estimated stalking was not recorded in 2023/24');
		expect(w.summary).toBe(
			'In 2023/24 the force recorded 60 stalking crimes against an estimated 300 adults stalked in its area (20.0%); about 240 did not reach a crime record.'
		);
	});

	it('says about half at exactly half, as printed', () => {
		// 150 of 300 = 50.0 %; 14,999 of 30,000 = 49.997 % also prints 50.0 %.
		for (const [recorded, victims] of [
			[150, 300],
			[14_999, 30_000]
		]) {
			const w = reportingWords([
				year('2023/24', {
					recorded,
					estimated_victims: victims,
					reporting_ratio: recorded / victims,
					estimated_unreported: victims - recorded
				})
			]);
			expect(w.title).toBe('About half of estimated stalking was recorded in 2023/24');
		}
	});

	it('says more than half was recorded when it was, and never "most is never recorded"', () => {
		// 210 of 300 = 70 %.
		const w = reportingWords([
			year('2023/24', { recorded: 210, reporting_ratio: 0.7, estimated_unreported: 90 })
		]);
		expect(w.title).toBe('More than half of estimated stalking was recorded in 2023/24');
	});

	it('says when recorded crimes reach the estimate', () => {
		const w = reportingWords([
			year('2023/24', { recorded: 330, reporting_ratio: 1.1, estimated_unreported: 0 })
		]);
		expect(w.title).toBe('Recorded stalking reached the estimated level in 2023/24');
	});

	it('takes the latest full year and names a part year without comparing it', () => {
		// 2024/25 has April and May only: 40 crimes, no ratio; the title is about 2023/24.
		const w = reportingWords([
			year('2023/24', { recorded: 60, reporting_ratio: 0.2, estimated_unreported: 240 }),
			year('2024/25', {
				complete: false,
				last_month: '2024-05',
				recorded: 40,
				reporting_ratio: null,
				estimated_unreported: null
			})
		]);
		expect(w.title).toBe('Most estimated stalking was not recorded in 2023/24');
		expect(w.summary).toContain(
			"2024/25 is a part year (April to May 2024 only): its 40 recorded crimes are shown but not set against a full year's estimate."
		);
	});
});

describe('the XmR explanation', () => {
	it('names the four rules the metrics layer applies', () => {
		expect(XMR_RULES).toContain('outside the limits');
		expect(XMR_RULES).toContain('run of 7 or more months all above, or all below, the average');
		expect(XMR_RULES).toContain('run of 6 months each higher (or each lower)');
		expect(XMR_RULES).toContain('two-thirds of the way from the average to the same limit');
		expect(XMR_RULES).not.toContain('anything inside is ordinary variation');
	});
});
