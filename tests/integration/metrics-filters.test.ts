import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import fs from 'node:fs';
import type { Db } from '../../src/lib/server/db';
import { HttpError } from '../../src/lib/server/http';
import {
	areas,
	dataFreshness,
	metricsResponse,
	monthly,
	monthlyCsv,
	offenceGroups,
	parseFilters,
	parseSpcMetric,
	spc
} from '../../src/lib/server/metrics';
import { OFFENCE_CODES, OUTCOME_TYPES } from '../../src/lib/server/metrics/reference-data';
import {
	DEFAULT_SETTINGS,
	getOutcomeTypes,
	getSettings,
	setOffenceGroup,
	setOutcomeGroup,
	setSetting
} from '../../src/lib/server/settings';
import { seed, tempDb } from '../fixtures/metrics/seed';
import { crimeRows } from '../fixtures/metrics/crime-fixture';

let db: Db;
beforeAll(async () => {
	db = await tempDb();
	await seed(db, crimeRows);
});
afterAll(() => db.close());

async function refusal(query: string): Promise<HttpError> {
	try {
		await parseFilters(new URLSearchParams(query), db);
	} catch (err) {
		if (err instanceof HttpError) return err;
		throw err;
	}
	throw new Error(`"${query}" was accepted`);
}

describe('filters', () => {
	it.each([
		['from=2023-13', 'from', /YYYY-MM/],
		['to=2023-1', 'to', /YYYY-MM/],
		['from=1999-12&to=2000-02', 'from', /between 2000-01/],
		['from=2024-03&to=2024-01', 'from', /after to/],
		['area=Atlantis', 'area', /Ashfield, Gedling, Rushcliffe/],
		['offences=stalkin', 'offences', /stalking, stalking_harassment/],
		['offences=8Q,DROP TABLE', 'offences', /offence codes/],
		['domestic_abuse=maybe', 'domestic_abuse', /all, Y or N/]
	])('refuses %s with a 400 naming %s', async (query, parameter, hint) => {
		const err = await refusal(query);
		expect(err.status).toBe(400);
		expect(err.message).toContain(`parameter ${parameter}`);
		expect(err.details[0]).toMatchObject({ parameter });
		expect(err.details[0].message).toMatch(hint);
	});

	it('lists every bad parameter in the details', async () => {
		const err = await refusal('from=2023-13&area=Nowhere&domestic_abuse=x');
		expect(err.details.map((d) => d.parameter)).toEqual(['from', 'area', 'domestic_abuse']);
	});

	it('gives 24 months back from `to` when only `to` is given', async () => {
		const f = await parseFilters(new URLSearchParams('to=2024-03'), db);
		expect([f.from, f.to]).toEqual(['2022-04', '2024-03']);
	});

	it('answers a bad parameter through the endpoint in the API error shape', async () => {
		const url = new URL('http://x/api/v1/metrics/monthly?from=2023-13');
		const res = await metricsResponse(
			new Request(url),
			url,
			db,
			'monthly',
			(f) => monthly(db, f),
			monthlyCsv
		);
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(body.error.code).toBe('bad_parameter');
		expect(body.error.message).toMatch(/from/);
	});

	it('answers CSV for ?format=csv and for Accept: text/csv', async () => {
		const url = new URL('http://x/api/v1/metrics/monthly?from=2024-01&to=2024-02&format=csv');
		const a = await metricsResponse(
			new Request(url),
			url,
			db,
			'monthly',
			(f) => monthly(db, f),
			monthlyCsv
		);
		expect(a.headers.get('content-type')).toMatch(/text\/csv/);
		const lines = (await a.text()).trim().split('\r\n');
		// Header, January, February, total (recorded 3 + 1 = 4).
		expect(lines).toHaveLength(4);
		expect(lines[0]).toMatch(/^month,recorded,arrests,/);
		expect(lines[3]).toMatch(/^total,4,3,/);
		const url2 = new URL('http://x/api/v1/metrics/monthly?from=2024-01&to=2024-02');
		const b = await metricsResponse(
			new Request(url2, { headers: { accept: 'text/csv' } }),
			url2,
			db,
			'monthly',
			(f) => monthly(db, f),
			monthlyCsv
		);
		expect(b.headers.get('content-type')).toMatch(/text\/csv/);
	});

	it('refuses an unknown spc metric naming the parameter', () => {
		expect(() => parseSpcMetric('stops')).toThrow(/parameter metric/);
		expect(parseSpcMetric(null)).toBe('recorded');
	});
});

describe('areas, groups and freshness', () => {
	it('lists the areas in the data and the offence groups', async () => {
		expect(await areas(db)).toEqual({ areas: ['Ashfield', 'Gedling', 'Rushcliffe'] });
		expect(await offenceGroups(db)).toEqual({
			groups: [
				{ name: 'stalking', codes: ['8Q'] },
				{ name: 'stalking_harassment', codes: ['8L', '8M', '8Q', '8R'] }
			]
		});
	});

	it('reports the latest month and row count of each dataset', async () => {
		const f = await dataFreshness(db);
		expect(f.kinds.find((k) => k.kind === 'crimes')).toEqual({
			kind: 'crimes',
			rows: 9,
			latest: '2024-06',
			last_upload_at: null,
			last_upload_by: null
		});
		expect(f.kinds.find((k) => k.kind === 'arrests')).toMatchObject({ rows: 5, latest: '2024-04' });
	});
});

describe('reference data and settings', () => {
	const csv = (file: string) =>
		Papa.parse<Record<string, string>>(fs.readFileSync(`data/reference/${file}`, 'utf8'), {
			header: true,
			skipEmptyLines: true
		}).data;

	it('embeds exactly the rows of the reference CSV files', () => {
		expect(OFFENCE_CODES).toEqual(csv('offence_codes.csv'));
		expect(OUTCOME_TYPES).toEqual(csv('ho_outcome_types.csv'));
		// The four Home Office classes of metrics.md, each with the offence groups it counts in: 8Q
		// alone is "stalking"; 8Q, 8L, 8M and 8R together are "stalking and harassment".
		expect(
			csv('offence_codes.csv').map((r) => ({ code: r.offence_code, groups: r.groups }))
		).toEqual([
			{ code: '8Q', groups: 'stalking;stalking_harassment' },
			{ code: '8L', groups: 'stalking_harassment' },
			{ code: '8M', groups: 'stalking_harassment' },
			{ code: '8R', groups: 'stalking_harassment' }
		]);
	});

	it('seeds the outcome types table with all 23 outcome numbers', async () => {
		const rows = await db.all<{ n: number; groups: number }>(
			'SELECT count(*)::INTEGER AS n, count(DISTINCT group_name)::INTEGER AS groups FROM outcome_types'
		);
		// 0-22; 12 groups + none.
		expect(rows[0]).toEqual({ n: 23, groups: 13 });
	});

	it('reads defaults, stores a change with an audit row, and refuses a bad value', async () => {
		const own = await tempDb();
		try {
			expect(await getSettings(own)).toEqual(DEFAULT_SETTINGS);
			await setSetting(own, 'rebase_months', ['2024-01'], 'admin1');
			expect((await getSettings(own)).rebase_months).toEqual(['2024-01']);
			const audit = await own.all<{ actor: string; action: string; target: string }>(
				'SELECT actor, action, target FROM audit_log'
			);
			expect(audit).toEqual([
				{ actor: 'admin1', action: 'settings_changed', target: 'rebase_months' }
			]);
			await expect(setSetting(own, 'target_coverage', 1.5, 'admin1')).rejects.toThrow(
				/target_coverage/
			);
			await setOffenceGroup(own, 'harassment', ['8l', '8M'], 'admin1');
			const f = await parseFilters(new URLSearchParams('offences=harassment'), own);
			expect(f.codes).toEqual(['8L', '8M']);
			await setOutcomeGroup(own, 22, 'out_of_court_informal', 'admin1');
			expect((await getOutcomeTypes(own))[22]).toMatchObject({ group: 'out_of_court_informal' });
			await expect(setOutcomeGroup(own, 23, 'x', 'admin1')).rejects.toThrow(/0 to 22/);
		} finally {
			await own.close();
		}
	});

	it('splits the control chart at the rebase months in the settings', async () => {
		const own = await tempDb();
		try {
			// Taken 1 January 2025, so every month of 2024 is complete and judged.
			await seed(own, crimeRows, { asOf: '2025-01-01' });
			const f = await parseFilters(new URLSearchParams('from=2023-01&to=2024-12'), own);
			// Default rebase months (2020-04, 2023-01) are outside or at the start: one segment of 24.
			const one = await spc(own, f, 'charges');
			expect(one.points).toHaveLength(24);
			expect(one.points.every((p) => p.centre === one.points[0].centre && p.centre !== null)).toBe(
				true
			);
			// 2024-01 splits 12 + 12. Stalking charges: none in 2023; 2024: February 2 (C1, C5), March 1
			// (C7). First segment centre 0, second (2 + 1) / 12 = 0.25; 12-month sums 3 against 0.
			await setSetting(own, 'rebase_months', ['2024-01'], 'admin1');
			const two = await spc(own, f, 'charges');
			expect(two.points[0].centre).toBe(0);
			expect(two.points[12].centre).toBe(0.25);
			expect(two.summary).toMatch(/^Charges in the 12 months to December 2024: 3, up from none/);
		} finally {
			await own.close();
		}
	});
});
