// One row per crime with what the figures ask of the other kinds, worked out when the data changes
// rather than at every view: the current outcome, whether anyone was arrested, the first-contact
// incident the crime names and its risk assessments. The joins on references are most of what a
// figure cost from the rows at a million crimes (issue 13); read from this table, a crime scope is
// one scan.
import type { Queryable } from '../db';
import { KINDS, type KindName } from '../extracts/contract';

/**
 * Every crime of `crimes` (a table or subquery of crimes' rows) with the crime's own columns the
 * filters read, and:
 * - `outcome_date`, `outcome_num`: its current outcome (null when there is none; derived.ts);
 * - `arrested`: at least one arrest names it;
 * - `incident_linked`: the incident it names is loaded; `incident_identified` that incident's
 *   stalking_identified (null when not linked);
 * - from the risk assessments naming the crime or its incident (metrics.md), each on its London
 *   day (derived.ts): `assessment_day`, the first; `high_risk_day`, `medium_risk_day`,
 *   `standard_risk_day`, the first at that level; `marac_day`, the first with a MARAC referral;
 *   `advocacy_referred`, whether any has an advocacy referral (null when none names it). Whether
 *   they fall within the settings' window after recording is asked at view (safeguarding.ts).
 * Outcomes are keyed by crime and incidents by incident, so each crime is one row.
 */
function crimeFactsSql(crimes: string): string {
	// An assessment naming both the crime and its incident is read twice: the first days and
	// "any" below are the same for it either way.
	const linked = (on: string) => `
		SELECT c.crime_ref, r.risk_level, r.marac_referral, r.advocacy_referral,
			r.completed_local_date AS day
		FROM ${crimes} c JOIN risk_assessments r ON ${on}`;
	return `
	WITH assessed AS (
		SELECT crime_ref, min(day) AS assessment_day,
			min(day) FILTER (WHERE risk_level = 'high') AS high_risk_day,
			min(day) FILTER (WHERE risk_level = 'medium') AS medium_risk_day,
			min(day) FILTER (WHERE risk_level = 'standard') AS standard_risk_day,
			min(day) FILTER (WHERE marac_referral) AS marac_day,
			bool_or(coalesce(advocacy_referral, false)) AS advocacy_referred
		FROM (${linked('r.crime_ref = c.crime_ref')}
			UNION ALL ${linked('r.incident_ref = c.incident_ref')})
		GROUP BY crime_ref
	)
	SELECT c.crime_ref, c.recorded_date, c.offence_code, c.first_offence_code, c.area,
		c.domestic_abuse, c.incident_ref, o.outcome_date, o.outcome_num,
		c.crime_ref IN (SELECT crime_ref FROM arrests) AS arrested,
		i.incident_ref IS NOT NULL AS incident_linked,
		i.stalking_identified AS incident_identified,
		a.assessment_day, a.high_risk_day, a.medium_risk_day, a.standard_risk_day, a.marac_day,
		a.advocacy_referred
	FROM ${crimes} c
		LEFT JOIN outcomes o ON o.crime_ref = c.crime_ref
		LEFT JOIN incidents i ON i.incident_ref = c.incident_ref
		LEFT JOIN assessed a ON a.crime_ref = c.crime_ref`;
}

const NOTED = 'facts_changed_crimes';

// The crimes whose facts rows of each kind can change, by those rows' keys (`keys`: a subquery of
// them), read from the current tables: once before a merge's rows replace theirs and once after, so
// both the crimes the old rows named and those the new rows name are noted (an arrest or an
// assessment can move to another crime). A crime's or an outcome's own crime (outcomes are keyed
// by crime); an arrest's crime; every crime naming an incident; an assessment's crime and every
// crime naming its incident.
const CHANGED_CRIMES: Partial<Record<KindName, (keys: string) => string>> = {
	crimes: (keys) => `SELECT crime_ref FROM crimes WHERE crime_ref IN (${keys})`,
	outcomes: (keys) => `SELECT crime_ref FROM outcomes WHERE crime_ref IN (${keys})`,
	arrests: (keys) => `SELECT crime_ref FROM arrests WHERE arrest_ref IN (${keys})`,
	incidents: (keys) => `SELECT crime_ref FROM crimes WHERE incident_ref IN (${keys})`,
	risk_assessments: (keys) => `
		SELECT crime_ref FROM risk_assessments WHERE assessment_ref IN (${keys})
		UNION ALL
		SELECT c.crime_ref FROM crimes c JOIN risk_assessments r ON r.incident_ref = c.incident_ref
		WHERE r.assessment_ref IN (${keys})`
};

// Past this share of the crimes held, making every crime's facts again costs less than taking out
// and putting back each changed one.
const WHOLE_REMAKE_SHARE = 0.25;

function keysOf(kind: KindName, staged: string): string {
	const [key] = KINDS[kind].key; // every kind the facts are made from has a one-column key
	return `SELECT ${key} FROM ${staged}`;
}

async function note(tx: Queryable, kind: KindName, staged: string): Promise<void> {
	await tx.run(
		`INSERT INTO ${NOTED} SELECT crime_ref FROM (${CHANGED_CRIMES[kind]!(keysOf(kind, staged))})
		 WHERE crime_ref IS NOT NULL`
	);
}

/**
 * Before a merge's staged rows (`staged`, a table on `tx`) replace the current ones: whether only
 * the crimes they can change need their facts made again, and if so note those the current rows
 * name. False when the kind's facts are not made from it, or when the rows are so many that making
 * every crime's facts again costs less.
 */
export async function noteChangedCrimes(
	tx: Queryable,
	kind: KindName,
	staged: string
): Promise<boolean> {
	if (!CHANGED_CRIMES[kind]) return false;
	const counts = await tx.one<{ staged: number; held: number }>(
		`SELECT (SELECT count(*) FROM ${staged})::INTEGER AS staged,
			(SELECT count(*) FROM crime_facts)::INTEGER AS held`
	);
	if (counts!.staged > counts!.held * WHOLE_REMAKE_SHARE) return false;
	await tx.run(`CREATE OR REPLACE TEMP TABLE ${NOTED} (crime_ref VARCHAR)`);
	await note(tx, kind, staged);
	return true;
}

/**
 * Make the facts again from the current tables, in the transaction that changed them (so a
 * reader sees both or neither). With `staged` (after noteChangedCrimes said true for it, and the
 * staged rows are in): of the crimes the replaced and the new rows name; else of every crime. A
 * change to a kind the facts are not made from leaves them.
 */
export async function refreshFacts(
	tx: Queryable,
	changed?: KindName,
	staged?: string
): Promise<void> {
	if (changed && !CHANGED_CRIMES[changed]) return;
	if (!changed || !staged) {
		await tx.run(`CREATE OR REPLACE TABLE crime_facts AS ${crimeFactsSql('crimes')}`);
		return;
	}
	await note(tx, changed, staged);
	const noted = `crime_ref IN (SELECT crime_ref FROM ${NOTED})`;
	await tx.run(`DELETE FROM crime_facts WHERE ${noted}`);
	await tx.run(
		`INSERT INTO crime_facts BY NAME ${crimeFactsSql(`(SELECT * FROM crimes WHERE ${noted})`)}`
	);
	await tx.run(`DROP TABLE ${NOTED}`);
}
