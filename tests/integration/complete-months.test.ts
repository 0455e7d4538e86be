// Complete months and the as-at date (metrics.md "Complete month", api.md "Uploads"), through real
// uploads into a real DuckDB file: the default period, XmR, the 12-month comparison, provisional
// months, part years and time to charge all stop at the latest complete month.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	datasetCounts,
	loadExtract,
	rollbackUpload,
	type LoadOutcome
} from '../../src/lib/server/extracts';
import type { KindName } from '../../src/lib/server/extracts/contract';
import {
	completeOnly,
	datasetAsAt,
	monthly,
	parseFilters,
	spc
} from '../../src/lib/server/metrics';
import { monthRange } from '../../src/lib/server/metrics/months';
import { extractDbs } from '../helpers/extract-db';

const TODAY = '2025-06-10';
let db: Db;
let config: Config;
const dbs = extractDbs('complete-months-');
const root = dbs.root;
let n = 0;
beforeEach(async () => {
	({ db, config } = await dbs.next());
	n++;
});
afterAll(() => dbs.cleanup());

function write(name: string, lines: string[]): string {
	const file = path.join(root, `${n}-${name}`);
	fs.writeFileSync(file, lines.join('\n') + '\n');
	return file;
}

function load(file: string, kind: KindName, asOf?: string): Promise<LoadOutcome> {
	return loadExtract(db, { path: file }, { kind, asOf, user: 'analyst1', config, today: TODAY });
}

/**
 * 16 months, February 2024 to May 2025, alternating 38 and 42 stalking crimes (centre 40, every
 * moving range 4, so UCL 40 + 2.66 × 4 = 50.64 and LCL 29.36), then one crime on 2 June 2025.
 */
function crimesFile(): string {
	const lines = ['crime_ref,recorded_date,offence_code,area,domestic_abuse'];
	let ref = 0;
	monthRange('2024-02', '2025-05').forEach((month, i) => {
		for (let k = 0; k < (i % 2 ? 42 : 38); k++) {
			lines.push(`C${++ref},${month}-${String((k % 28) + 1).padStart(2, '0')},8Q,North,N`);
		}
	});
	lines.push(`C${++ref},2025-06-02,8Q,North,N`);
	return write('crimes.csv', lines);
}

describe('an extract taken on 3 June with one record on 2 June', () => {
	it('ends the default period in May and never judges June', async () => {
		const up = await load(crimesFile(), 'crimes', '2025-06-03');
		expect(up.ok && up.upload.as_of).toBe('2025-06-03');

		const f = await parseFilters(new URLSearchParams(''), db);
		expect([f.from, f.to, f.as_of, f.complete_to]).toEqual([
			'2023-06',
			'2025-05',
			'2025-06-03',
			'2025-05'
		]);

		// From February 2024 (the first month with crimes), the period ends at May by default.
		const from = (q = '') => parseFilters(new URLSearchParams(`from=2024-02${q}`), db);
		const byDefault = await spc(db, await from(), 'recorded');
		expect(byDefault.points.map((p) => p.month)).toEqual(monthRange('2024-02', '2025-05'));
		expect(byDefault.points.at(-1)).toMatchObject({ month: '2025-05', value: 42, signals: [] });
		// 12 months to May 2025: June 2024 to May 2025 is 6 × 38 + 6 × 42 = 480 (16 months: no
		// 12 months before to compare).
		expect(byDefault.summary).toBe(
			'Crimes recorded in the 12 months to May 2025: 480; May 2025 is within the usual range (no significant change).'
		);

		// Asked for explicitly, June comes back incomplete: drawn against the limits, never a signal,
		// and left out of the sentence's totals (1 crime against an LCL of 29.36 would be "outside").
		const asked = await spc(db, await from('&to=2025-06'), 'recorded');
		const june = asked.points.at(-1)!;
		expect(june).toMatchObject({ month: '2025-06', value: 1, signals: [], incomplete: true });
		expect(june.centre).toBe(40);
		expect(june.lcl).toBeCloseTo(29.36, 10);
		expect(asked.points.flatMap((p) => p.signals)).toEqual([]);
		expect(asked.summary).toBe(
			'Crimes recorded in the 12 months to May 2025: 480; May 2025 is within the usual range (no significant change). June 2025 is an incomplete month and is left out of these figures.'
		);
	});

	it('never runs a period on past the data when only from is given', async () => {
		await load(crimesFile(), 'crimes', '2025-06-03');
		const f = await parseFilters(new URLSearchParams('from=2025-06'), db);
		expect([f.from, f.to]).toEqual(['2025-06', '2025-06']);
		const m = await monthly(db, f);
		expect(m.months.map((r) => [r.month, r.recorded, r.incomplete])).toEqual([
			['2025-06', 1, true]
		]);
	});

	it('defaults as_of to the day after the latest date in the file', async () => {
		const up = await load(crimesFile(), 'crimes');
		expect(up.ok && up.upload.as_of).toBe('2025-06-03');
	});

	it('marks provisional the months ending under 90 days before the as-at date', async () => {
		await load(crimesFile(), 'crimes', '2025-06-03');
		const m = await monthly(db, await parseFilters(new URLSearchParams('from=2025-02'), db));
		// 28 Feb -> 3 Jun is 31 + 30 + 31 + 3 = 95 days; 31 Mar -> 3 Jun is 30 + 31 + 3 = 64.
		expect(m.months.map((r) => [r.month, r.provisional, r.incomplete])).toEqual([
			['2025-02', false, false],
			['2025-03', true, false],
			['2025-04', true, false],
			['2025-05', true, false]
		]);
	});

	it('refuses an as_of before the latest date in the file, or after the upload day, and loads nothing', async () => {
		const before = await load(crimesFile(), 'crimes', '2025-06-01');
		expect(before.ok).toBe(false);
		if (!before.ok) {
			expect(before.status).toBe(400);
			expect(before.error.message).toContain(
				'as_of 2025-06-01 is before the latest date in the file (2025-06-02)'
			);
		}
		const after = await load(crimesFile(), 'crimes', '2025-06-11');
		expect(after.ok || after.error.message).toContain(
			'as_of 2025-06-11 is after today (2025-06-10)'
		);
		expect((await datasetCounts(db)).crimes).toBe(0);
	});

	it('warns when an upload taken earlier sets a kind back, and rolling it back restores the date', async () => {
		await load(crimesFile(), 'crimes', '2025-06-03');
		// A file of old corrections, taken (by default) the day after its one record, 10 March 2024.
		const fix = write('fix.csv', [
			'crime_ref,recorded_date,offence_code,area,domestic_abuse',
			'C1,2024-03-10,8Q,North,Y'
		]);
		const up = await load(fix, 'crimes');
		expect(up.ok).toBe(true);
		if (!up.ok) return;
		expect(up.upload.as_of).toBe('2024-03-11');
		expect(up.upload.warnings).toContain(
			"This file was taken on 2024-03-11, before the current crimes data (taken 2025-06-03). As the newest crimes upload it sets the crimes as-at date back to 2024-03-11, so the dashboard's complete months end at 2024-02 until a newer extract is loaded; give the day it was really taken (as_of) if that is later."
		);
		expect((await datasetAsAt(db, TODAY)).complete_to).toBe('2024-02');
		await rollbackUpload(db, up.upload.id, 'analyst1');
		expect(await datasetAsAt(db, TODAY)).toEqual({ as_of: '2025-06-03', complete_to: '2025-05' });
	});

	it('takes the earliest as-at date over the police-data kinds', async () => {
		await load(crimesFile(), 'crimes', '2025-06-03');
		// Arrests taken on 20 May: April is then the latest month complete in every kind.
		const arrests = write('arrests.csv', ['arrest_ref,crime_ref,arrest_date', 'A1,C1,2024-02-10']);
		const up = await load(arrests, 'arrests', '2025-05-20');
		expect(up.ok).toBe(true);
		expect(await datasetAsAt(db, TODAY)).toEqual({ as_of: '2025-05-20', complete_to: '2025-04' });
		expect((await parseFilters(new URLSearchParams(''), db)).to).toBe('2025-04');
	});
});

describe('completeOnly, for views that compare or annualise', () => {
	const base = {
		area: 'all',
		offences: 'stalking',
		codes: ['8Q'],
		domestic_abuse: 'all' as const,
		as_of: '2025-06-03',
		complete_to: '2025-05'
	};

	it('cuts a period back to the latest complete month and names what it left out', () => {
		expect(completeOnly({ ...base, from: '2024-07', to: '2025-07' })).toEqual({
			filters: { ...base, from: '2024-07', to: '2025-05' },
			leftOut: { from: '2025-06', to: '2025-07' }
		});
		// A period of incomplete months only becomes the latest complete month.
		expect(completeOnly({ ...base, from: '2025-06', to: '2025-06' })).toEqual({
			filters: { ...base, from: '2025-05', to: '2025-05' },
			leftOut: { from: '2025-06', to: '2025-06' }
		});
		expect(completeOnly({ ...base, from: '2024-06', to: '2025-05' }).leftOut).toBeNull();
	});
});

describe('an outcome dated before its crime was recorded', () => {
	it('is warned of at upload and left out of the median days to charge, with its count', async () => {
		const crimes = write('c.csv', [
			'crime_ref,recorded_date,offence_code,area,domestic_abuse',
			'K1,2025-03-01,8Q,North,N',
			'K2,2025-03-10,8Q,North,N',
			'K3,2025-03-20,8Q,North,N'
		]);
		expect((await load(crimes, 'crimes', '2025-06-03')).ok).toBe(true);
		// K1 charged 10 days later, K2 20 days later; K3's charge is dated 5 days before it was recorded.
		const outcomes = write('o.csv', [
			'crime_ref,outcome_type,outcome_date',
			'K1,1,2025-03-11',
			'K2,1,2025-03-30',
			'K3,1,2025-03-15'
		]);
		const up = await load(outcomes, 'outcomes', '2025-06-03');
		expect(up.ok).toBe(true);
		if (up.ok) expect(up.upload.warnings.join(' ')).toMatch(/1 outcome.*before/i);

		const m = await monthly(
			db,
			await parseFilters(new URLSearchParams('from=2025-03&to=2025-03'), db)
		);
		// Three charges in March; the median of {10, 20} is 15 (K3's −5 days is left out).
		expect(m.months[0]).toMatchObject({
			charges: 3,
			median_days_to_charge: 15,
			charged_before_recorded: 1
		});
		expect(m.totals).toMatchObject({ median_days_to_charge: 15, charged_before_recorded: 1 });
	});
});
