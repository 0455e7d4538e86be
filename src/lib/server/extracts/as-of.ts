// The "as at" date of an extract (api.md "Uploads"): the day it was taken from the source system.
// A month is complete only when the dataset's as-at date is after the month's last day (metrics.md).
import { defaultAsOf, isIsoDate } from '../../dates';
import { monthFromIndex, monthIndex } from '../../months';
import { isRecordDate, KINDS, type KindName } from './contract';

/**
 * The kinds whose as-at dates decide which months are complete (api.md). Risk assessments and
 * protective orders are left out, as the spec leaves them out: they come from other systems
 * (public protection units, court returns) on their own cycles, and a late orders return must not
 * hold back every page's complete months. Their own latest date shows in the data freshness, and
 * the safeguarding figures use the same complete months as the crimes they are measured against.
 */
export const POLICE_KINDS = ['crimes', 'arrests', 'outcomes', 'incidents'] as const;

/**
 * A SQL expression over `table` for the latest calendar date in a kind's rows: the greatest of its
 * date and timestamp columns (timestamps as Europe/London dates) that record something done (an
 * order's expiry date may lie ahead, so it is not one: isRecordDate), or NULL for kinds without
 * dates (population, prevalence). `present` limits it to the columns a file has. The column names come
 * from the contract, never from input.
 */
export function latestDateSql(
	kind: KindName,
	table: string = kind,
	present?: readonly string[]
): string | null {
	const parts = KINDS[kind].columns
		.filter(isRecordDate)
		.filter((c) => !present || present.includes(c.name))
		.map((c) =>
			c.type === 'timestamp'
				? // The London day never goes back as the instant goes on (the clocks change at 01:00
					// UTC, not across midnight), so the day of the latest instant is the latest day:
					// one conversion instead of one per row.
					`timezone('Europe/London', max(${table}.${c.name}))::DATE`
				: `max(${table}.${c.name})`
		);
	if (parts.length === 0) return null;
	return parts.length === 1 ? parts[0] : `greatest(${parts.join(', ')})`;
}

/**
 * Check an as-at date given with an upload: a real date, not after the upload day, and not before
 * the latest date in the file (an extract cannot hold a record dated after it was taken). Returns
 * the reason it is wrong, or null.
 */
export function asOfProblem(
	asOf: string,
	latestInFile: string | null,
	today: string
): string | null {
	if (!isIsoDate(asOf)) {
		return `as_of must be a date written YYYY-MM-DD (for example 2025-06-03), not "${asOf}"`;
	}
	if (asOf > today) {
		return `as_of ${asOf} is after today (${today}); give the date the extract was taken`;
	}
	if (latestInFile && asOf < latestInFile) {
		return `as_of ${asOf} is before the latest date in the file (${latestInFile}); an extract cannot hold records dated after it was taken — give the day it was taken, or leave as_of out for ${defaultAsOf(latestInFile, today)}`;
	}
	return null;
}

/** The last complete month (`YYYY-MM`) for an as-at date: the month before the as-at date's month. */
export function completeTo(asOf: string): string {
	return monthFromIndex(monthIndex(asOf.slice(0, 7)) - 1);
}
