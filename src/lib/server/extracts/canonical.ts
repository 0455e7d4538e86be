// Values matched as analysts type them: the one canonical form of enum values, course names and
// area names, as SQL over staged text, so history and the current datasets hold one spelling each.
//
// - Enum values (role, relationship, victim_sex, victim_age_band): case is ignored, and so are
//   surrounding and repeated spaces and whether words are joined by spaces, hyphens or underscores
//   (the header names get the same reading): `Response Officer`, `response-officer` and
//   ` RESPONSE_OFFICER ` are all stored as `response_officer`, the contract's spelling.
// - Course names: trimmed, every run of spaces read as one space, lower-cased (`Stalking ` and
//   `STALKING` are `stalking`). The training_course setting is read the same way where it is compared.
// - Area names: matched ignoring case and repeated spaces (`NORTH`, ` North ` and `north` are one
//   area) and stored in one spelling: the spelling of the earliest upload that named the area, of any
//   kind (crimes, incidents, workforce, population); within that upload, its most common spelling,
//   ties going to the earliest line. History is never deleted, so rolling back or restoring an upload
//   never brings a second spelling back. A new area's spelling comes from the file that first names it.
import type { Queryable } from '../db';
import { KINDS, KIND_NAMES, type KindName } from './contract';
import { safeValue } from './pii';

// Spaces as Excel and HR systems leave them: tabs, newlines and the no-break space (U+00A0) too.
const SPACES = String.raw`[\s\x{00A0}]+`;
const ENUM_JOINERS = String.raw`[\s\x{00A0}_-]+`;

/** SQL: trimmed, every run of spaces as one space (the spelling kept, case and all). */
export function collapsedSql(expr: string): string {
	return `trim(regexp_replace(${expr}, '${SPACES}', ' ', 'g'))`;
}

/** SQL: the key an enum value is matched by (lower case, words joined by `_`). */
export function enumKeySql(expr: string): string {
	return `lower(replace(trim(regexp_replace(${expr}, '${ENUM_JOINERS}', ' ', 'g')), ' ', '_'))`;
}

/** SQL: the canonical course name (spaces collapsed, lower case). */
export function courseSql(expr: string): string {
	return `lower(${collapsedSql(expr)})`;
}

/** SQL: the key areas are matched by (spaces collapsed, lower case); the stored spelling keeps its case. */
export function areaKeySql(expr: string): string {
	return `lower(${collapsedSql(expr)})`;
}

/** Kinds with an `area` column, whose history names areas. */
export const AREA_KINDS: readonly KindName[] = KIND_NAMES.filter((k) =>
	KINDS[k].columns.some((c) => c.name === 'area')
);

// Larger than any upload seq: the file being loaded is the newest upload.
const THIS_FILE = 2147483647;

/** One spelling of an area changed in a file: how it was given, how it is stored, where. */
export interface Respelling {
	given: string;
	stored: string;
	rows: number;
	line: number;
	/** The stored spelling came from an earlier upload (else from this file). */
	known: boolean;
}

/**
 * Respell the `area` column of a typed staging table in the canonical spelling (see above) and
 * say which spellings changed: `NORTH` (2 rows, first on line 3) stored as `North`.
 */
export async function canonicaliseAreas(conn: Queryable, typ: string): Promise<Respelling[]> {
	// Every row's area is first counted as written, per upload: an area is one of a few dozen
	// values, so the spelling rules run on those few rather than on every row of every history.
	const named = [
		...AREA_KINDS.map((k) => `SELECT upload_seq AS seq, line, area FROM h_${k}`),
		`SELECT ${THIS_FILE} AS seq, line, area FROM ${typ}`
	]
		.map(
			(rows) =>
				`SELECT seq, area, count(*) AS n, min(line) AS first_line FROM (${rows})
				 WHERE area IS NOT NULL GROUP BY seq, area`
		)
		.join(' UNION ALL ');
	const given = `(SELECT area, count(*) AS n, min(line) AS first_line FROM ${typ}
		WHERE area IS NOT NULL GROUP BY area)`;
	const map = `${typ}_areas`;
	await conn.run(
		`CREATE OR REPLACE TEMP TABLE ${map} AS
		 WITH wanted AS (SELECT DISTINCT ${areaKeySql('area')} AS k FROM ${given}),
		 spelt AS (
			SELECT ${areaKeySql('area')} AS k, seq, ${collapsedSql('area')} AS spelling,
				sum(n) AS n, min(first_line) AS first_line
			FROM (${named}) WHERE ${areaKeySql('area')} IN (SELECT k FROM wanted)
			GROUP BY ALL)
		 SELECT k, spelling, seq < ${THIS_FILE} AS known FROM spelt
		 QUALIFY row_number() OVER (PARTITION BY k ORDER BY seq, n DESC, first_line, spelling) = 1`
	);
	// Each spelling as given maps to one key, so its rows and first line are its group's.
	const changed = await conn.all<Respelling>(
		`SELECT t.area AS given, m.spelling AS stored, t.n::INTEGER AS rows,
			t.first_line::INTEGER AS line, m.known
		 FROM ${given} t JOIN ${map} m ON m.k = ${areaKeySql('t.area')}
		 WHERE t.area <> m.spelling ORDER BY line`
	);
	if (changed.length > 0) {
		await conn.run(
			`UPDATE ${typ} SET area = m.spelling FROM ${map} m
			 WHERE m.k = ${areaKeySql(`${typ}.area`)} AND ${typ}.area <> m.spelling`
		);
	}
	await conn.run(`DROP TABLE ${map}`);
	return changed;
}

/** The report's warning for respelt areas, or null when every area was already in its spelling. */
export function areaWarning(changed: Respelling[]): string | null {
	if (changed.length === 0) return null;
	const shown = changed.slice(0, 5).map((c) => {
		const why = c.known ? 'the spelling already loaded' : 'the spelling this file uses most';
		return `"${safeValue(c.given)}" (${c.rows} ${c.rows === 1 ? 'row' : 'rows'}, first on line ${c.line}) as "${safeValue(c.stored)}", ${why}`;
	});
	const more = changed.length > 5 ? `; and ${changed.length - 5} more spellings` : '';
	return `Area names are matched ignoring case and spaces and kept in one spelling: stored ${shown.join('; ')}${more}.`;
}
