import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	identification,
	parseFilters,
	parseRoles,
	reporting,
	training,
	type Filters
} from '../../src/lib/server/metrics';
import { seed, tempDb } from '../fixtures/metrics/seed';
import {
	identificationRows,
	reportingRows,
	trainingRows
} from '../fixtures/metrics/families-fixture';

const dbs: Db[] = [];
afterAll(async () => {
	for (const db of dbs) await db.close();
});
async function dbWith(rows: Parameters<typeof seed>[1], asOf?: string): Promise<Db> {
	const db = await tempDb();
	dbs.push(db);
	await seed(db, rows, { asOf });
	return db;
}
const filters = (db: Db, q: string): Promise<Filters> => parseFilters(new URLSearchParams(q), db);

describe('reporting', () => {
	let db: Db;
	// Taken 3 June 2024: May 2024 is the latest complete month, so 2024/25 is a part year.
	beforeAll(async () => (db = await dbWith(reportingRows, '2024-06-03')));

	it('estimates victims per financial year, carrying prevalence forward', async () => {
		const r = await reporting(db, await filters(db, 'from=2022-04&to=2024-04'));
		expect(r.years).toEqual([
			{
				// R1 + R2 (R3 is March 2022); 1000 + 3000; 3.4 % of 4000 = 136 (3.0 % = 120, 3.8 % = 152).
				fy: '2022/23',
				complete: true,
				last_month: '2023-03',
				recorded: 2,
				population_16plus: 4000,
				prevalence_pct: 3.4,
				carried_forward: false,
				estimated_victims: 136,
				estimated_victims_lower: 120,
				estimated_victims_upper: 152,
				reporting_ratio: 2 / 136,
				estimated_unreported: 134
			},
			{
				// R4 + R5; 1100 + 2900; 3.2 % of 4000 = 128; no interval given.
				fy: '2023/24',
				complete: true,
				last_month: '2024-03',
				recorded: 2,
				population_16plus: 4000,
				prevalence_pct: 3.2,
				carried_forward: false,
				estimated_victims: 128,
				estimated_victims_lower: null,
				estimated_victims_upper: null,
				reporting_ratio: 2 / 128,
				estimated_unreported: 126
			},
			{
				// A part year, April to May 2024: R6; only Ashfield has 2024 population (1200); no 2024
				// survey: 2023's 3.2 % carried forward, 0.032 × 1200 = 38.4. No ratio and no unreported
				// estimate: two months of crimes are never set against a year's estimate.
				fy: '2024/25',
				complete: false,
				last_month: '2024-05',
				recorded: 1,
				population_16plus: 1200,
				prevalence_pct: 3.2,
				carried_forward: true,
				estimated_victims: 38.4,
				estimated_victims_lower: null,
				estimated_victims_upper: null,
				reporting_ratio: null,
				estimated_unreported: null
			}
		]);
	});

	it('sums population over the areas in the filter', async () => {
		const r = await reporting(db, await filters(db, 'from=2022-04&to=2024-04&area=Gedling'));
		// FY22: R2; 3000 × 3.4 % = 102 (90 - 114). FY23: none; 2900 × 3.2 % = 92.8, ratio 0.
		// FY24: R6, but no Gedling population for 2024: no estimate.
		expect(
			r.years.map((y) => [
				y.fy,
				y.recorded,
				y.population_16plus,
				y.estimated_victims,
				y.estimated_victims_lower,
				y.estimated_victims_upper,
				y.reporting_ratio,
				y.estimated_unreported
			])
		).toEqual([
			['2022/23', 1, 3000, 102, 90, 114, 1 / 102, 101],
			['2023/24', 0, 2900, 92.8, null, null, 0, 92.8],
			['2024/25', 1, null, null, null, null, null, null]
		]);
	});

	it('selects the financial years that start in the period', async () => {
		const one = await reporting(db, await filters(db, 'from=2022-05&to=2023-04'));
		expect(one.years.map((y) => y.fy)).toEqual(['2023/24']);
		const none = await reporting(db, await filters(db, 'from=2022-05&to=2023-03'));
		expect(none.years).toEqual([]);
	});

	it('has no prevalence before the first survey year', async () => {
		const r = await reporting(db, await filters(db, 'from=2021-04&to=2021-04'));
		// R3 (2022-03-31) is in FY 2021/22; no 2021 population or earlier survey year.
		expect(r.years).toEqual([
			{
				fy: '2021/22',
				complete: true,
				last_month: '2022-03',
				recorded: 1,
				population_16plus: null,
				prevalence_pct: null,
				carried_forward: false,
				estimated_victims: null,
				estimated_victims_lower: null,
				estimated_victims_upper: null,
				reporting_ratio: null,
				estimated_unreported: null
			}
		]);
	});

	it('leaves out a financial year with no complete month', async () => {
		// Without an upload record each kind counts as taken the day after its latest date: R6 on
		// 2024-04-01 gives 2 April, so March 2024 is the latest complete month and 2024/25 has none.
		const early = await dbWith(reportingRows);
		const r = await reporting(early, await filters(early, 'from=2023-04&to=2024-04'));
		expect(r.years.map((y) => [y.fy, y.complete, y.recorded])).toEqual([['2023/24', true, 2]]);
	});

	it('applies the domestic abuse filter to recorded crimes', async () => {
		const r = await reporting(db, await filters(db, 'from=2023-04&to=2023-04&domestic_abuse=Y'));
		expect(r.years[0]).toMatchObject({ fy: '2023/24', recorded: 1, reporting_ratio: 1 / 128 });
	});
});

describe('identification', () => {
	let db: Db;
	beforeAll(async () => (db = await dbWith(identificationRows)));

	it('counts each month on the Europe/London clock', async () => {
		const r = await identification(db, await filters(db, 'from=2024-03&to=2024-10'));
		const zero = {
			da_incidents: 0,
			da_stalking_identified: 0,
			da_identification_rate: null,
			linked_crimes: 0,
			identified_at_first_contact: 0,
			first_contact_rate: null,
			trained_handler_incidents: 0,
			trained_handler_identified: 0,
			untrained_handler_incidents: 0,
			untrained_handler_identified: 0
		};
		// No upload records: crimes count as taken 2024-05-06 (the day after K6), incidents 2024-11-01;
		// the earlier, 6 May, makes April the latest complete month, so May to October are incomplete.
		expect(r.months).toEqual([
			// I7 only (I1 is 1 April in London); H1 trained the next day: untrained, identified.
			{
				...zero,
				month: '2024-03',
				incomplete: false,
				da_incidents: 1,
				da_stalking_identified: 1,
				da_identification_rate: 1,
				untrained_handler_incidents: 1,
				untrained_handler_identified: 1
			},
			// DA: I1, I4, I5 (2 identified). Linked: K1 <- I1 (identified), K2 <- I4; K3's incident does
			// not exist, K4 has none, K5 is 8L. Trained: I1. Untrained: I4 (H2 not yet), I6 (other
			// course). I5 has no handler.
			{
				...zero,
				month: '2024-04',
				incomplete: false,
				da_incidents: 3,
				da_stalking_identified: 2,
				da_identification_rate: 2 / 3,
				linked_crimes: 2,
				identified_at_first_contact: 1,
				first_contact_rate: 0.5,
				trained_handler_incidents: 1,
				trained_handler_identified: 1,
				untrained_handler_incidents: 2,
				untrained_handler_identified: 0
			},
			// I3 (London 1 May, H2 trained that day: on or before counts); K6 <- I3 identified.
			{
				...zero,
				month: '2024-05',
				incomplete: true,
				linked_crimes: 1,
				identified_at_first_contact: 1,
				first_contact_rate: 1,
				trained_handler_incidents: 1,
				trained_handler_identified: 1
			},
			{ ...zero, month: '2024-06', incomplete: true },
			{ ...zero, month: '2024-07', incomplete: true },
			{ ...zero, month: '2024-08', incomplete: true },
			{ ...zero, month: '2024-09', incomplete: true },
			// I2 at 23:30Z on 31 October is 23:30 GMT: October, not November.
			{
				...zero,
				month: '2024-10',
				incomplete: true,
				da_incidents: 1,
				da_identification_rate: 0,
				trained_handler_incidents: 1
			}
		]);
		// 1 + 3 + 1 DA incidents, 1 + 2 identified; 2 + 1 linked, 1 + 1 identified; trained 1 + 1 + 1
		// (2 identified); untrained 1 + 2 (1 identified).
		expect(r.totals).toEqual({
			da_incidents: 5,
			da_stalking_identified: 3,
			da_identification_rate: 3 / 5,
			linked_crimes: 3,
			identified_at_first_contact: 2,
			first_contact_rate: 2 / 3,
			trained_handler_incidents: 3,
			trained_handler_identified: 2,
			untrained_handler_incidents: 3,
			untrained_handler_identified: 1
		});
	});

	it('filters incidents and linked crimes by area', async () => {
		const r = await identification(db, await filters(db, 'from=2024-03&to=2024-10&area=Ashfield'));
		// Ashfield incidents I7, I1, I5, I6, I2: DA I7, I1, I5, I2 (identified I7, I1, I5);
		// linked K1 only (K2, K6 are Gedling crimes); trained I1, I2 (I1 identified);
		// untrained I7, I6 (I7 identified).
		expect(r.totals).toEqual({
			da_incidents: 4,
			da_stalking_identified: 3,
			da_identification_rate: 3 / 4,
			linked_crimes: 1,
			identified_at_first_contact: 1,
			first_contact_rate: 1,
			trained_handler_incidents: 2,
			trained_handler_identified: 1,
			untrained_handler_incidents: 2,
			untrained_handler_identified: 1
		});
	});

	it('applies the domestic abuse filter to linked crimes and the handler comparison', async () => {
		const r = await identification(
			db,
			await filters(db, 'from=2024-03&to=2024-10&domestic_abuse=N')
		);
		// Non-DA incidents with a handler: I6 (untrained), I3 (trained, identified); non-DA crimes
		// linked to an incident: K6 only. DA incidents are DA by definition: still 5.
		expect(r.totals).toMatchObject({
			da_incidents: 5,
			linked_crimes: 1,
			identified_at_first_contact: 1,
			trained_handler_incidents: 1,
			trained_handler_identified: 1,
			untrained_handler_incidents: 1,
			untrained_handler_identified: 0
		});
	});
});

describe('training', () => {
	let db: Db;
	beforeAll(async () => (db = await dbWith(trainingRows)));

	it('measures coverage of the target roles at each month end', async () => {
		const f = await filters(db, 'from=2023-11&to=2024-01');
		const r = await training(db, { ...f, role: null });
		expect(r.filters.role).toEqual(['response_officer', 'control_room']);
		expect(r.target).toEqual({ date: '2023-12-31', coverage: 1 });
		expect(r.months).toEqual([
			// 30 Nov: S1, S2, S5 in post (S3 starts 31 Dec); trained S1, S2 (S5 on 31 Dec).
			// Total trained (any role, in post or not): S1, S2, S4, X9.
			{
				month: '2023-11',
				incomplete: false,
				in_scope: 3,
				trained: 2,
				coverage: 2 / 3,
				total_trained: 4
			},
			// 31 Dec: S2 leaves that day (excluded), S3 starts that day (included): S1, S3, S5;
			// trained S1 and S5 (course on 31 Dec). Total adds S5: 5.
			{
				month: '2023-12',
				incomplete: false,
				in_scope: 3,
				trained: 2,
				coverage: 2 / 3,
				total_trained: 5
			},
			{
				month: '2024-01',
				incomplete: false,
				in_scope: 3,
				trained: 2,
				coverage: 2 / 3,
				total_trained: 5
			}
		]);
		// At 31 Jan 2024: response S1 (trained), S3, S5 (trained); no control room staff in post.
		expect(r.by_role).toEqual([
			{ role: 'response_officer', in_scope: 3, trained: 2, coverage: 2 / 3 },
			{ role: 'control_room', in_scope: 0, trained: 0, coverage: null }
		]);
		expect(r.by_area).toEqual([
			{ area: 'Ashfield', in_scope: 1, trained: 1, coverage: 1 },
			{ area: 'Gedling', in_scope: 1, trained: 0, coverage: 0 },
			{ area: 'unknown', in_scope: 1, trained: 1, coverage: 1 }
		]);
	});

	it('filters by area and role', async () => {
		const g = await training(db, {
			...(await filters(db, 'from=2023-11&to=2023-12&area=Gedling'))
		});
		// Nov: S2 (trained); Dec: S3 (untrained; S2 left on the day). Total trained in Gedling: S2.
		expect(g.months).toEqual([
			{
				month: '2023-11',
				incomplete: false,
				in_scope: 1,
				trained: 1,
				coverage: 1,
				total_trained: 1
			},
			{
				month: '2023-12',
				incomplete: false,
				in_scope: 1,
				trained: 0,
				coverage: 0,
				total_trained: 1
			}
		]);
		const n = await training(db, {
			...(await filters(db, 'from=2023-11&to=2023-11')),
			role: parseRoles('neighbourhood_officer')
		});
		// S4 in post since 2022, course 2023-05-01.
		expect(n.months[0]).toEqual({
			month: '2023-11',
			incomplete: false,
			in_scope: 1,
			trained: 1,
			coverage: 1,
			total_trained: 4
		});
		expect(n.by_role).toEqual([
			{ role: 'neighbourhood_officer', in_scope: 1, trained: 1, coverage: 1 }
		]);
	});

	it('refuses an unknown role naming the parameter', () => {
		expect(() => parseRoles('response_officer,chief')).toThrow(/role/);
		expect(parseRoles('all')).toHaveLength(5);
		// Typed as an analyst would: case, spaces and hyphens as the upload reads them.
		expect(parseRoles('Response Officer, control-room')).toEqual([
			'response_officer',
			'control_room'
		]);
		expect(parseRoles(null)).toBeNull();
	});
});
