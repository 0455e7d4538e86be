// Crime, arrest and charge figures (metrics.md): the monthly series, totals, outcome groups, time to charge.
import type { Queryable } from '../db';
import { londonToday } from '../extracts/index';
import { CRIME_SCOPE, isIncomplete, scopeParams } from './filters';
import type { CrimeFigures, Filters, MonthlyResult, MonthlyRow, OutcomesResult } from './types';
import { memo } from './cache';

/** Months whose last day is less than this many days before the as-at date are provisional. */
export const PROVISIONAL_DAYS = 90;

/** A rate, or null when the denominator is 0 (metrics.md: never 0). */
export function ratio(numerator: number, denominator: number): number | null {
	return denominator === 0 ? null : numerator / denominator;
}

/**
 * Crimes in scope with their current outcome number (`1A` -> 1; null when there is no outcome
 * row), whether arrested and their first-contact incident (facts.ts), as a CTE body over the
 * crime facts `c` filtered by CRIME_SCOPE.
 */
export const SCOPED_CRIMES = `
	SELECT c.crime_ref, c.recorded_date, strftime(c.recorded_date, '%Y-%m') AS rec_month,
		c.incident_ref, c.outcome_date, c.outcome_num, c.arrested, c.incident_linked,
		c.incident_identified
	FROM crime_facts c
	WHERE ${CRIME_SCOPE}`;

/** The period's bounds as SQL over $from/$to (first days of the first and last months). */
const IN_PERIOD = (col: string) =>
	`${col} >= $from::DATE AND ${col} < ($to::DATE + INTERVAL 1 MONTH)`;

const MONTHLY_SQL = `
WITH months AS (
	SELECT strftime(m, '%Y-%m') AS month, last_day(m::DATE) AS month_end
	FROM generate_series($from::DATE, $to::DATE, INTERVAL 1 MONTH) t(m)
),
scope AS (${SCOPED_CRIMES}),
rec AS (
	SELECT s.rec_month AS month,
		count(*)::INTEGER AS recorded,
		count(*) FILTER (WHERE s.arrested)::INTEGER AS arrested_crimes,
		count(*) FILTER (WHERE s.outcome_num = 1)::INTEGER AS charged_recorded,
		count(*) FILTER (WHERE s.outcome_num IS NOT NULL AND s.outcome_num <> 0)::INTEGER AS outcome_assigned
	FROM scope s
	WHERE ${IN_PERIOD('s.recorded_date')}
	GROUP BY 1
),
arr AS (
	SELECT strftime(a.arrest_date, '%Y-%m') AS month, count(*)::INTEGER AS arrests
	FROM arrests a JOIN scope s ON s.crime_ref = a.crime_ref
	WHERE ${IN_PERIOD('a.arrest_date')}
	GROUP BY 1
),
charged AS (
	SELECT strftime(outcome_date, '%Y-%m') AS month,
		date_diff('day', recorded_date, outcome_date) AS days
	FROM scope WHERE outcome_num = 1 AND ${IN_PERIOD('outcome_date')}
),
-- An outcome dated before its crime was recorded is a data error (warned at upload): still a
-- charge, but left out of the time to charge.
chg AS (
	SELECT month, count(*)::INTEGER AS charges,
		(median(days) FILTER (WHERE days >= 0))::DOUBLE AS median_days,
		count(*) FILTER (WHERE days < 0)::INTEGER AS charged_before_recorded
	FROM charged GROUP BY 1
)
SELECT m.month,
	coalesce(rec.recorded, 0) AS recorded,
	coalesce(arr.arrests, 0) AS arrests,
	coalesce(rec.arrested_crimes, 0) AS arrested_crimes,
	coalesce(chg.charges, 0) AS charges,
	coalesce(rec.charged_recorded, 0) AS charged_recorded,
	coalesce(rec.outcome_assigned, 0) AS outcome_assigned,
	chg.median_days AS median_days_to_charge,
	coalesce(chg.charged_before_recorded, 0) AS charged_before_recorded,
	date_diff('day', m.month_end, $as_of::DATE) < ${PROVISIONAL_DAYS} AS provisional,
	(SELECT (median(days) FILTER (WHERE days >= 0))::DOUBLE FROM charged) AS total_median_days
FROM months m
	LEFT JOIN rec ON rec.month = m.month
	LEFT JOIN arr ON arr.month = m.month
	LEFT JOIN chg ON chg.month = m.month
ORDER BY m.month`;

type Counts = Pick<
	CrimeFigures,
	'recorded' | 'arrests' | 'arrested_crimes' | 'charges' | 'charged_recorded' | 'outcome_assigned'
>;

/** The date provisional months are counted back from: the as-at date, or today without police data. */
function asOfParam(f: Filters): string {
	return f.as_of ?? londonToday();
}

function figures(c: Counts, median: number | null, before: number): CrimeFigures {
	return {
		recorded: c.recorded,
		arrests: c.arrests,
		arrested_crimes: c.arrested_crimes,
		arrest_rate: ratio(c.arrested_crimes, c.recorded),
		charges: c.charges,
		charged_recorded: c.charged_recorded,
		charge_rate: ratio(c.charged_recorded, c.recorded),
		outcome_assigned: c.outcome_assigned,
		charge_rate_assigned: ratio(c.charged_recorded, c.outcome_assigned),
		open: c.recorded - c.outcome_assigned,
		median_days_to_charge: median,
		charged_before_recorded: before
	};
}

/** GET /api/v1/metrics/monthly: every month of the period (zeros included) and the period's totals. */
async function computeMonthly(db: Queryable, f: Filters): Promise<MonthlyResult> {
	const rows = await db.all<
		Counts & {
			month: string;
			median_days_to_charge: number | null;
			charged_before_recorded: number;
			provisional: boolean;
			total_median_days: number | null;
		}
	>(MONTHLY_SQL, { ...scopeParams(f), as_of: asOfParam(f) });
	const months: MonthlyRow[] = rows.map((r) => ({
		month: r.month,
		...figures(r, r.median_days_to_charge, r.charged_before_recorded),
		provisional: r.provisional,
		incomplete: isIncomplete(f, r.month)
	}));
	const sum = (k: keyof Counts) => rows.reduce((n, r) => n + r[k], 0);
	const totals = figures(
		{
			recorded: sum('recorded'),
			arrests: sum('arrests'),
			arrested_crimes: sum('arrested_crimes'),
			charges: sum('charges'),
			charged_recorded: sum('charged_recorded'),
			outcome_assigned: sum('outcome_assigned')
		},
		rows[0]?.total_median_days ?? null,
		rows.reduce((n, r) => n + r.charged_before_recorded, 0)
	);
	return { filters: f, months, totals };
}

/** Kept until the data changes (cache.ts). */
export const monthly = memo('monthly', computeMonthly);

const OUTCOMES_SQL = `
WITH scope AS (${SCOPED_CRIMES})
SELECT s.rec_month AS month,
	CASE WHEN coalesce(s.outcome_num, 0) = 0 THEN 'none' ELSE coalesce(t.group_name, 'unknown') END AS grp,
	count(*)::INTEGER AS n
FROM scope s LEFT JOIN outcome_types t ON t.outcome_type = s.outcome_num
WHERE ${IN_PERIOD('s.recorded_date')}
GROUP BY ALL`;

/**
 * GET /api/v1/metrics/outcomes: crimes recorded in each month by the group of their current
 * outcome; `none` = no outcome yet (or outcome 0). Every reference group is present, with zeros.
 */
async function computeOutcomes(db: Queryable, f: Filters): Promise<OutcomesResult> {
	const groupRows = await db.all<{ g: string }>(
		`SELECT group_name AS g FROM outcome_types WHERE group_name <> 'none'
		 GROUP BY group_name ORDER BY min(outcome_type)`
	);
	const counts = await db.all<{ month: string; grp: string; n: number }>(
		OUTCOMES_SQL,
		scopeParams(f)
	);
	const monthRows = await db.all<{ month: string }>(
		`SELECT strftime(m, '%Y-%m') AS month
		 FROM generate_series($from::DATE, $to::DATE, INTERVAL 1 MONTH) t(m) ORDER BY 1`,
		{ from: `${f.from}-01`, to: `${f.to}-01` }
	);
	const groups = [...groupRows.map((r) => r.g), 'none'];
	// A number outside the reference (should not pass validation) is still counted, not dropped.
	if (counts.some((c) => c.grp === 'unknown')) groups.push('unknown');
	const byMonth = new Map<string, Record<string, number>>();
	for (const { month } of monthRows) {
		byMonth.set(month, Object.fromEntries(groups.map((g) => [g, 0])));
	}
	for (const c of counts) {
		const m = byMonth.get(c.month);
		if (m) m[c.grp] = c.n;
	}
	return {
		filters: f,
		groups,
		months: [...byMonth].map(([month, g]) => ({
			month,
			incomplete: isIncomplete(f, month),
			groups: g
		}))
	};
}

/** Kept until the data changes (cache.ts). */
export const outcomes = memo('outcomes', computeOutcomes);
