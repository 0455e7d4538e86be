// Safeguarding, recognition and the journey on a hand-made dataset (tests/fixtures/metrics/
// safeguarding-fixture.ts describes every row); each expectation's arithmetic is in its comment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { journey, parseFilters, safeguarding, type Filters } from '../../src/lib/server/metrics';
import { setSetting } from '../../src/lib/server/settings';
import { safeguardingRows } from '../fixtures/metrics/safeguarding-fixture';
import { seed, tempDb, type Rows } from '../fixtures/metrics/seed';

const dbs: Db[] = [];
afterAll(async () => {
	for (const db of dbs) await db.close();
});
async function dbWith(rows: Rows): Promise<Db> {
	const db = await tempDb();
	dbs.push(db);
	await seed(db, rows, { asOf: '2024-06-03' });
	return db;
}
const filters = (db: Db, q: string): Promise<Filters> => parseFilters(new URLSearchParams(q), db);
const PERIOD = 'from=2024-04&to=2024-05';

describe('safeguarding', () => {
	let db: Db;
	beforeAll(async () => (db = await dbWith(safeguardingRows)));

	it('counts risk assessment within the window, the risk mix and referrals by month', async () => {
		const r = await safeguarding(db, await filters(db, PERIOD));
		const [apr, may] = r.months;
		// April: S1, S2, S3 recorded. S1 assessed (A1 day 1, A4 same day; highest high, MARAC on A1);
		// S2 assessed through its incident only (A2, 00:30 on 10 April in London = its recording day;
		// medium); S3's only assessment is on day 3, outside 2 days. 2 of 3 assessed.
		expect(apr).toMatchObject({
			month: '2024-04',
			recorded: 3,
			risk_assessed: 2,
			risk_assessment_rate: 2 / 3,
			risk_standard: 0,
			risk_medium: 1,
			risk_high: 1,
			// S1 is the one high-risk crime and was referred to MARAC: 1 of 1.
			marac_referred_high: 1,
			marac_rate: 1,
			// Advocacy on any day: S2 (A2) and S3 (A3, day 3 still counts): 2 of 3.
			advocacy_referred: 2,
			advocacy_rate: 2 / 3
		});
		// May: S4 only, no assessment.
		expect(may).toMatchObject({
			month: '2024-05',
			recorded: 1,
			risk_assessed: 0,
			risk_assessment_rate: 0,
			risk_high: 0,
			marac_rate: null,
			advocacy_referred: 0
		});
		// Totals from the parts: 4 recorded, 2 assessed (half), 2 referred to advocacy.
		expect(r.totals).toMatchObject({
			recorded: 4,
			risk_assessed: 2,
			risk_assessment_rate: 0.5,
			risk_medium: 1,
			risk_high: 1,
			marac_referred_high: 1,
			advocacy_referred: 2,
			advocacy_rate: 0.5
		});
		expect(r.settings).toEqual({ risk_assessment_days: 2, order_types: ['spo', 'interim_spo'] });
	});

	it('counts orders of the counted types by the month applied for, with their status and timing', async () => {
		const r = await safeguarding(db, await filters(db, PERIOD));
		const [apr, may] = r.months;
		// April: O1 only (O5 is a DAPO, not counted; O6 was applied for in March). Granted: 1 of
		// 1 decided. 12 April − 2 April = 10 days from recording to application.
		expect(apr).toMatchObject({
			orders_applied: 1,
			orders_granted: 1,
			orders_refused: 0,
			grant_rate: 1,
			median_days_to_application: 10,
			orders_with_crime: 1,
			// In force on 30 April: O1 (granted 30 April) and O6 (granted 15 April, ends 15 May).
			orders_in_force: 2
		});
		// May: O2 pending (no crime), O3 withdrawn, O4 refused. Grant rate 0 of (0 granted + 1
		// refused). Days: O3 10 May − 20 April = 20, O4 15 May − 5 May = 10; O2 has no crime: median
		// of 20 and 10 = 15. On 31 May only O1 is in force (O6 ended 15 May).
		expect(may).toMatchObject({
			orders_applied: 3,
			orders_granted: 0,
			orders_refused: 1,
			orders_withdrawn: 1,
			orders_pending: 1,
			grant_rate: 0,
			median_days_to_application: 15,
			orders_with_crime: 2,
			orders_in_force: 1
		});
		// Period: 4 applied (O1–O4), 1 granted of 2 decided for or against; median of 10, 20, 10 =
		// 10; breaches over orders applied in the period: O1 2 + O3 empty (0) + O4 0 = 2 (O6's one
		// breach belongs to an order applied for before the period).
		expect(r.totals).toMatchObject({
			orders_applied: 4,
			orders_granted: 1,
			orders_refused: 1,
			orders_withdrawn: 1,
			orders_pending: 1,
			grant_rate: 0.5,
			median_days_to_application: 10,
			orders_with_crime: 3,
			breaches: 2,
			orders_in_force_at_end: 1
		});
	});

	it('applies the area filter to the order own area', async () => {
		// Gedling: O2, O3, O4 (all May); nothing in April, nothing in force.
		const r = await safeguarding(db, await filters(db, `${PERIOD}&area=Gedling`));
		expect(r.months.map((m) => [m.orders_applied, m.orders_in_force])).toEqual([
			[0, 0],
			[3, 0]
		]);
	});

	it('measures the recognition of stalking among harassment-type crimes, whatever the offence filter', async () => {
		const r = await safeguarding(db, await filters(db, PERIOD));
		// April: S1, S2, S3 (8Q) and H1 (8L): 3 of 4. May: S4 (8Q) and H2 (8R): 1 of 2.
		expect(
			r.months.map((m) => [m.harassment_type_crimes, m.stalking_recorded, m.stalking_share])
		).toEqual([
			[4, 3, 0.75],
			[2, 1, 0.5]
		]);
		// Totals 6, 4, 4/6.
		expect(r.totals.stalking_share).toBe(4 / 6);
		// Domestic abuse only: April S1, S3 (H1 is not DA): 2 of 2; May H2: 0 of 1.
		const da = await safeguarding(db, await filters(db, `${PERIOD}&domestic_abuse=Y`));
		expect(da.months.map((m) => [m.harassment_type_crimes, m.stalking_recorded])).toEqual([
			[2, 2],
			[1, 0]
		]);
	});

	it('counts crimes reclassified to stalking after first recording', async () => {
		const r = await safeguarding(db, await filters(db, PERIOD));
		// April: S1 (first 8Q) and S2 (first 8L) have a first code; S2 was reclassified: 1 of 2.
		// S3 kept no first code. May: S4 first 8Q: 0 of 1.
		expect(
			r.months.map((m) => [m.first_code_known, m.reclassified_to_stalking, m.reclassified_rate])
		).toEqual([
			[2, 1, 0.5],
			[1, 0, 0]
		]);
		expect(r.totals).toMatchObject({
			first_code_known: 3,
			reclassified_to_stalking: 1,
			reclassified_rate: 1 / 3
		});
	});

	it('takes the window from the risk_assessment_days setting', async () => {
		const db3 = await dbWith(safeguardingRows);
		await setSetting(db3, 'risk_assessment_days', 3, 'test');
		const r = await safeguarding(db3, await filters(db3, PERIOD));
		// With 3 days S3's assessment on day 3 counts: April 3 of 3 assessed, S1 and S3 high, both
		// referred to MARAC.
		expect(r.months[0]).toMatchObject({
			risk_assessed: 3,
			risk_high: 2,
			marac_referred_high: 2,
			marac_rate: 1
		});
	});

	it('counts only the order types in the order_types setting', async () => {
		const dbd = await dbWith(safeguardingRows);
		await setSetting(dbd, 'order_types', ['dapo'], 'test');
		const r = await safeguarding(dbd, await filters(dbd, PERIOD));
		// Only O5, a DAPO applied for on 20 April and granted 25 April (S2 recorded 10 April: 10 days).
		expect(r.totals).toMatchObject({
			orders_applied: 1,
			orders_granted: 1,
			median_days_to_application: 10
		});
	});
});

describe('journey', () => {
	it('follows the period crimes from report to charge, each step out of the crimes recorded', async () => {
		const db = await dbWith(safeguardingRows);
		const j = await journey(db, await filters(db, PERIOD));
		// 4 recorded (S1–S4); identified at first contact: S1 (I1) and S4 (I4); risk assessed within 2
		// days: S1, S2; advocacy: S2, S3; arrested: S1; charged: S1.
		expect(j.steps.map((s) => [s.key, s.count, s.denominator, s.rate])).toEqual([
			['recorded', 4, null, null],
			['identified_at_first_contact', 2, 4, 0.5],
			['risk_assessed', 2, 4, 0.5],
			['advocacy_referred', 2, 4, 0.5],
			['arrested', 1, 4, 0.25],
			['charged', 1, 4, 0.25]
		]);
		// Orders applied in the period: O1–O4; granted O1; O1 has breaches: 1 of 1.
		expect(j.orders.map((s) => [s.key, s.count, s.denominator, s.rate])).toEqual([
			['applied', 4, null, null],
			['granted', 1, 4, 0.25],
			['breached', 1, 1, 1]
		]);
	});

	it('says a step has no data loaded instead of 0', async () => {
		const { risk_assessments: _r, protective_orders: _o, ...rest } = safeguardingRows;
		const db = await dbWith(rest);
		const j = await journey(db, await filters(db, PERIOD));
		const byKey = Object.fromEntries(j.steps.map((s) => [s.key, s]));
		expect(byKey.risk_assessed).toMatchObject({
			count: null,
			rate: null,
			kind: 'risk_assessments'
		});
		expect(byKey.advocacy_referred.count).toBeNull();
		// The rest still counted: 2 identified at first contact of 4.
		expect(byKey.identified_at_first_contact.count).toBe(2);
		expect(j.orders.every((s) => s.count === null)).toBe(true);
	});
});
