// Canonical forms of values as analysts type them (extracts/canonical.ts), run through DuckDB itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/lib/server/db';
import {
	areaKeySql,
	areaWarning,
	collapsedSql,
	courseSql,
	enumKeySql
} from '../../src/lib/server/extracts/canonical';

let db: Db;
beforeAll(async () => (db = await openDb(':memory:')));
afterAll(() => db.close());

async function evaluate(sql: (expr: string) => string, value: string): Promise<string> {
	const row = await db.one<{ v: string }>(`SELECT ${sql('$value')} AS v`, { value });
	return row!.v;
}

describe('canonical forms', () => {
	it.each([
		['Response Officer', 'response_officer'],
		[' RESPONSE-OFFICER ', 'response_officer'],
		['response__officer', 'response_officer'],
		['response\u00a0 officer', 'response_officer'],
		['Ex-Partner', 'ex_partner'],
		['25 - 34', '25_34'],
		['f', 'f'],
		['control_room', 'control_room']
	])('reads the enum value %j as %j', async (value, key) => {
		expect(await evaluate(enumKeySql, value)).toBe(key);
	});

	it.each([
		['Stalking', 'stalking'],
		[' STALKING\t', 'stalking'],
		['Stalking  Awareness\u00a0Course', 'stalking awareness course'],
		['stalking', 'stalking']
	])('stores the course %j as %j', async (value, course) => {
		expect(await evaluate(courseSql, value)).toBe(course);
	});

	it.each([
		[' NORTH ', 'NORTH', 'north'],
		['South  East', 'South East', 'south east'],
		['Nottingham\u00a0North', 'Nottingham North', 'nottingham north']
	])('keeps the area %j spelt %j and matches it by %j', async (value, spelt, key) => {
		expect(await evaluate(collapsedSql, value)).toBe(spelt);
		expect(await evaluate(areaKeySql, value)).toBe(key);
	});
});

describe('respelt-area warning', () => {
	it('says nothing when no area changed, and names each respelling with its reason', () => {
		expect(areaWarning([])).toBeNull();
		expect(
			areaWarning([
				{ given: 'NORTH', stored: 'North', rows: 2, line: 3, known: true },
				{ given: 'South East', stored: 'south east', rows: 1, line: 6, known: false }
			])
		).toBe(
			'Area names are matched ignoring case and spaces and kept in one spelling: stored ' +
				'"NORTH" (2 rows, first on line 3) as "North", the spelling already loaded; ' +
				'"South East" (1 row, first on line 6) as "south east", the spelling this file uses most.'
		);
	});
});
