// The derived columns of the current tables (metrics/derived.ts) on real DuckDB, through the
// pipeline: an incident's and an assessment's London day and an outcome's number, right after a
// merge, a rollback, a restore and a replace, and read by the figures. Days worked out by hand.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db';
import {
	loadExtract,
	restoreUpload,
	rollbackUpload,
	type UploadInfo
} from '../../src/lib/server/extracts';
import type { KindName } from '../../src/lib/server/extracts/contract';
import { identification, monthly, parseFilters } from '../../src/lib/server/metrics';
import { noteChangedCrimes, refreshFacts } from '../../src/lib/server/metrics/facts';
import { extractDbs } from '../helpers/extract-db';

const TODAY = '2024-12-01';
let db: Db;
let config: Config;
let dir: string;

const dbs = extractDbs('metrics-derived-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

async function loaded(
	name: string,
	text: string,
	opts: { kind?: KindName; mode?: 'merge' | 'replace' } = {}
): Promise<UploadInfo> {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	const r = await loadExtract(
		db,
		{ path: file },
		{ ...opts, user: 'analyst1', config, today: TODAY }
	);
	if (!r.ok) throw new Error(`expected ${name} to load: ${r.error.message}`);
	return r.upload;
}

const INCIDENTS = 'incident_ref,opened_at,area,domestic_abuse,stalking_identified,handler_ref\n';

const days = () =>
	db.all(`SELECT incident_ref, opened_local_date FROM incidents ORDER BY incident_ref`);

/** Domestic-abuse incidents in June and July 2024, as identification counts them. */
async function daByMonth(): Promise<number[]> {
	const f = await parseFilters(new URLSearchParams({ from: '2024-06', to: '2024-07' }), db);
	return (await identification(db, f)).months.map((m) => m.da_incidents);
}

describe('an incident’s London day', () => {
	it('is worked out as it loads, across both clock changes, and follows rollback, restore and replace', async () => {
		await loaded(
			'incidents-1.csv',
			INCIDENTS +
				// 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
				'INC-1,2024-06-30T23:30:00Z,North,Y,N,\n' +
				// 23:30 UTC on 31 January is 23:30 the same day (GMT).
				'INC-2,2024-01-31T23:30:00Z,North,N,N,\n' +
				// The clocks went forward at 01:00 UTC on 31 March 2024: 00:30 UTC is still 00:30 GMT.
				'INC-3,2024-03-31T00:30:00Z,North,N,N,\n' +
				// 23:30 UTC on 26 October is 00:30 BST on 27 October (back at 01:00 UTC that day).
				'INC-4,2024-10-26T23:30:00Z,North,N,N,\n'
		);
		expect(await days()).toEqual([
			{ incident_ref: 'INC-1', opened_local_date: '2024-07-01' },
			{ incident_ref: 'INC-2', opened_local_date: '2024-01-31' },
			{ incident_ref: 'INC-3', opened_local_date: '2024-03-31' },
			{ incident_ref: 'INC-4', opened_local_date: '2024-10-27' }
		]);
		expect(await daByMonth()).toEqual([0, 1]);

		// A merge moves INC-1 to 22:59 UTC on 30 June: 23:59 in London, still June.
		const second = await loaded(
			'incidents-2.csv',
			INCIDENTS + 'INC-1,2024-06-30T22:59:00Z,North,Y,N,\n'
		);
		expect((await days())[0]).toEqual({ incident_ref: 'INC-1', opened_local_date: '2024-06-30' });
		expect(await daByMonth()).toEqual([1, 0]);

		await rollbackUpload(db, second.id, 'analyst1');
		expect((await days())[0]).toEqual({ incident_ref: 'INC-1', opened_local_date: '2024-07-01' });
		expect(await daByMonth()).toEqual([0, 1]);

		await restoreUpload(db, second.id, 'analyst1');
		expect((await days())[0]).toEqual({ incident_ref: 'INC-1', opened_local_date: '2024-06-30' });
		expect(await daByMonth()).toEqual([1, 0]);

		// A replace leaves only its own row: 23:00 UTC on 31 July is midnight, 1 August, in London.
		await loaded('incidents-3.csv', INCIDENTS + 'INC-9,2024-07-31T23:00:00Z,North,Y,N,\n', {
			mode: 'replace'
		});
		expect(await days()).toEqual([{ incident_ref: 'INC-9', opened_local_date: '2024-08-01' }]);
		expect(await daByMonth()).toEqual([0, 0]);
	});
});

describe('an assessment’s London day and an outcome’s number', () => {
	it('are worked out as they load', async () => {
		await loaded(
			'ra.csv',
			'assessment_ref,crime_ref,incident_ref,tool,completed_at,risk_level,marac_referral,advocacy_referral\n' +
				// 23:30 UTC on 30 June is 1 July in London; 10:00 UTC on 2 January is 2 January.
				'RA-1,CR-1,,dash,2024-06-30T23:30:00Z,high,Y,N\n' +
				'RA-2,CR-2,,dash,2024-01-02T10:00:00Z,standard,N,N\n',
			{ kind: 'risk_assessments' }
		);
		expect(
			await db.all(`SELECT assessment_ref, completed_local_date FROM risk_assessments ORDER BY 1`)
		).toEqual([
			{ assessment_ref: 'RA-1', completed_local_date: '2024-07-01' },
			{ assessment_ref: 'RA-2', completed_local_date: '2024-01-02' }
		]);

		await loaded(
			'outcomes.csv',
			'crime_ref,outcome_type,outcome_date\nCR-1,1a,2024-03-01\nCR-2,14,2024-04-01\nCR-3,15B,2024-05-01\n',
			{ kind: 'outcomes' }
		);
		expect(
			await db.all(`SELECT crime_ref, outcome_type, outcome_num FROM outcomes ORDER BY 1`)
		).toEqual([
			{ crime_ref: 'CR-1', outcome_type: '1A', outcome_num: 1 },
			{ crime_ref: 'CR-2', outcome_type: '14', outcome_num: 14 },
			{ crime_ref: 'CR-3', outcome_type: '15B', outcome_num: 15 }
		]);
	});
});

describe('the crime facts (metrics/facts.ts)', () => {
	const CRIMES = 'crime_ref,recorded_date,offence_code,area,domestic_abuse,incident_ref\n';
	const facts = () =>
		db.all(
			`SELECT crime_ref, outcome_num, arrested, incident_linked, incident_identified
			 FROM crime_facts ORDER BY crime_ref`
		);
	const row = (
		crime_ref: string,
		outcome_num: number | null,
		arrested: boolean,
		incident_linked: boolean,
		incident_identified: boolean | null
	) => ({ crime_ref, outcome_num, arrested, incident_linked, incident_identified });

	it('follow every upload of crimes, outcomes, arrests and incidents, a rollback and a restore', async () => {
		await loaded(
			'crimes.csv',
			CRIMES +
				'C1,2024-06-03,8Q,North,N,INC-1\nC2,2024-06-04,8Q,North,Y,INC-9\nC3,2024-06-05,8Q,North,N,\n'
		);
		// Nothing else loaded yet: no outcome, no arrest, no incident.
		expect(await facts()).toEqual([
			row('C1', null, false, false, null),
			row('C2', null, false, false, null),
			row('C3', null, false, false, null)
		]);
		await loaded('incidents.csv', INCIDENTS + 'INC-1,2024-06-02T10:00:00Z,North,N,Y,\n');
		await loaded(
			'arrests.csv',
			'arrest_ref,crime_ref,arrest_date\nA1,C2,2024-06-06\nA2,C2,2024-06-07\n'
		);
		const outcomes = await loaded(
			'outcomes.csv',
			'crime_ref,outcome_type,outcome_date\nC1,1A,2024-07-01\nC3,16,2024-07-02\n'
		);
		// C1 charged (1A -> 1) from identified INC-1; C2 twice arrested, its INC-9 not loaded.
		expect(await facts()).toEqual([
			row('C1', 1, false, true, true),
			row('C2', null, true, false, null),
			row('C3', 16, false, false, null)
		]);
		// The figures read them: June 2024's one arrested crime of three, one charged.
		const f = await parseFilters(new URLSearchParams({ from: '2024-06', to: '2024-06' }), db);
		expect((await monthly(db, f)).months[0]).toMatchObject({
			recorded: 3,
			arrested_crimes: 1,
			charged_recorded: 1
		});

		await rollbackUpload(db, outcomes.id, 'analyst1');
		expect((await facts()).map((r) => (r as { outcome_num: unknown }).outcome_num)).toEqual([
			null,
			null,
			null
		]);
		await restoreUpload(db, outcomes.id, 'analyst1');
		expect(await facts()).toEqual([
			row('C1', 1, false, true, true),
			row('C2', null, true, false, null),
			row('C3', 16, false, false, null)
		]);

		// A replace of the crimes leaves C2 alone, and its arrests still name it.
		await loaded('crimes-2.csv', CRIMES + 'C2,2024-06-04,8Q,North,Y,INC-1\n', { mode: 'replace' });
		expect(await facts()).toEqual([row('C2', null, true, true, true)]);
	});

	/** C1 to C8, recorded 1 to 8 June 2024; C1 names INC-1 and C2 names `c2Incident`. */
	const eightCrimes = (c2Incident: string) =>
		CRIMES +
		[1, 2, 3, 4, 5, 6, 7, 8]
			.map((n) => `C${n},2024-06-0${n},8Q,North,N,${['INC-1', c2Incident][n - 1] ?? ''}\n`)
			.join('');

	it('of only the crimes a small merge touches are made again, and come out the same', async () => {
		// Eight crimes, so a merge touching two of them (a quarter) changes only theirs.
		await loaded('crimes.csv', eightCrimes('INC-2'));
		const none = (ref: string) => row(ref, null, false, false, null);
		// INC-1 identified, INC-2 not: C1 and C2 name them.
		await loaded(
			'incidents.csv',
			INCIDENTS + 'INC-1,2024-06-01T10:00:00Z,North,N,Y,\nINC-2,2024-06-02T10:00:00Z,North,N,N,\n'
		);
		const linked = [row('C1', null, false, true, true), row('C2', null, false, true, false)];
		expect(await facts()).toEqual([...linked, ...['C3', 'C4', 'C5', 'C6', 'C7', 'C8'].map(none)]);

		// A1 names C3; then the same arrest is moved to C4, so C3 has no arrest left.
		await loaded('arrests.csv', 'arrest_ref,crime_ref,arrest_date\nA1,C3,2024-06-10\n');
		expect((await facts())[2]).toEqual(row('C3', null, true, false, null));
		await loaded('arrests-2.csv', 'arrest_ref,crime_ref,arrest_date\nA1,C4,2024-06-10\n');
		expect((await facts()).slice(2, 4)).toEqual([
			row('C3', null, false, false, null),
			row('C4', null, true, false, null)
		]);

		await loaded('outcomes.csv', 'crime_ref,outcome_type,outcome_date\nC5,1A,2024-07-01\n');
		// C6 now names INC-1 and C9 is new.
		await loaded(
			'crimes-2.csv',
			CRIMES + 'C6,2024-06-06,8Q,North,N,INC-1\nC9,2024-06-09,8Q,North,Y,\n'
		);
		// INC-1 turns out not identified: both crimes that name it follow.
		await loaded('incidents-2.csv', INCIDENTS + 'INC-1,2024-06-01T10:00:00Z,North,N,N,\n');
		expect(await facts()).toEqual([
			row('C1', null, false, true, false),
			row('C2', null, false, true, false),
			row('C3', null, false, false, null),
			row('C4', null, true, false, null),
			row('C5', 1, false, false, null),
			row('C6', null, false, true, false),
			none('C7'),
			none('C8'),
			none('C9')
		]);
		// The same as making every crime's facts again from the current tables.
		const kept = await facts();
		await db.write((tx) => refreshFacts(tx));
		expect(await facts()).toEqual(kept);
	});

	it('note the crimes a merge’s replaced rows name, and not at all for a large merge', async () => {
		await loaded('crimes.csv', eightCrimes('INC-1'));
		await loaded('arrests.csv', 'arrest_ref,crime_ref,arrest_date\nA1,C3,2024-06-10\n');
		await loaded(
			'ra.csv',
			'assessment_ref,crime_ref,incident_ref,tool,completed_at,risk_level\n' +
				'RA-1,C5,INC-1,dash,2024-06-05T10:00:00Z,high\n'
		);
		const noted = (kind: KindName, staged: string) =>
			db.write(async (tx) => {
				await tx.run(`CREATE TEMP TABLE staged AS ${staged}`);
				const only = await noteChangedCrimes(tx, kind, 'staged');
				const crimes = only
					? (
							await tx.all<{ crime_ref: string }>(
								`SELECT DISTINCT crime_ref FROM facts_changed_crimes ORDER BY 1`
							)
						).map((r) => r.crime_ref)
					: [];
				await tx.run('DROP TABLE staged');
				await tx.run('DROP TABLE IF EXISTS facts_changed_crimes');
				return { only, crimes };
			});
		// Before A1's new row goes in: the crime it names now (C3); its new crime comes after.
		expect(await noted('arrests', `SELECT 'A1' AS arrest_ref, 'C4' AS crime_ref`)).toEqual({
			only: true,
			crimes: ['C3']
		});
		// INC-1 is named by C1 and C2.
		expect(await noted('incidents', `SELECT 'INC-1' AS incident_ref`)).toEqual({
			only: true,
			crimes: ['C1', 'C2']
		});
		// RA-1 names C5 and INC-1, which C1 and C2 name.
		expect(await noted('risk_assessments', `SELECT 'RA-1' AS assessment_ref`)).toEqual({
			only: true,
			crimes: ['C1', 'C2', 'C5']
		});
		// A crime that is not held yet is noted after its row goes in.
		expect(await noted('crimes', `SELECT 'C9' AS crime_ref`)).toEqual({ only: true, crimes: [] });
		// Three rows for eight crimes is more than a quarter: every crime's facts are made again.
		expect(await noted('outcomes', `SELECT unnest(['C1', 'C2', 'C3']) AS crime_ref`)).toEqual({
			only: false,
			crimes: []
		});
		// Workforce is not among the kinds the facts are made from.
		expect(await noted('workforce', `SELECT 'S1' AS staff_ref`)).toEqual({
			only: false,
			crimes: []
		});
	});

	it('carry the first days of the assessments naming a crime or its incident, through merges', async () => {
		await loaded('crimes.csv', eightCrimes('INC-2'));
		const RA =
			'assessment_ref,crime_ref,incident_ref,tool,completed_at,risk_level,marac_referral,advocacy_referral\n';
		// RA-1 names C1 itself; RA-2 names C1's incident (23:30 UTC on 30 June is 1 July in
		// London); RA-3 names C3 and has neither referral filled in.
		await loaded(
			'ra.csv',
			RA +
				'RA-1,C1,,dash,2024-06-10T09:00:00Z,standard,N,Y\n' +
				'RA-2,,INC-1,dash,2024-06-30T23:30:00Z,high,Y,N\n' +
				'RA-3,C3,,dash,2024-06-04T09:00:00Z,medium,,\n',
			{ kind: 'risk_assessments' }
		);
		const assessed = () =>
			db.all(
				`SELECT crime_ref, assessment_day, high_risk_day, medium_risk_day, standard_risk_day,
					marac_day, advocacy_referred
				 FROM crime_facts WHERE assessment_day IS NOT NULL ORDER BY crime_ref`
			);
		const c1 = {
			crime_ref: 'C1',
			assessment_day: '2024-06-10',
			high_risk_day: '2024-07-01',
			medium_risk_day: null,
			standard_risk_day: '2024-06-10',
			marac_day: '2024-07-01',
			advocacy_referred: true
		};
		const c3 = {
			crime_ref: 'C3',
			assessment_day: '2024-06-04',
			high_risk_day: null,
			medium_risk_day: '2024-06-04',
			standard_risk_day: null,
			marac_day: null,
			advocacy_referred: false
		};
		expect(await assessed()).toEqual([c1, c3]);
		// RA-2 moves to INC-2 (C2's), one row of three: only the crimes it named and names change.
		await loaded('ra-2.csv', RA + 'RA-2,,INC-2,dash,2024-06-30T23:30:00Z,high,Y,N\n', {
			kind: 'risk_assessments'
		});
		expect(await assessed()).toEqual([
			{ ...c1, high_risk_day: null, marac_day: null },
			{
				crime_ref: 'C2',
				assessment_day: '2024-07-01',
				high_risk_day: '2024-07-01',
				medium_risk_day: null,
				standard_risk_day: null,
				marac_day: '2024-07-01',
				advocacy_referred: false
			},
			c3
		]);
		const kept = await assessed();
		await db.write((tx) => refreshFacts(tx));
		expect(await assessed()).toEqual(kept);
	});
});
