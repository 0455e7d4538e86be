// The dataset's as-at date and its last complete month (metrics.md "Complete month", api.md "Uploads").
import type { Queryable } from '../db';
import { completeTo, latestDateSql, POLICE_KINDS } from '../extracts/as-of';
import { londonToday } from '../extracts/index';
import { memo } from './cache';

export interface AsAt {
	/**
	 * The day the police data was taken (`YYYY-MM-DD`): the earliest, over the police-data kinds that
	 * hold rows, of each kind's newest active upload's as-at date. Null when none holds rows.
	 */
	as_of: string | null;
	/** The latest complete month (`YYYY-MM`): with no police data, the month before this one. */
	complete_to: string;
}

// Rows without an upload record (tests seed tables directly) are taken the day after their latest date.
const AS_AT_SQL = `
WITH held AS (
	${POLICE_KINDS.map(
		(k) => `SELECT '${k}' AS kind, count(*) AS n, ${latestDateSql(k)} + 1 AS next_day FROM ${k}`
	).join('\n\tUNION ALL ')}
),
newest AS (SELECT kind, arg_max(as_of, seq) AS as_of FROM uploads WHERE active GROUP BY kind)
SELECT strftime(min(coalesce(newest.as_of, held.next_day)), '%Y-%m-%d') AS as_of
FROM held LEFT JOIN newest USING (kind)
WHERE held.n > 0`;

async function computeDatasetAsAt(db: Queryable, today = londonToday()): Promise<AsAt> {
	const row = await db.one<{ as_of: string | null }>(AS_AT_SQL);
	const asOf = row?.as_of ?? null;
	return { as_of: asOf, complete_to: completeTo(asOf ?? today) };
}

/** Kept until the data changes (cache.ts). */
export const datasetAsAt = memo('datasetAsAt', computeDatasetAsAt);
