// The metrics API over the real server: hand-computed figures from tests/fixtures/http, JSON and CSV,
// bearer token and session cookie, 400s naming the parameter, 401 without credentials.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { loadExtract } from '../../src/lib/server/extracts';
import { KIND_NAMES } from '../../src/lib/server/extracts/contract';
import { startServer, type TestServer } from '../helpers/server';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/http');
const PASSWORD = 'amber-kettle-river-9';

/*
 * The dataset (tests/fixtures/http), 2 areas, Jan-Apr 2024. Stalking (8Q) crimes by month:
 *   Jan: C01 Ashfield DA, C02 Ashfield, C03 Bassetlaw DA      (C04 is 8L: harassment)
 *   Feb: none                                                  (C05 is 8L)
 *   Mar: C06 Ashfield DA, C07 Bassetlaw, C08 Bassetlaw DA
 *   Apr: C09 Ashfield DA, C10 Ashfield, C11 Bassetlaw DA       (C12 is 8R)
 * Arrests: A1 C01 01-06, A2 C01 02-01, A3 C03 01-22, A4 C04 01-26 (8L), A5 C06 03-05, A6 C09 04-03.
 * Outcomes: C01 1A 02-15, C02 14 03-01, C03 1 03-10, C04 1 02-20 (8L), C06 0 03-20, C07 1 04-15,
 *   C08 8 04-01, C09 1A 04-25, C10 18 04-28; C11 none.
 * Days to charge: C01 01-05 -> 02-15 = 26 + 15 = 41; C03 01-20 -> 03-10 = 9 + 29 (leap Feb) ... =
 *   (31 - 20) + 29 + 10 = 50; C07 03-15 -> 04-15 = 31; C09 04-02 -> 04-25 = 23.
 * Latest data: C12 recorded 2024-04-30; the extracts are taken the next day, 1 May 2024 (AS_OF), so
 *   April is the latest complete month. Provisional = month end less than 90 days before 1 May:
 *   Jan 31 -> May 1 = 29 + 31 + 30 + 1 = 91 days (not provisional); Feb, Mar, Apr are.
 */
const AS_OF = '2024-05-01';
const monthlyExpected = [
	// Jan: recorded 3; arrests A1, A3 = 2; arrested C01, C03 = 2; no charge dated Jan;
	// charged_recorded C01 (1A), C03 = 2; outcome_assigned C01, C02, C03 = 3; open 0.
	{
		month: '2024-01',
		recorded: 3,
		arrests: 2,
		arrested_crimes: 2,
		arrest_rate: 2 / 3,
		charges: 0,
		charged_recorded: 2,
		charge_rate: 2 / 3,
		outcome_assigned: 3,
		charge_rate_assigned: 2 / 3,
		open: 0,
		median_days_to_charge: null,
		charged_before_recorded: 0,
		provisional: false,
		incomplete: false
	},
	// Feb: nothing recorded (rates null, not 0); arrest A2 of C01; C01 charged on 02-15 (41 days).
	{
		month: '2024-02',
		recorded: 0,
		arrests: 1,
		arrested_crimes: 0,
		arrest_rate: null,
		charges: 1,
		charged_recorded: 0,
		charge_rate: null,
		outcome_assigned: 0,
		charge_rate_assigned: null,
		open: 0,
		median_days_to_charge: 41,
		charged_before_recorded: 0,
		provisional: true,
		incomplete: false
	},
	// Mar: recorded 3; arrest A5 (C06); charge C03 (50 days); charged_recorded C07;
	// outcome_assigned C07, C08 (C06 has 0 = none yet) = 2, so 1/2 and open 3 - 2 = 1.
	{
		month: '2024-03',
		recorded: 3,
		arrests: 1,
		arrested_crimes: 1,
		arrest_rate: 1 / 3,
		charges: 1,
		charged_recorded: 1,
		charge_rate: 1 / 3,
		outcome_assigned: 2,
		charge_rate_assigned: 1 / 2,
		open: 1,
		median_days_to_charge: 50,
		charged_before_recorded: 0,
		provisional: true,
		incomplete: false
	},
	// Apr: recorded 3; arrest A6 (C09); charges C07 (31 d) and C09 (23 d): median (23 + 31) / 2 = 27;
	// charged_recorded C09; outcome_assigned C09, C10 = 2; open 1 (C11).
	{
		month: '2024-04',
		recorded: 3,
		arrests: 1,
		arrested_crimes: 1,
		arrest_rate: 1 / 3,
		charges: 2,
		charged_recorded: 1,
		charge_rate: 1 / 3,
		outcome_assigned: 2,
		charge_rate_assigned: 1 / 2,
		open: 1,
		median_days_to_charge: 27,
		charged_before_recorded: 0,
		provisional: true,
		incomplete: false
	}
];
// Totals from summed numerators and denominators: recorded 9, arrests 2+1+1+1 = 5, arrested 4,
// charges 0+1+1+2 = 4, charged_recorded 2+0+1+1 = 4, outcome_assigned 3+0+2+2 = 7, open 2;
// median of 23, 31, 41, 50 = (31 + 41) / 2 = 36.
const monthlyTotals = {
	recorded: 9,
	arrests: 5,
	arrested_crimes: 4,
	arrest_rate: 4 / 9,
	charges: 4,
	charged_recorded: 4,
	charge_rate: 4 / 9,
	outcome_assigned: 7,
	charge_rate_assigned: 4 / 7,
	open: 2,
	median_days_to_charge: 36,
	charged_before_recorded: 0
};

const OUTCOME_GROUPS = [
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
];

const PERIOD = 'from=2024-01&to=2024-04';

/** Every number in a JSON value that sits under a count key must be an integer. */
function countsAreIntegers(value: unknown, rateKeys: RegExp): void {
	if (Array.isArray(value)) value.forEach((v) => countsAreIntegers(v, rateKeys));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (typeof v === 'number' && !rateKeys.test(k)) {
				expect(Number.isInteger(v), `${k} = ${v} is an integer`).toBe(true);
			} else countsAreIntegers(v, rateKeys);
		}
	}
	// A count sent as a string would fail the checks on the figures; strings are labels here.
}

/** Parse a CSV without quoted cells (metrics CSVs of this dataset have none) into records. */
function parseCsv(text: string): Record<string, string>[] {
	const [head, ...rows] = text.trimEnd().split('\r\n');
	const keys = head.split(',');
	return rows.map((r) => Object.fromEntries(r.split(',').map((c, i) => [keys[i], c])));
}

describe('metrics API over HTTP', () => {
	let server: TestServer;
	let token = '';
	let cookie = '';

	beforeAll(async () => {
		server = await startServer({
			setup: async (db, dataDir) => {
				await createUser(db, {
					name: 'vera.viewer',
					roles: ['viewer'],
					password: PASSWORD,
					mustChangePassword: false,
					actor: 'test'
				});
				token = (await createToken(db, { userName: 'vera.viewer', label: 'e2e', actor: 'test' }))
					.token;
				const config = readConfig({ ...process.env, DATA_DIR: dataDir });
				for (const kind of KIND_NAMES) {
					const outcome = await loadExtract(
						db,
						{ path: path.join(fixtures, `${kind}.csv`) },
						{ kind, mode: 'replace', user: 'test', config, asOf: AS_OF }
					);
					if (!outcome.ok) throw new Error(`${kind}: ${JSON.stringify(outcome.error)}`);
				}
			}
		});
		// Sign in as a browser without JavaScript does: a same-origin form POST.
		const res = await fetch(`${server.url}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: server.url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ name: 'vera.viewer', password: PASSWORD })
		});
		expect(res.status).toBe(303);
		cookie = res.headers
			.getSetCookie()
			.find((c) => c.startsWith('session='))!
			.split(';')[0];
	});
	afterAll(async () => server?.stop());

	const bearer = (p: string, headers: Record<string, string> = {}) =>
		fetch(server.url + p, { headers: { authorization: `Bearer ${token}`, ...headers } });
	const withCookie = (p: string) => fetch(server.url + p, { headers: { cookie } });

	async function json(res: Response): Promise<Record<string, unknown>> {
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		return (await res.json()) as Record<string, unknown>;
	}

	it('answers monthly figures with every month, zero months and totals, as computed by hand', async () => {
		const res = await bearer(`/api/v1/metrics/monthly?${PERIOD}`);
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(Object.keys(body).sort()).toEqual(['filters', 'months', 'totals']);
		expect(body.filters).toEqual({
			from: '2024-01',
			to: '2024-04',
			area: 'all',
			offences: 'stalking',
			codes: ['8Q'],
			domestic_abuse: 'all',
			as_of: AS_OF,
			complete_to: '2024-04'
		});
		const months = body.months as Record<string, unknown>[];
		expect(months.map((m) => Object.keys(m).sort())).toEqual(
			monthlyExpected.map((m) => Object.keys(m).sort())
		);
		months.forEach((m, i) => {
			for (const [k, v] of Object.entries(monthlyExpected[i])) {
				if (typeof v === 'number') expect(m[k], `${m.month} ${k}`).toBeCloseTo(v, 12);
				else expect(m[k], `${m.month} ${k}`).toBe(v);
			}
		});
		const totals = body.totals as Record<string, number>;
		expect(Object.keys(totals).sort()).toEqual(Object.keys(monthlyTotals).sort());
		for (const [k, v] of Object.entries(monthlyTotals)) expect(totals[k], k).toBeCloseTo(v, 12);
		countsAreIntegers(body, /rate|median/);
	});

	it('gives the same figures to a signed-in session cookie as to a bearer token', async () => {
		const a = await (await bearer(`/api/v1/metrics/monthly?${PERIOD}`)).json();
		const res = await withCookie(`/api/v1/metrics/monthly?${PERIOD}`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual(a);
	});

	it('applies area, domestic-abuse and offence-group filters to crimes and their arrests and charges', async () => {
		// Ashfield 8Q: C01, C02 (Jan), C06 (Mar), C09, C10 (Apr) = 5; arrests A1, A2, A5, A6 = 4;
		// charges C01 (Feb) and C09 (Apr) = 2.
		const ash = (await json(await bearer(`/api/v1/metrics/monthly?${PERIOD}&area=ashfield`))) as {
			filters: { area: string };
			totals: Record<string, number>;
		};
		expect(ash.filters.area).toBe('Ashfield');
		expect(ash.totals).toMatchObject({ recorded: 5, arrests: 4, charges: 2 });
		// Domestic abuse Y, 8Q: C01, C03, C06, C08, C09, C11 = 6; N: C02, C07, C10 = 3.
		const da = (await json(await bearer(`/api/v1/metrics/monthly?${PERIOD}&domestic_abuse=y`))) as {
			totals: Record<string, number>;
		};
		expect(da.totals.recorded).toBe(6);
		// stalking_harassment adds C04 (Jan 8L), C05 (Feb 8L), C12 (Apr 8R): 9 + 3 = 12, Feb 1;
		// arrest A4 (C04) gives 6 arrests; charge C04 on 02-20 gives 5 charges.
		const sh = (await json(
			await bearer(`/api/v1/metrics/monthly?${PERIOD}&offences=stalking_harassment`)
		)) as { months: { recorded: number }[]; totals: Record<string, number> };
		expect(sh.months.map((m) => m.recorded)).toEqual([4, 1, 3, 4]);
		expect(sh.totals).toMatchObject({ recorded: 12, arrests: 6, charges: 5 });
		// A custom code list: 8L only = C04, C05.
		const codes = (await json(await bearer(`/api/v1/metrics/monthly?${PERIOD}&offences=8l`))) as {
			filters: { codes: string[] };
			totals: Record<string, number>;
		};
		expect(codes.filters.codes).toEqual(['8L']);
		expect(codes.totals.recorded).toBe(2);
	});

	it('defaults to the 24 months to the latest complete month (April 2024, taken 1 May)', async () => {
		const body = (await json(await bearer('/api/v1/metrics/monthly'))) as {
			filters: { from: string; to: string };
			months: { month: string }[];
		};
		// 2024-04 back 23 months = 2022-05.
		expect(body.filters).toMatchObject({ from: '2022-05', to: '2024-04' });
		expect(body.months).toHaveLength(24);
	});

	it('answers outcome groups per month, with every group and none for outcome 0 or no outcome', async () => {
		const body = await json(await bearer(`/api/v1/metrics/outcomes?${PERIOD}`));
		expect(body.filters).toMatchObject({ from: '2024-01', to: '2024-04' });
		const months = body.months as { month: string; groups: Record<string, number> }[];
		const zero = Object.fromEntries(OUTCOME_GROUPS.map((g) => [g, 0]));
		expect(months).toEqual([
			// C01 1A and C03 1 charged; C02 14 = evidential difficulties, victim does not support.
			{
				month: '2024-01',
				incomplete: false,
				groups: {
					...zero,
					charged_summonsed: 2,
					evidential_difficulties_victim_does_not_support: 1
				}
			},
			{ month: '2024-02', incomplete: false, groups: zero },
			// C06 outcome 0 = none; C07 1 charged; C08 8 = community resolution (informal).
			{
				month: '2024-03',
				incomplete: false,
				groups: { ...zero, none: 1, charged_summonsed: 1, out_of_court_informal: 1 }
			},
			// C09 1A charged; C10 18 no suspect; C11 no outcome row = none.
			{
				month: '2024-04',
				incomplete: false,
				groups: { ...zero, charged_summonsed: 1, no_suspect_identified: 1, none: 1 }
			}
		]);
	});

	it('answers under-reporting per financial year, carrying prevalence forward when missing', async () => {
		const body = await json(await bearer('/api/v1/metrics/reporting?from=2023-04&to=2024-04'));
		const years = body.years as Record<string, unknown>[];
		// FY 2023/24: 8Q recorded Apr 2023-Mar 2024 = C01 C02 C03 C06 C07 C08 = 6; population 2023
		// 100000 + 90000 = 190000; 3.0 % -> 5700 (2.5 % -> 4750, 3.5 % -> 6650); 6 / 5700; 5700 - 6.
		// FY 2024/25 is a part year: April 2024 only (taken 1 May): C09 C10 C11 = 3; 101000 + 91000 =
		// 192000; 2023's 3.0 % carried forward -> 5760 (4800, 6720); no ratio or unreported estimate
		// for a part year.
		const expected = [
			{
				fy: '2023/24',
				complete: true,
				last_month: '2024-03',
				recorded: 6,
				population_16plus: 190000,
				prevalence_pct: 3,
				carried_forward: false,
				estimated_victims: 5700,
				estimated_victims_lower: 4750,
				estimated_victims_upper: 6650,
				reporting_ratio: 6 / 5700,
				estimated_unreported: 5694
			},
			{
				fy: '2024/25',
				complete: false,
				last_month: '2024-04',
				recorded: 3,
				population_16plus: 192000,
				prevalence_pct: 3,
				carried_forward: true,
				estimated_victims: 5760,
				estimated_victims_lower: 4800,
				estimated_victims_upper: 6720,
				reporting_ratio: null,
				estimated_unreported: null
			}
		];
		expect(years).toHaveLength(2);
		years.forEach((y, i) => {
			expect(Object.keys(y).sort()).toEqual(Object.keys(expected[i]).sort());
			for (const [k, v] of Object.entries(expected[i])) {
				if (typeof v === 'number') expect(y[k], `${y.fy} ${k}`).toBeCloseTo(v, 9);
				else expect(y[k], `${y.fy} ${k}`).toBe(v);
			}
		});
		// Ashfield only, FY 2023/24: C01 C02 C06 = 3 over 3 % of 100000 = 3000.
		const ash = (await json(
			await bearer('/api/v1/metrics/reporting?from=2023-04&to=2023-04&area=Ashfield')
		)) as { years: Record<string, number>[] };
		expect(ash.years).toHaveLength(1);
		expect(ash.years[0]).toMatchObject({ recorded: 3, population_16plus: 100000 });
		expect(ash.years[0].estimated_victims).toBeCloseTo(3000, 9);
	});

	it('answers identification per month in Europe/London, so 2024-03-31T23:30Z is an April call', async () => {
		const body = await json(await bearer(`/api/v1/metrics/identification?${PERIOD}`));
		const z = {
			incomplete: false,
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
		// Handlers: H1 trained 2024-01-01; H2 trained 2024-04-01 (a London date).
		// I4 opened 2024-03-31T23:30Z = 00:30 BST on 1 April: in April, and H2 is trained that day.
		expect(body.months).toEqual([
			// I1 (DA, identified, H1 trained), I2 (DA, not identified, H2 untrained);
			// linked C01 -> I1 (identified), C03 -> I2.
			{
				...z,
				month: '2024-01',
				da_incidents: 2,
				da_stalking_identified: 1,
				da_identification_rate: 0.5,
				linked_crimes: 2,
				identified_at_first_contact: 1,
				first_contact_rate: 0.5,
				trained_handler_incidents: 1,
				trained_handler_identified: 1,
				untrained_handler_incidents: 1
			},
			// I6 (DA, not identified, H2 untrained); no crime recorded: first_contact_rate null.
			{
				...z,
				month: '2024-02',
				da_incidents: 1,
				da_identification_rate: 0,
				untrained_handler_incidents: 1
			},
			// I3 (DA, identified, H1); linked C06 -> I3 and C07 -> I4, both identified.
			{
				...z,
				month: '2024-03',
				da_incidents: 1,
				da_stalking_identified: 1,
				da_identification_rate: 1,
				linked_crimes: 2,
				identified_at_first_contact: 2,
				first_contact_rate: 1,
				trained_handler_incidents: 1,
				trained_handler_identified: 1
			},
			// I4 (not DA, identified, H2 trained on the day), I5 (DA, not identified, no handler:
			// in neither handler group); linked C09 -> I5.
			{
				...z,
				month: '2024-04',
				da_incidents: 1,
				da_identification_rate: 0,
				linked_crimes: 1,
				first_contact_rate: 0,
				trained_handler_incidents: 1,
				trained_handler_identified: 1
			}
		]);
		// Totals: da 2+1+1+1 = 5, identified 1+0+1+0 = 2; linked 2+0+2+1 = 5, identified 1+0+2+0 = 3;
		// trained 1+0+1+1 = 3 all identified; untrained 1+1 = 2, none identified.
		expect(body.totals).toEqual({
			da_incidents: 5,
			da_stalking_identified: 2,
			da_identification_rate: 0.4,
			linked_crimes: 5,
			identified_at_first_contact: 3,
			first_contact_rate: 0.6,
			trained_handler_incidents: 3,
			trained_handler_identified: 3,
			untrained_handler_incidents: 2,
			untrained_handler_identified: 0
		});
	});

	it('answers training coverage at month ends, by role and by area at the last month', async () => {
		const body = await json(await bearer(`/api/v1/metrics/training?${PERIOD}`));
		expect(Object.keys(body).sort()).toEqual(['by_area', 'by_role', 'filters', 'months', 'target']);
		expect(body.target).toEqual({ date: '2023-12-31', coverage: 1 });
		expect((body.filters as { role: string[] }).role).toEqual(['response_officer', 'control_room']);
		// Target roles: H1, H2 (control room), R1 (left 2024-03-15), R2 (joined 2024-02-01).
		// Courses: H1 01-01, R1 02-29, H2 04-01; N1 (neighbourhood) 2023-06-01 counts in total only.
		expect(body.months).toEqual([
			// Jan 31: H1 H2 R1 in post, H1 trained; total N1 H1 = 2.
			{
				month: '2024-01',
				incomplete: false,
				in_scope: 3,
				trained: 1,
				coverage: 1 / 3,
				total_trained: 2
			},
			// Feb 29: + R2 = 4; H1, R1 (trained on the day) = 2; total + R1 = 3.
			{
				month: '2024-02',
				incomplete: false,
				in_scope: 4,
				trained: 2,
				coverage: 0.5,
				total_trained: 3
			},
			// Mar 31: R1 gone: H1 H2 R2 = 3, H1 trained; total stays 3 (R1 still counts).
			{
				month: '2024-03',
				incomplete: false,
				in_scope: 3,
				trained: 1,
				coverage: 1 / 3,
				total_trained: 3
			},
			// Apr 30: H1 H2 trained of 3; total + H2 = 4.
			{
				month: '2024-04',
				incomplete: false,
				in_scope: 3,
				trained: 2,
				coverage: 2 / 3,
				total_trained: 4
			}
		]);
		expect(body.by_role).toEqual([
			{ role: 'response_officer', in_scope: 1, trained: 0, coverage: 0 },
			{ role: 'control_room', in_scope: 2, trained: 2, coverage: 1 }
		]);
		expect(body.by_area).toEqual([
			{ area: 'Ashfield', in_scope: 1, trained: 1, coverage: 1 },
			{ area: 'Bassetlaw', in_scope: 2, trained: 1, coverage: 0.5 }
		]);
	});

	it('answers XmR points: no limits under 12 points, and limits and signals over 16', async () => {
		const short = await json(await bearer(`/api/v1/metrics/spc?metric=recorded&${PERIOD}`));
		expect(short.metric).toBe('recorded');
		expect(short.points).toEqual(
			[
				['2024-01', 3],
				['2024-02', 0],
				['2024-03', 3],
				['2024-04', 3]
			].map(([month, value]) => ({
				month,
				value,
				centre: null,
				ucl: null,
				lcl: null,
				signals: [],
				incomplete: false
			}))
		);
		// 2023-01..2024-04 (2023-01 is a rebase month but the first point: one segment of 16):
		// values 12 × 0, 3, 0, 3, 3. centre = 9 / 16 = 0.5625; moving ranges sum 3+3+3+0 = 9 over
		// 15 -> AMR 0.6; UCL = 0.5625 + 2.66 × 0.6 = 2.1585; LCL = max(0, 0.5625 − 1.596) = 0.
		// outside: the 3s. shift: the twelve 2023 zeros (below centre). band = 2/3 × 1.596 = 1.064,
		// centre + band = 1.6265: windows (Jan, Feb, Mar) and (Feb, Mar, Apr) hold two 3s each.
		const long = await json(
			await bearer('/api/v1/metrics/spc?metric=recorded&from=2023-01&to=2024-04')
		);
		const points = long.points as {
			month: string;
			value: number;
			centre: number;
			ucl: number;
			lcl: number;
			signals: string[];
		}[];
		expect(points).toHaveLength(16);
		for (const p of points) {
			expect(p.centre).toBeCloseTo(0.5625, 12);
			expect(p.ucl).toBeCloseTo(2.1585, 12);
			expect(p.lcl).toBe(0);
		}
		expect(points.slice(0, 12).every((p) => p.value === 0 && p.signals.join() === 'shift')).toBe(
			true
		);
		expect(points.slice(12).map((p) => [p.month, p.value, p.signals])).toEqual([
			['2024-01', 3, ['outside', 'two_of_three']],
			['2024-02', 0, []],
			['2024-03', 3, ['outside', 'two_of_three']],
			['2024-04', 3, ['outside', 'two_of_three']]
		]);
		// Charges series Jan-Apr: 0, 1, 1, 2 (see monthly).
		const charges = (await json(await bearer(`/api/v1/metrics/spc?metric=charges&${PERIOD}`))) as {
			points: { value: number }[];
		};
		expect(charges.points.map((p) => p.value)).toEqual([0, 1, 1, 2]);
	});

	it('lists the areas in the data and the offence groups with their codes', async () => {
		const areas = await bearer('/api/v1/areas');
		expect(areas.status).toBe(200);
		expect(await json(areas)).toEqual({ areas: ['Ashfield', 'Bassetlaw'] });
		const groups = await json(await withCookie('/api/v1/offence-groups'));
		expect(groups).toEqual({
			groups: [
				{ name: 'stalking', codes: ['8Q'] },
				{ name: 'stalking_harassment', codes: ['8L', '8M', '8Q', '8R'] }
			]
		});
	});

	it('gives CSV with the same figures for ?format=csv and for Accept: text/csv', async () => {
		const byFormat = await bearer(`/api/v1/metrics/monthly?${PERIOD}&format=csv`);
		expect(byFormat.status).toBe(200);
		expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
		const text = await byFormat.text();
		const byAccept = await bearer(`/api/v1/metrics/monthly?${PERIOD}`, { accept: 'text/csv' });
		expect(byAccept.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(await byAccept.text()).toBe(text);
		const rows = parseCsv(text);
		expect(rows.map((r) => r.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', 'total']);
		const all = [...monthlyExpected, { month: 'total', ...monthlyTotals, provisional: null }];
		rows.forEach((r, i) => {
			for (const [k, v] of Object.entries(all[i])) {
				if (k === 'month') continue;
				if (v === null) expect(r[k], `${r.month} ${k}`).toBe('');
				else if (typeof v === 'boolean') expect(r[k], `${r.month} ${k}`).toBe(String(v));
				else expect(Number(r[k]), `${r.month} ${k}`).toBeCloseTo(v as number, 12);
			}
		});

		// Every other metrics endpoint answers CSV too; spot-check a figure in each.
		const csvOf = async (p: string) => {
			const res = await withCookie(p);
			expect(res.status, p).toBe(200);
			expect(res.headers.get('content-type'), p).toMatch(/^text\/csv/);
			return parseCsv(await res.text());
		};
		const outcomes = await csvOf(`/api/v1/metrics/outcomes?${PERIOD}&format=csv`);
		expect(outcomes.map((r) => r.charged_summonsed)).toEqual(['2', '0', '1', '1']);
		const reporting = await csvOf('/api/v1/metrics/reporting?from=2023-04&to=2024-04&format=csv');
		expect(reporting.map((r) => [r.fy, r.recorded, r.estimated_victims])).toEqual([
			['2023/24', '6', '5700'],
			['2024/25', '3', '5760']
		]);
		const ident = await csvOf(`/api/v1/metrics/identification?${PERIOD}&format=csv`);
		expect(ident.map((r) => r.da_incidents)).toEqual(['2', '1', '1', '1', '5']);
		const training = await csvOf(`/api/v1/metrics/training?${PERIOD}&format=csv`);
		expect(training.filter((r) => r.breakdown === 'month').map((r) => r.trained)).toEqual([
			'1',
			'2',
			'1',
			'2'
		]);
		const spc = await csvOf(`/api/v1/metrics/spc?metric=charges&${PERIOD}&format=csv`);
		expect(spc.map((r) => r.charges)).toEqual(['0', '1', '1', '2']);
	});

	it.each([
		['area', 'area=Nowhere'],
		['from', 'from=2023-13&to=2024-01'],
		['to', 'from=2024-01&to=2024-1'],
		['from', 'from=2024-04&to=2024-01'],
		['offences', 'offences=burglary'],
		['domestic_abuse', 'domestic_abuse=maybe']
	])('refuses a bad %s (%s) with 400 JSON naming the parameter', async (parameter, query) => {
		for (const endpoint of ['monthly', 'outcomes', 'identification']) {
			const res = await bearer(`/api/v1/metrics/${endpoint}?${query}`);
			expect(res.status, endpoint).toBe(400);
			const { error } = (await json(res)) as {
				error: { code: string; message: string; details: { parameter: string }[] };
			};
			expect(error.code).toBe('bad_parameter');
			expect(error.message).toContain(parameter);
			expect(error.details[0].parameter).toBe(parameter);
		}
	});

	it('refuses a bad spc metric and a bad training role with 400 naming the parameter', async () => {
		const spc = await bearer(`/api/v1/metrics/spc?metric=burglaries&${PERIOD}`);
		expect(spc.status).toBe(400);
		expect(((await json(spc)) as { error: { message: string } }).error.message).toContain('metric');
		const role = await bearer(`/api/v1/metrics/training?role=chief&${PERIOD}`);
		expect(role.status).toBe(400);
		expect(((await json(role)) as { error: { message: string } }).error.message).toContain('role');
	});

	it('answers 401 JSON to every metrics endpoint without credentials', async () => {
		for (const p of ['monthly', 'outcomes', 'reporting', 'identification', 'training', 'spc']
			.map((e) => `/api/v1/metrics/${e}`)
			.concat(['/api/v1/areas', '/api/v1/offence-groups'])) {
			const res = await fetch(server.url + p, { redirect: 'manual' });
			expect(res.status, p).toBe(401);
			const { error } = (await json(res)) as { error: { code: string; message: string } };
			expect(error.code, p).toBe('unauthenticated');
			expect(error.message, p).toMatch(/^Sign in, or send a personal API token/);
		}
		const forged = await fetch(`${server.url}/api/v1/metrics/monthly`, {
			headers: { authorization: 'Bearer not-a-token' }
		});
		expect(forged.status).toBe(401);
	});

	it('sends counts as JSON integers in every metrics response, never strings', async () => {
		for (const p of [
			`monthly?${PERIOD}`,
			`outcomes?${PERIOD}`,
			'reporting?from=2023-04&to=2024-04',
			`identification?${PERIOD}`,
			`training?${PERIOD}`,
			`spc?metric=arrests&${PERIOD}`
		]) {
			const text = await (await bearer(`/api/v1/metrics/${p}`)).text();
			// No number in quotes, such as "recorded":"3" or a BigInt serialised as a string.
			expect(text, p).not.toMatch(/":"-?\d+(\.\d+)?"/);
			countsAreIntegers(
				JSON.parse(text),
				/rate|ratio|median|coverage|prevalence|estimated|centre|ucl|lcl|value/
			);
		}
	});
});
