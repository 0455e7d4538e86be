import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { monthly, outcomes, parseFilters, type Filters } from '../../src/lib/server/metrics';
import { seed, tempDb } from '../fixtures/metrics/seed';
import { crimeRows } from '../fixtures/metrics/crime-fixture';

let db: Db;
beforeAll(async () => {
	db = await tempDb();
	// Extracts taken the day after the latest record (C8, 2024-06-15): May 2024 is the last complete month.
	await seed(db, crimeRows, { asOf: '2024-06-16' });
});
afterAll(() => db.close());

const filters = (q: string): Promise<Filters> => parseFilters(new URLSearchParams(q), db);

describe('monthly', () => {
	it('computes every field of every month for stalking, all areas', async () => {
		const r = await monthly(db, await filters('from=2024-01&to=2024-03'));
		expect(r.filters).toEqual({
			from: '2024-01',
			to: '2024-03',
			area: 'all',
			offences: 'stalking',
			codes: ['8Q'],
			domestic_abuse: 'all',
			as_of: '2024-06-16',
			complete_to: '2024-05'
		});
		expect(r.months).toEqual([
			{
				// recorded C1 C2 C3; arrests A1 (C1) and A5 (C5, recorded Dec) in Jan; arrested C1, C3 (A3 in
				// April counts: any date); charged_recorded C1 (1A counts as 1); assigned C1, C3 (C2's 0 is
				// none); open 3 - 2; no charge dated in January; Jan 31 is 137 days before the as-at date 2024-06-16.
				month: '2024-01',
				recorded: 3,
				arrests: 2,
				arrested_crimes: 2,
				arrest_rate: 2 / 3,
				charges: 0,
				charged_recorded: 1,
				charge_rate: 1 / 3,
				outcome_assigned: 2,
				charge_rate_assigned: 1 / 2,
				open: 1,
				median_days_to_charge: null,
				charged_before_recorded: 0,
				provisional: false,
				incomplete: false
			},
			{
				// recorded C9 (C4 is 8L); arrest A2 (A4 is for C4); charges C1 (30 days: Jan 5 -> Feb 4) and
				// C5 (61 days: Dec 15 -> Feb 14 = 16 + 31 + 14), median (30 + 61) / 2 = 45.5; C9 has no
				// outcome, so assigned 0 and charge_rate_assigned null; Feb 29 is 108 days before Jun 16.
				month: '2024-02',
				recorded: 1,
				arrests: 1,
				arrested_crimes: 0,
				arrest_rate: 0,
				charges: 2,
				charged_recorded: 0,
				charge_rate: 0,
				outcome_assigned: 0,
				charge_rate_assigned: null,
				open: 1,
				median_days_to_charge: 45.5,
				charged_before_recorded: 0,
				provisional: false,
				incomplete: false
			},
			{
				// recorded C6 C7; charge C7 same day (0 days); C3's outcome 16 is not a charge; assigned C6
				// (15B) and C7; Mar 31 is 77 days before Jun 16 (< 90): provisional.
				month: '2024-03',
				recorded: 2,
				arrests: 0,
				arrested_crimes: 0,
				arrest_rate: 0,
				charges: 1,
				charged_recorded: 1,
				charge_rate: 0.5,
				outcome_assigned: 2,
				charge_rate_assigned: 0.5,
				open: 0,
				median_days_to_charge: 0,
				charged_before_recorded: 0,
				provisional: true,
				incomplete: false
			}
		]);
		// Totals from summed parts: 6 recorded, 3 arrests, 2 arrested, 3 charges, 2 charged_recorded,
		// 4 assigned; median of {30, 61, 0} = 30.
		expect(r.totals).toEqual({
			recorded: 6,
			arrests: 3,
			arrested_crimes: 2,
			arrest_rate: 2 / 6,
			charges: 3,
			charged_recorded: 2,
			charge_rate: 2 / 6,
			outcome_assigned: 4,
			charge_rate_assigned: 2 / 4,
			open: 2,
			median_days_to_charge: 30,
			charged_before_recorded: 0
		});
	});

	it('lists every month of the period with zeros where nothing happened', async () => {
		const r = await monthly(db, await filters('from=2023-10&to=2023-11'));
		expect(r.months.map((m) => [m.month, m.recorded, m.arrest_rate, m.charge_rate])).toEqual([
			['2023-10', 0, null, null],
			['2023-11', 0, null, null]
		]);
		expect(r.totals.recorded).toBe(0);
		expect(r.totals.charge_rate).toBeNull();
		expect(r.totals.median_days_to_charge).toBeNull();
	});

	it('applies a crime area filter to its arrests and outcomes', async () => {
		// Gedling crimes C3, C5, C6: recorded C3 (Jan) + C6 (Mar) = 2; arrest A5 (C5) only, not A1
		// (Ashfield); charge C5 in February (61 days); assigned C3 (16) and C6 (15B).
		const r = await monthly(db, await filters('from=2024-01&to=2024-03&area=gedling'));
		// Spaces typed into a link are matched as uploads match areas.
		expect((await filters('area=%20GEDLING%20%20')).area).toBe('Gedling');
		expect(r.filters.area).toBe('Gedling');
		expect(r.months.map((m) => [m.recorded, m.arrests, m.charges])).toEqual([
			[1, 1, 0],
			[0, 0, 1],
			[1, 0, 0]
		]);
		expect(r.totals).toMatchObject({
			recorded: 2,
			arrests: 1,
			arrested_crimes: 1,
			charges: 1,
			charged_recorded: 0,
			outcome_assigned: 2,
			open: 0,
			median_days_to_charge: 61
		});
	});

	it('filters on the domestic abuse flag', async () => {
		// Y: C1, C3, C7 (C4 is 8L): recorded 3, arrests A1 + A2 = 2, charges C1 + C7 = 2.
		const y = await monthly(db, await filters('from=2024-01&to=2024-03&domestic_abuse=Y'));
		expect(y.totals).toMatchObject({ recorded: 3, arrests: 2, charges: 2, charged_recorded: 2 });
		// N: C2, C5, C6, C9: recorded C2 + C6 + C9 = 3 (C5 is December), arrests A5 = 1, charges C5 = 1.
		const n = await monthly(db, await filters('from=2024-01&to=2024-03&domestic_abuse=n'));
		expect(n.totals).toMatchObject({ recorded: 3, arrests: 1, charges: 1, charged_recorded: 0 });
	});

	it('takes an offence group or a list of codes', async () => {
		// stalking_harassment adds C4 (8L, Feb): Feb recorded C4 + C9 = 2, arrests A2 + A4 = 2,
		// charges C1 (30), C5 (61), C4 (10 days) = 3 with median 30; C8 (8R) is in June.
		const g = await monthly(
			db,
			await filters('from=2024-01&to=2024-03&offences=stalking_harassment')
		);
		expect(g.filters.codes).toEqual(['8L', '8M', '8Q', '8R']);
		expect(g.months[1]).toMatchObject({
			recorded: 2,
			arrests: 2,
			arrested_crimes: 1,
			charges: 3,
			charged_recorded: 1,
			median_days_to_charge: 30
		});
		expect(g.totals).toMatchObject({ recorded: 7, arrests: 4, charges: 4 });
		// 8l,8r: C4 only in the period: 1 recorded, 1 arrest, 1 charge after 10 days.
		const c = await monthly(db, await filters('from=2024-01&to=2024-03&offences=8l,8r'));
		expect(c.filters).toMatchObject({ offences: '8L,8R', codes: ['8L', '8R'] });
		expect(c.totals).toMatchObject({
			recorded: 1,
			arrests: 1,
			charges: 1,
			median_days_to_charge: 10
		});
	});

	it('limits every count to the period', async () => {
		// February only: no stalking recorded but C9, arrest A2, charges C1 and C5 (median 45.5).
		const r = await monthly(db, await filters('from=2024-02&to=2024-02'));
		expect(r.months).toHaveLength(1);
		expect(r.totals).toMatchObject({
			recorded: 1,
			arrests: 1,
			charges: 2,
			median_days_to_charge: 45.5
		});
	});

	it('defaults to the 24 months ending at the latest complete month', async () => {
		// Taken 2024-06-16, so June 2024 is incomplete and May the latest complete month: 2022-06 to
		// 2024-05, none of it incomplete.
		const r = await monthly(db, await filters(''));
		expect([r.filters.from, r.filters.to, r.months.length]).toEqual(['2022-06', '2024-05', 24]);
		expect(r.months.filter((m) => m.incomplete)).toEqual([]);
		expect(r.totals.recorded).toBe(7); // C5 (Dec 2023) + the six 8Q crimes of 2024
	});

	it('returns an incomplete month asked for explicitly, marked incomplete', async () => {
		const r = await monthly(db, await filters('from=2024-05&to=2024-06&offences=8R'));
		// C8 (8R) recorded 2024-06-15 counts in June, which is after the latest complete month.
		expect(r.months.map((m) => [m.month, m.recorded, m.incomplete])).toEqual([
			['2024-05', 0, false],
			['2024-06', 1, true]
		]);
	});
});

describe('outcomes', () => {
	it('counts crimes recorded each month by the group of their current outcome', async () => {
		const r = await outcomes(db, await filters('from=2024-01&to=2024-03'));
		expect(r.groups).toEqual([
			'charged_summonsed',
			'out_of_court_formal',
			'taken_into_consideration',
			'prosecution_prevented_or_not_in_public_interest',
			'out_of_court_informal',
			'evidential_difficulties_victim_does_not_support',
			'evidential_difficulties_victim_supports',
			'no_suspect_identified',
			'fraud_nfib',
			'responsibility_transferred',
			'not_in_public_interest_police_decision',
			'diversionary',
			'none'
		]);
		const nonZero = r.months.map((m) => [
			m.month,
			Object.fromEntries(Object.entries(m.groups).filter(([, n]) => n > 0))
		]);
		// Jan: C1 1A -> charged; C2 0 -> none; C3 16 -> victim does not support. Feb: C9 no outcome row.
		// Mar: C6 15B -> victim supports; C7 1 -> charged.
		expect(nonZero).toEqual([
			[
				'2024-01',
				{ charged_summonsed: 1, none: 1, evidential_difficulties_victim_does_not_support: 1 }
			],
			['2024-02', { none: 1 }],
			['2024-03', { evidential_difficulties_victim_supports: 1, charged_summonsed: 1 }]
		]);
		expect(Object.keys(r.months[1].groups)).toEqual(r.groups);
	});
});
