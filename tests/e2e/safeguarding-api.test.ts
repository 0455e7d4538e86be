// The safeguarding and journey endpoints over the real server: hand-computed figures from
// tests/fixtures/http plus two small merges sent through POST /api/v1/extracts, JSON (checked against
// the OpenAPI schema too) and CSV, 400s naming the parameter, 401 without credentials, a viewer may
// read; the area filter on an order's own area, the offence and domestic-abuse filters not applied
// to orders; and a journey step whose kind is empty said as null, never 0 (a second server).
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db';
import { loadExtract } from '../../src/lib/server/extracts';
import { KIND_NAMES, type KindName } from '../../src/lib/server/extracts/contract';
import { openApiDocument } from '../../src/lib/server/openapi';
import { startServer, type TestServer } from '../helpers/server';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/http');
const PASSWORD = 'amber-kettle-river-9';
const AS_OF = '2024-05-01';
const PERIOD = 'from=2024-01&to=2024-04';

/*
 * The dataset: tests/fixtures/http (2 areas, Jan-Apr 2024, taken 1 May 2024), then two merges sent
 * by an analyst through the API (below). Stalking (8Q) crimes, recorded date, area, DA, incident:
 *   Jan: C01 01-05 Ashfield Y I1, C02 01-12 Ashfield N, C03 01-20 Bassetlaw Y I2   (C04 01-25 8L)
 *   Feb: none                                                                       (C05 02-10 8L)
 *   Mar: C06 03-03 Ashfield Y I3, C07 03-15 Bassetlaw N I4, C08 03-28 Bassetlaw Y
 *   Apr: C09 04-02 Ashfield Y I5, C10 04-10 Ashfield N, C11 04-20 Bassetlaw Y       (C12 04-30 8R)
 * Risk assessments (N = risk_assessment_days = 2; a day is completed_at on the London clock):
 *   R1 crime C01 + incident I1, 01-05 15:00, high, MARAC Y, advocacy Y -> C01 day 0: in window.
 *   R2 incident I2 only, 01-19 13:00, medium -> C03 (incident I2), a day BEFORE the crime record:
 *      earlier counts, in window. Linked by incident only.
 *   R3 crime C06, 2024-03-06 (a date), high, MARAC N, advocacy Y -> C06 recorded 03-03, + 2 = 03-05:
 *      day 3 is OUTSIDE the window, so C06 is not risk assessed (and not high risk), but advocacy
 *      counts on any day.
 *   R4 crime C07, 2024-03-16T10:00Z (GMT, before BST starts on 31 March: 10:00 London, 03-16),
 *      standard, flags empty (= N) -> C07 recorded 03-15: day 1, in window.
 *   R5 crime C09 + incident I5, 04-02 09:00, medium -> C09 day 0, in window.
 * Protective orders (order_types spo + interim_spo; P5 is a dvpo and never counted):
 *   P1 interim_spo C01 Ashfield applied 01-10 granted 01-11 expires 02-20, breaches 0
 *   P2 spo C01 Ashfield applied 01-24 granted 02-20 expires 2026-02-20, breaches 1
 *   P3 spo C06 Ashfield applied 03-20 refused 04-10, breaches empty (= 0)
 *   P4 spo (no crime) Bassetlaw applied 04-15 pending
 *   P5 dvpo C03 Bassetlaw applied 01-21 granted 01-23 expires 02-19 (not a counted type)
 *   P6 (merged below) spo C03 -- a BASSETLAW crime -- but the order's own area is ASHFIELD,
 *      applied 02-05, withdrawn 02-12.
 * Crimes merged below with first_offence_code: C06 first 8L (reclassified to stalking), C07 first
 *   8Q (known, not reclassified), C10 first 8R (reclassified), C04 (an 8L crime) first 8L.
 */
const CRIMES_MERGE = [
	'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref,first_offence_code',
	'C04,2024-01-25,8L,Bassetlaw,Y,ex_partner,M,45_54,,8L',
	'C06,2024-03-03,8Q,Ashfield,Y,ex_partner,F,25_34,I3,8L',
	'C07,2024-03-15,8Q,Bassetlaw,N,acquaintance,M,55_64,I4,8Q',
	'C10,2024-04-10,8Q,Ashfield,N,stranger,X,unknown,,8R'
].join('\n');
const ORDERS_MERGE = [
	'order_ref,order_type,crime_ref,area,applied_date,status,decision_date,expires_date,breach_count',
	'P6,spo,C03,Ashfield,2024-02-05,withdrawn,2024-02-12,,'
].join('\n');

/** A month with nothing in it: zero counts, null rates and medians. */
const ZERO = {
	incomplete: false,
	recorded: 0,
	risk_assessed: 0,
	risk_assessment_rate: null,
	risk_standard: 0,
	risk_medium: 0,
	risk_high: 0,
	marac_referred_high: 0,
	marac_rate: null,
	advocacy_referred: 0,
	advocacy_rate: null,
	orders_applied: 0,
	orders_granted: 0,
	orders_refused: 0,
	orders_withdrawn: 0,
	orders_pending: 0,
	grant_rate: null,
	median_days_to_application: null,
	orders_with_crime: 0,
	orders_in_force: 0,
	harassment_type_crimes: 0,
	stalking_recorded: 0,
	stalking_share: null,
	first_code_known: 0,
	reclassified_to_stalking: 0,
	reclassified_rate: null
};

const monthsExpected = [
	{
		...ZERO,
		month: '2024-01',
		// C01 C02 C03; assessed C01 (R1) and C03 (R2, by incident, the day before): 2 / 3.
		recorded: 3,
		risk_assessed: 2,
		risk_assessment_rate: 2 / 3,
		// C03 medium (R2), C01 high (R1) with MARAC: 1 of 1 high.
		risk_medium: 1,
		risk_high: 1,
		marac_referred_high: 1,
		marac_rate: 1,
		// Advocacy: C01 (R1): 1 / 3.
		advocacy_referred: 1,
		advocacy_rate: 1 / 3,
		// P1 and P2 applied, both granted now: 2 / (2 + 0) = 1. Days: P1 01-05 -> 01-10 = 5,
		// P2 01-05 -> 01-24 = 19; median (5 + 19) / 2 = 12, over 2 orders with a crime.
		orders_applied: 2,
		orders_granted: 2,
		grant_rate: 1,
		median_days_to_application: 12,
		orders_with_crime: 2,
		// At 31 Jan: P1 (decided 01-11, ends 02-20); P2 decided only on 02-20; P5 is a dvpo.
		orders_in_force: 1,
		// Harassment-type: C01 C02 C03 (8Q) + C04 (8L) = 4, stalking 3: 3 / 4.
		harassment_type_crimes: 4,
		stalking_recorded: 3,
		stalking_share: 3 / 4
	},
	{
		...ZERO,
		month: '2024-02',
		// No stalking crime: rates null, never 0. P6 applied 02-05, withdrawn: grant rate null
		// (nothing granted or refused); days C03 01-20 -> 02-05 = 11 + 5 = 16.
		orders_applied: 1,
		orders_withdrawn: 1,
		median_days_to_application: 16,
		orders_with_crime: 1,
		// At 29 Feb: P1 ended 02-20 (not after the month end); P2 decided 02-20: 1.
		orders_in_force: 1,
		// C05 (8L) only: 0 / 1 = 0 (a rate of 0, not null: there is a denominator).
		harassment_type_crimes: 1,
		stalking_share: 0
	},
	{
		...ZERO,
		month: '2024-03',
		// C06 C07 C08; assessed C07 only (R3 is day 3 for C06): 1 / 3, standard.
		recorded: 3,
		risk_assessed: 1,
		risk_assessment_rate: 1 / 3,
		risk_standard: 1,
		// No high risk in the window (R3 is outside it): MARAC rate null.
		// Advocacy: C06 (R3, any day): 1 / 3.
		advocacy_referred: 1,
		advocacy_rate: 1 / 3,
		// P3 applied 03-20, refused: 0 / (0 + 1) = 0; days C06 03-03 -> 03-20 = 17.
		orders_applied: 1,
		orders_refused: 1,
		grant_rate: 0,
		median_days_to_application: 17,
		orders_with_crime: 1,
		orders_in_force: 1, // P2
		harassment_type_crimes: 3,
		stalking_recorded: 3,
		stalking_share: 1,
		// First codes: C06 (8L, reclassified), C07 (8Q): 1 / 2.
		first_code_known: 2,
		reclassified_to_stalking: 1,
		reclassified_rate: 0.5
	},
	{
		...ZERO,
		month: '2024-04',
		// C09 C10 C11; assessed C09 (R5, medium): 1 / 3; no advocacy: 0 / 3 = 0.
		recorded: 3,
		risk_assessed: 1,
		risk_assessment_rate: 1 / 3,
		risk_medium: 1,
		advocacy_rate: 0,
		// P4 pending, no crime: grant rate null, median null, 0 orders with a crime.
		orders_applied: 1,
		orders_pending: 1,
		orders_in_force: 1, // P2
		// C09 C10 C11 (8Q) + C12 (8R) = 4: 3 / 4.
		harassment_type_crimes: 4,
		stalking_recorded: 3,
		stalking_share: 3 / 4,
		// C10 first 8R: 1 / 1.
		first_code_known: 1,
		reclassified_to_stalking: 1,
		reclassified_rate: 1
	}
];

// Totals from summed parts: recorded 3+0+3+3 = 9, assessed 2+0+1+1 = 4 (4/9); standard 1, medium
// 1+1 = 2, high 1; MARAC 1 / 1; advocacy 1+1 = 2 (2/9). Orders 2+1+1+1 = 5: granted 2, refused 1,
// withdrawn 1, pending 1; grant rate 2 / 3. Median over the period's orders with a crime: 5, 16, 17,
// 19 -> (16 + 17) / 2 = 16.5 over 4. Breaches: P1 0 + P2 1 + P3 empty + P4 empty + P6 empty = 1.
// Orders in force at the end (30 April): P2 = 1. Harassment-type 4+1+3+4 = 12, stalking 9 (0.75).
// First codes 0+0+2+1 = 3, reclassified 2 (2/3).
const totalsExpected = {
	recorded: 9,
	risk_assessed: 4,
	risk_assessment_rate: 4 / 9,
	risk_standard: 1,
	risk_medium: 2,
	risk_high: 1,
	marac_referred_high: 1,
	marac_rate: 1,
	advocacy_referred: 2,
	advocacy_rate: 2 / 9,
	orders_applied: 5,
	orders_granted: 2,
	orders_refused: 1,
	orders_withdrawn: 1,
	orders_pending: 1,
	grant_rate: 2 / 3,
	median_days_to_application: 16.5,
	orders_with_crime: 4,
	harassment_type_crimes: 12,
	stalking_recorded: 9,
	stalking_share: 0.75,
	first_code_known: 3,
	reclassified_to_stalking: 2,
	reclassified_rate: 2 / 3,
	breaches: 1,
	orders_in_force_at_end: 1
};

// api.md's documented fields (months; totals are the same without month and orders_in_force, plus
// breaches). The answer adds `incomplete` (metrics.md), `orders_with_crime` (the median's cases) and
// `orders_in_force_at_end`, as the OpenAPI document declares.
const API_MD_MONTH_KEYS = [
	'month',
	'recorded',
	'risk_assessed',
	'risk_assessment_rate',
	'risk_standard',
	'risk_medium',
	'risk_high',
	'marac_referred_high',
	'marac_rate',
	'advocacy_referred',
	'advocacy_rate',
	'orders_applied',
	'orders_granted',
	'orders_refused',
	'orders_withdrawn',
	'orders_pending',
	'grant_rate',
	'median_days_to_application',
	'orders_in_force',
	'harassment_type_crimes',
	'stalking_recorded',
	'stalking_share',
	'first_code_known',
	'reclassified_to_stalking',
	'reclassified_rate'
];

const RATE_KEYS = /rate|share|median/;

/** Every number under a count key is an integer (never a string, never a BigInt). */
function countsAreIntegers(value: unknown): void {
	if (Array.isArray(value)) value.forEach(countsAreIntegers);
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (typeof v === 'number' && !RATE_KEYS.test(k)) {
				expect(Number.isInteger(v), `${k} = ${v} is an integer`).toBe(true);
			} else countsAreIntegers(v);
		}
	}
}

function expectFigures(
	actual: Record<string, unknown>,
	expected: Record<string, unknown>,
	at: string
) {
	expect(Object.keys(actual).sort(), at).toEqual(Object.keys(expected).sort());
	for (const [k, v] of Object.entries(expected)) {
		if (typeof v === 'number') expect(actual[k], `${at} ${k}`).toBeCloseTo(v, 12);
		else expect(actual[k], `${at} ${k}`).toBe(v);
	}
}

/** A CSV without quoted cells (these have none) as records. */
function parseCsv(text: string): Record<string, string>[] {
	const [head, ...rows] = text.trimEnd().split('\r\n');
	const keys = head.split(',');
	return rows.map((r) => Object.fromEntries(r.split(',').map((c, i) => [keys[i], c])));
}

/** The OpenAPI document's schema for a component, compiled with ajv as openapi.test.ts does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const doc = openApiDocument as any;
const DOC_ID = 'https://dashboard.invalid/api/v1/openapi.json';
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
for (const key of Object.keys(doc)) ajv.addKeyword(key);
ajv.addSchema({ ...doc, $id: DOC_ID });
function expectSchema(component: string, body: unknown) {
	const validate = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${component}` });
	const ok = validate(body);
	expect(ok ? [] : validate.errors, component).toEqual([]);
}

async function seed(db: Db, dataDir: string, kinds: readonly KindName[]) {
	const config = readConfig({ ...process.env, DATA_DIR: dataDir });
	for (const kind of kinds) {
		const outcome = await loadExtract(
			db,
			{ path: path.join(fixtures, `${kind}.csv`) },
			{ kind, mode: 'replace', user: 'test', config, asOf: AS_OF }
		);
		if (!outcome.ok) throw new Error(`${kind}: ${JSON.stringify(outcome.error)}`);
	}
}

async function users(db: Db, tokens: Record<string, string>) {
	for (const [name, role] of [
		['vera.viewer', 'viewer'],
		['ana.lyst', 'analyst']
	] as const) {
		await createUser(db, {
			name,
			roles: [role],
			password: PASSWORD,
			mustChangePassword: false,
			actor: 'test'
		});
		tokens[name] = (await createToken(db, { userName: name, label: 'e2e', actor: 'test' })).token;
	}
}

describe('safeguarding and journey API over HTTP', () => {
	let server: TestServer;
	const tokens: Record<string, string> = {};

	beforeAll(async () => {
		server = await startServer({
			setup: async (db, dataDir) => {
				await users(db, tokens);
				await seed(db, dataDir, KIND_NAMES);
			}
		});
		// The analyst's merges, through the API as a scheduled job would send them.
		for (const [kind, body] of [
			['crimes', CRIMES_MERGE],
			['protective_orders', ORDERS_MERGE]
		] as const) {
			const res = await fetch(
				`${server.url}/api/v1/extracts?kind=${kind}&mode=merge&as_of=${AS_OF}`,
				{
					method: 'POST',
					headers: { authorization: `Bearer ${tokens['ana.lyst']}`, 'content-type': 'text/csv' },
					body
				}
			);
			const text = await res.text();
			expect(res.status, `${kind}: ${text}`).toBe(201);
			const { upload } = JSON.parse(text);
			// crimes: 4 rows, all replacing loaded ones; orders: 1 new row.
			expect(upload).toMatchObject(
				kind === 'crimes'
					? { kind, mode: 'merge', rows: 4, inserted: 0, replaced: 4 }
					: { kind, mode: 'merge', rows: 1, inserted: 1, replaced: 0 }
			);
		}
	});
	afterAll(async () => server?.stop());

	const get = (p: string, headers: Record<string, string> = {}, who = 'vera.viewer') =>
		fetch(server.url + p, { headers: { authorization: `Bearer ${tokens[who]}`, ...headers } });
	async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		return (await res.json()) as T;
	}
	type Sg = {
		filters: Record<string, unknown>;
		settings: Record<string, unknown>;
		months: Record<string, unknown>[];
		totals: Record<string, number | null>;
	};
	type Step = {
		key: string;
		label: string;
		count: number | null;
		of: string | null;
		denominator: number | null;
		rate: number | null;
		kind: string;
	};
	type Journey = { filters: Record<string, unknown>; steps: Step[]; orders: Step[] };

	it('answers safeguarding per month and in total, as worked out by hand, in the documented shape', async () => {
		const body = await json<Sg>(await get(`/api/v1/metrics/safeguarding?${PERIOD}`));
		expect(Object.keys(body).sort()).toEqual(['filters', 'months', 'settings', 'totals']);
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
		expect(body.settings).toEqual({ risk_assessment_days: 2, order_types: ['spo', 'interim_spo'] });
		expect(body.months).toHaveLength(4);
		body.months.forEach((m, i) => expectFigures(m, monthsExpected[i], String(m.month)));
		expectFigures(body.totals, totalsExpected, 'totals');
		// Every field api.md names is there; the totals as api.md says, plus the documented extras.
		for (const m of body.months)
			expect(Object.keys(m)).toEqual(expect.arrayContaining(API_MD_MONTH_KEYS));
		const totalKeys = [
			...API_MD_MONTH_KEYS.filter((k) => k !== 'month' && k !== 'orders_in_force'),
			'breaches'
		];
		expect(Object.keys(body.totals)).toEqual(expect.arrayContaining(totalKeys));
		countsAreIntegers(body);
		expectSchema('SafeguardingResult', body);
	});

	it('answers the journey as worked out by hand, each step with its denominator', async () => {
		const body = await json<Journey>(await get(`/api/v1/metrics/journey?${PERIOD}`));
		expect(Object.keys(body).sort()).toEqual(['filters', 'orders', 'settings', 'steps']);
		expect(body.filters).toMatchObject({ from: '2024-01', to: '2024-04', area: 'all' });
		const r = (
			k: string,
			label: string,
			count: number,
			kind: string,
			of: string | null,
			den: number | null
		) => ({
			key: k,
			label,
			count,
			of,
			denominator: den,
			rate: den === null ? null : den === 0 ? null : count / den,
			kind
		});
		expect(body.steps).toEqual([
			// 9 stalking crimes recorded Jan-Apr.
			r('recorded', 'Stalking crimes recorded', 9, 'crimes', null, null),
			// Linked to an incident flagged stalking_identified: C01 (I1), C06 (I3), C07 (I4) = 3
			// (C03's I2 and C09's I5 are not identified).
			r(
				'identified_at_first_contact',
				'Identified as stalking at first contact',
				3,
				'incidents',
				'recorded',
				9
			),
			// C01 C03 C07 C09 (see the months) = 4.
			r('risk_assessed', 'Risk assessed within 2 days', 4, 'risk_assessments', 'recorded', 9),
			// C01 (R1), C06 (R3, on day 3: any day counts) = 2.
			r(
				'advocacy_referred',
				'Referred to specialist advocacy',
				2,
				'risk_assessments',
				'recorded',
				9
			),
			// Arrests A1 A2 (C01), A3 (C03), A5 (C06), A6 (C09): 4 crimes (A4 is the 8L C04).
			r('arrested', 'With an arrest', 4, 'arrests', 'recorded', 9),
			// Current outcome 1: C01 1A, C03 1, C07 1, C09 1A = 4 (C04's charge is 8L).
			r('charged', 'Charged or summonsed', 4, 'outcomes', 'recorded', 9)
		]);
		expect(body.orders).toEqual([
			// P1 P2 P3 P4 P6 (P5 a dvpo) = 5; granted P1 P2 = 2 of 5; breached P2 = 1 of 2.
			r('applied', 'Orders applied for', 5, 'protective_orders', null, null),
			r('granted', 'Granted', 2, 'protective_orders', 'applied', 5),
			r('breached', 'Granted and breached at least once', 1, 'protective_orders', 'granted', 2)
		]);
		countsAreIntegers(body);
		expectSchema('JourneyResult', body);
	});

	it("applies the area filter to an order's own area, not its crime's", async () => {
		// Ashfield: stalking crimes C01 C02 C06 C09 C10 = 5, assessed C01 C09 = 2, advocacy C01 C06 = 2.
		// Orders whose own area is Ashfield: P1 P2 P3 and P6 (whose crime C03 is in Bassetlaw) = 4:
		// granted 2, refused 1, withdrawn 1; median over 5, 16, 17, 19 = 16.5; breaches 1 (P2).
		const ash = await json<Sg>(await get(`/api/v1/metrics/safeguarding?${PERIOD}&area=ashfield`));
		expect(ash.filters.area).toBe('Ashfield');
		expect(ash.totals).toMatchObject({
			recorded: 5,
			risk_assessed: 2,
			advocacy_referred: 2,
			orders_applied: 4,
			orders_granted: 2,
			orders_refused: 1,
			orders_withdrawn: 1,
			orders_pending: 0,
			median_days_to_application: 16.5,
			orders_with_crime: 4,
			breaches: 1,
			orders_in_force_at_end: 1
		});
		expect(ash.months.map((m) => m.orders_applied)).toEqual([2, 1, 1, 0]);
		// Bassetlaw: C03 C07 C08 C11 = 4 crimes; the only order of its own is P4 (pending, no crime):
		// P6 rests on the Bassetlaw crime C03 yet is not counted here; nothing in force (P5 a dvpo).
		const bas = await json<Sg>(await get(`/api/v1/metrics/safeguarding?${PERIOD}&area=Bassetlaw`));
		expect(bas.totals).toMatchObject({
			recorded: 4,
			orders_applied: 1,
			orders_granted: 0,
			orders_withdrawn: 0,
			orders_pending: 1,
			grant_rate: null,
			median_days_to_application: null,
			orders_with_crime: 0,
			breaches: 0,
			orders_in_force_at_end: 0
		});
		expect(bas.months.map((m) => m.orders_in_force)).toEqual([0, 0, 0, 0]);
		// The journey's order steps follow the same rule: Bassetlaw applied 1 (P4), granted 0 of 1,
		// breached 0 of 0 granted (rate null); its crime steps: recorded 4, identified C07 (I4) = 1,
		// assessed C03 C07 = 2, advocacy 0, arrested C03 = 1, charged C03 C07 = 2.
		const j = await json<Journey>(await get(`/api/v1/metrics/journey?${PERIOD}&area=Bassetlaw`));
		expect(j.steps.map((s) => s.count)).toEqual([4, 1, 2, 0, 1, 2]);
		expect(j.orders.map((s) => [s.count, s.denominator, s.rate])).toEqual([
			[1, null, null],
			[0, 1, 0],
			[0, 0, null]
		]);
		// The two areas' orders add up to the force's 5 (no order without an area, none counted twice).
		expect((ash.totals.orders_applied ?? 0) + (bas.totals.orders_applied ?? 0)).toBe(5);
	});

	it('does not apply the offence or domestic-abuse filters to orders (nor offences to recognition)', async () => {
		const orderKeys = [
			'orders_applied',
			'orders_granted',
			'orders_refused',
			'orders_withdrawn',
			'orders_pending',
			'median_days_to_application',
			'breaches',
			'orders_in_force_at_end'
		] as const;
		const orders = (t: Sg['totals']) => orderKeys.map((k) => t[k]);
		// All filters off: 5 applied, 2 granted, 1 refused, 1 withdrawn, 1 pending, median 16.5,
		// 1 breach, 1 in force at the end.
		const all = [5, 2, 1, 1, 1, 16.5, 1, 1];
		// Harassment (8L) only: crimes C04 C05 = 2, neither assessed (no assessment names them), no
		// 8Q so no first codes; the orders are the same 5; harassment-type crimes still 12.
		const l = await json<Sg>(await get(`/api/v1/metrics/safeguarding?${PERIOD}&offences=8L`));
		expect(l.totals).toMatchObject({
			recorded: 2,
			risk_assessed: 0,
			risk_assessment_rate: 0,
			first_code_known: 0,
			reclassified_rate: null,
			harassment_type_crimes: 12,
			stalking_recorded: 9
		});
		expect(orders(l.totals)).toEqual(all);
		// Not domestic abuse: 8Q C02 C07 C10 = 3 (assessed C07: 1/3); orders the same 5 -- P6 rests on
		// C03, a domestic-abuse crime, and is still counted; harassment-type N: C02 C05 C07 C10 C12 = 5,
		// stalking C02 C07 C10 = 3.
		const n = await json<Sg>(await get(`/api/v1/metrics/safeguarding?${PERIOD}&domestic_abuse=N`));
		expect(n.totals).toMatchObject({
			recorded: 3,
			risk_assessed: 1,
			harassment_type_crimes: 5,
			stalking_recorded: 3,
			stalking_share: 3 / 5
		});
		expect(orders(n.totals)).toEqual(all);
		// Both at once, and the journey: 8L crimes 2 with no step beyond recorded but an arrest
		// (A4, C04) and a charge (C04 outcome 1); the order funnel unchanged: 5, 2, 1.
		const j = await json<Journey>(
			await get(`/api/v1/metrics/journey?${PERIOD}&offences=stalking_harassment&domestic_abuse=Y`)
		);
		// DA Y harassment-type: C01 C03 C04 C06 C08 C09 C11 = 7; identified C01 C06 = 2; assessed
		// C01 C03 C09 = 3; advocacy C01 C06 = 2; arrested C01 C03 C04 C06 C09 = 5; charged C01 C03 C04
		// C09 = 4.
		expect(j.steps.map((s) => s.count)).toEqual([7, 2, 3, 2, 5, 4]);
		expect(j.orders.map((s) => s.count)).toEqual([5, 2, 1]);
	});

	it('gives CSV for ?format=csv and for Accept: text/csv: months and a total row', async () => {
		const byFormat = await get(`/api/v1/metrics/safeguarding?${PERIOD}&format=csv`);
		expect(byFormat.status).toBe(200);
		expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(byFormat.headers.get('content-disposition')).toContain(
			'safeguarding-2024-01-2024-04.csv'
		);
		const text = await byFormat.text();
		const byAccept = await get(`/api/v1/metrics/safeguarding?${PERIOD}`, { accept: 'text/csv' });
		expect(byAccept.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(await byAccept.text()).toBe(text);
		const header = text.split('\r\n')[0].split(',');
		expect(header[0]).toBe('month');
		expect(header).toEqual(
			expect.arrayContaining([...API_MD_MONTH_KEYS, 'breaches', 'incomplete'])
		);
		const rows = parseCsv(text);
		expect(rows.map((r) => r.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', 'total']);
		// The same figures as the JSON: a null rate is an empty cell, never 0.
		expect(rows[1]).toMatchObject({
			recorded: '0',
			risk_assessment_rate: '',
			grant_rate: '',
			orders_withdrawn: '1'
		});
		expect(Number(rows[0].risk_assessment_rate)).toBeCloseTo(2 / 3, 12);
		expect(rows[2]).toMatchObject({ median_days_to_application: '17', reclassified_rate: '0.5' });
		// Breaches are a period figure: empty on the months, 1 on the total row; in force at the end.
		expect(rows.slice(0, 4).map((r) => r.breaches)).toEqual(['', '', '', '']);
		expect(rows[4]).toMatchObject({
			recorded: '9',
			risk_assessed: '4',
			orders_applied: '5',
			orders_withdrawn: '1',
			median_days_to_application: '16.5',
			breaches: '1',
			orders_in_force: '1',
			stalking_share: '0.75',
			incomplete: ''
		});
		// JSON is still the answer for a browser's Accept, and for ?format=json.
		const asJson = await get(`/api/v1/metrics/safeguarding?${PERIOD}&format=json`, {
			accept: 'text/csv'
		});
		expect(asJson.headers.get('content-type')).toMatch(/^application\/json/);
		await asJson.arrayBuffer();
	});

	it('gives the journey as CSV, one row per step', async () => {
		const res = await get(`/api/v1/metrics/journey?${PERIOD}&format=csv`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
		const text = await res.text();
		const byAccept = await get(`/api/v1/metrics/journey?${PERIOD}`, { accept: 'text/csv' });
		expect(await byAccept.text()).toBe(text);
		expect(text.split('\r\n')[0]).toBe('funnel,step,label,count,of,denominator,rate,kind');
		const rows = parseCsv(text);
		expect(rows.map((r) => [r.funnel, r.step, r.count, r.of, r.denominator])).toEqual([
			['crimes', 'recorded', '9', '', ''],
			['crimes', 'identified_at_first_contact', '3', 'recorded', '9'],
			['crimes', 'risk_assessed', '4', 'recorded', '9'],
			['crimes', 'advocacy_referred', '2', 'recorded', '9'],
			['crimes', 'arrested', '4', 'recorded', '9'],
			['crimes', 'charged', '4', 'recorded', '9'],
			['orders', 'applied', '5', '', ''],
			['orders', 'granted', '2', 'applied', '5'],
			['orders', 'breached', '1', 'granted', '2']
		]);
		expect(Number(rows[2].rate)).toBeCloseTo(4 / 9, 12);
		expect(rows[7].rate).toBe('0.4');
	});

	for (const endpoint of ['safeguarding', 'journey']) {
		it(`answers 400 naming the parameter on ${endpoint}`, async () => {
			const cases: [string, string][] = [
				['from=2024-13', 'from'],
				['from=April', 'from'],
				['from=2024-05&to=2024-01', 'from'],
				['to=2024-00', 'to'],
				['area=Atlantis', 'area'],
				['offences=not%20a%20group', 'offences'],
				['domestic_abuse=maybe', 'domestic_abuse'],
				['format=xml', 'format']
			];
			for (const [q, parameter] of cases) {
				const res = await get(`/api/v1/metrics/${endpoint}?${q}`);
				expect(res.status, q).toBe(400);
				expect(res.headers.get('content-type'), q).toMatch(/^application\/json/);
				const { error } = (await res.json()) as {
					error: { code: string; message: string; details: { parameter: string }[] };
				};
				expect(error.code, q).toBe('bad_parameter');
				expect(error.message, q).toContain(parameter);
				expect(error.details[0].parameter, q).toBe(parameter);
			}
			// A bad parameter is JSON even when CSV was asked for.
			const csv = await get(`/api/v1/metrics/${endpoint}?area=Atlantis`, { accept: 'text/csv' });
			expect(csv.status).toBe(400);
			expect(csv.headers.get('content-type')).toMatch(/^application\/json/);
			expect((await csv.json()).error.message).toMatch(/area/);
		});

		it(`answers 401 JSON without credentials on ${endpoint}, and reads for a viewer and an analyst`, async () => {
			const anon = await fetch(`${server.url}/api/v1/metrics/${endpoint}?${PERIOD}`);
			expect(anon.status).toBe(401);
			expect(anon.headers.get('content-type')).toMatch(/^application\/json/);
			expect((await anon.json()).error.code).toBe('unauthenticated');
			const bad = await fetch(`${server.url}/api/v1/metrics/${endpoint}?${PERIOD}`, {
				headers: { authorization: 'Bearer not-a-real-token' }
			});
			expect(bad.status).toBe(401);
			await bad.arrayBuffer();
			const csvAnon = await fetch(`${server.url}/api/v1/metrics/${endpoint}?${PERIOD}&format=csv`);
			expect(csvAnon.status).toBe(401);
			await csvAnon.arrayBuffer();
			// The viewer (every test above reads as the viewer) and the analyst get the same answer.
			const viewer = await json(await get(`/api/v1/metrics/${endpoint}?${PERIOD}`));
			const analyst = await json(
				await get(`/api/v1/metrics/${endpoint}?${PERIOD}`, {}, 'ana.lyst')
			);
			expect(analyst).toEqual(viewer);
		});
	}
});

describe('the journey with the safeguarding extracts not loaded', () => {
	let server: TestServer;
	const tokens: Record<string, string> = {};
	beforeAll(async () => {
		server = await startServer({
			setup: async (db, dataDir) => {
				await users(db, tokens);
				await seed(
					db,
					dataDir,
					KIND_NAMES.filter((k) => k !== 'risk_assessments' && k !== 'protective_orders')
				);
			}
		});
	});
	afterAll(async () => server?.stop());
	const get = (p: string) =>
		fetch(server.url + p, { headers: { authorization: `Bearer ${tokens['vera.viewer']}` } });

	it('says null (no data loaded) for the steps whose kind is empty, never 0', async () => {
		const res = await get(`/api/v1/metrics/journey?${PERIOD}`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			steps: Record<string, unknown>[];
			orders: Record<string, unknown>[];
		};
		expect(body.steps.map((s) => [s.key, s.count, s.denominator, s.rate])).toEqual([
			['recorded', 9, null, null],
			['identified_at_first_contact', 3, 9, 3 / 9],
			// risk_assessments is empty: unknown, not zero -- and no denominator or rate either.
			['risk_assessed', null, null, null],
			['advocacy_referred', null, null, null],
			['arrested', 4, 9, 4 / 9],
			['charged', 4, 9, 4 / 9]
		]);
		expect(body.orders.map((s) => [s.key, s.count, s.denominator, s.rate, s.kind])).toEqual([
			['applied', null, null, null, 'protective_orders'],
			['granted', null, null, null, 'protective_orders'],
			['breached', null, null, null, 'protective_orders']
		]);
		expectSchema('JourneyResult', body);
		// The CSV leaves those counts empty rather than writing 0.
		const csv = parseCsv(await (await get(`/api/v1/metrics/journey?${PERIOD}&format=csv`)).text());
		expect(csv.map((r) => [r.step, r.count])).toEqual([
			['recorded', '9'],
			['identified_at_first_contact', '3'],
			['risk_assessed', ''],
			['advocacy_referred', ''],
			['arrested', '4'],
			['charged', '4'],
			['applied', ''],
			['granted', ''],
			['breached', '']
		]);
	});

	it('still answers safeguarding figures from crimes (recognition) with the assessments empty', async () => {
		const res = await get(`/api/v1/metrics/safeguarding?${PERIOD}`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { totals: Record<string, number | null> };
		// Recognition needs crimes only: 9 of 12 harassment-type crimes; the HTTP crimes fixture has no
		// first_offence_code column, so no first code is known and the rate is null.
		expect(body.totals).toMatchObject({
			recorded: 9,
			harassment_type_crimes: 12,
			stalking_recorded: 9,
			first_code_known: 0,
			reclassified_rate: null,
			orders_applied: 0,
			grant_rate: null,
			median_days_to_application: null
		});
	});
});
