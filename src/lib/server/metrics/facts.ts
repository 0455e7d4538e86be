// One row per crime with what the figures ask of the other kinds, worked out when the data changes
// rather than at every view: the current outcome, whether anyone was arrested, and the first-contact
// incident the crime names. The joins on references are most of what a figure cost from the rows at
// a million crimes (issue 13); read from this table, a crime scope is one scan.
import type { Queryable } from '../db';
import type { KindName } from '../extracts/contract';

/** The kinds whose current tables the facts are made from. */
const FACT_KINDS: readonly KindName[] = ['crimes', 'outcomes', 'arrests', 'incidents'];

/**
 * Every crime with the crime's own columns the filters read, and:
 * - `outcome_date`, `outcome_num`: its current outcome (null when there is none; derived.ts);
 * - `arrested`: at least one arrest names it;
 * - `incident_linked`: the incident it names is loaded; `incident_identified` that incident's
 *   stalking_identified (null when not linked).
 * Outcomes are keyed by crime and incidents by incident, so each crime is one row.
 */
export const CRIME_FACTS_SQL = `
	SELECT c.crime_ref, c.recorded_date, c.offence_code, c.first_offence_code, c.area,
		c.domestic_abuse, c.incident_ref, o.outcome_date, o.outcome_num,
		c.crime_ref IN (SELECT crime_ref FROM arrests) AS arrested,
		i.incident_ref IS NOT NULL AS incident_linked,
		i.stalking_identified AS incident_identified
	FROM crimes c
		LEFT JOIN outcomes o ON o.crime_ref = c.crime_ref
		LEFT JOIN incidents i ON i.incident_ref = c.incident_ref`;

/**
 * Make the facts again from the current tables, in the transaction that changed them (so a
 * reader sees both or neither). A change to a kind the facts are not made from leaves them.
 */
export async function refreshFacts(tx: Queryable, changed?: KindName): Promise<void> {
	if (changed && !FACT_KINDS.includes(changed)) return;
	await tx.run(`CREATE OR REPLACE TABLE crime_facts AS ${CRIME_FACTS_SQL}`);
}
