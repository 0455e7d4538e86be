// Under-reporting per financial year (metrics.md): recorded against survey prevalence × population.
import type { Queryable } from '../db';
import { ratio } from './crime';
import { CRIME_SCOPE, scopeParams } from './filters';
import { fyLabel } from './months';
import type { Filters, ReportingResult, ReportingYear } from './types';
import { memo } from './cache';

// The FYs whose first month (April) falls in the period and is complete; each counted from April to
// its March or, for a part year, to the latest complete month ($complete_to, a first day). Prevalence
// for the FY's year or, failing that, the nearest earlier year's (ASOF join), flagged as carried forward.
const REPORTING_SQL = `
WITH fys AS (
	SELECT y::INTEGER AS fy_year,
		least(make_date(y::INTEGER + 1, 3, 1), $complete_to::DATE) AS last_month
	FROM range(year($from::DATE), year($to::DATE) + 1) t(y)
	WHERE make_date(y::INTEGER, 4, 1) BETWEEN $from::DATE AND $to::DATE
		AND make_date(y::INTEGER, 4, 1) <= $complete_to::DATE
),
rec AS (
	SELECT f.fy_year, count(c.crime_ref)::INTEGER AS recorded
	FROM fys f LEFT JOIN crimes c
		ON c.recorded_date >= make_date(f.fy_year, 4, 1)
		AND c.recorded_date < f.last_month + INTERVAL 1 MONTH
		AND ${CRIME_SCOPE}
	GROUP BY f.fy_year
),
pop AS (
	SELECT year, sum(population_16plus)::BIGINT AS population_16plus
	FROM population WHERE $area::VARCHAR IS NULL OR area = $area::VARCHAR
	GROUP BY year
),
prev AS (
	SELECT f.fy_year, p.year AS prevalence_year, p.rate_pct, p.lower_pct, p.upper_pct
	FROM fys f ASOF LEFT JOIN prevalence p ON f.fy_year >= p.year
)
SELECT f.fy_year, strftime(f.last_month, '%Y-%m') AS last_month, rec.recorded, pop.population_16plus,
	prev.prevalence_year, prev.rate_pct, prev.lower_pct, prev.upper_pct
FROM fys f
	JOIN rec ON rec.fy_year = f.fy_year
	LEFT JOIN pop ON pop.year = f.fy_year
	LEFT JOIN prev ON prev.fy_year = f.fy_year
ORDER BY f.fy_year`;

/** Six decimal places: enough for estimates, without float noise like 30176.000000000004. */
const tidy = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);

/**
 * GET /api/v1/metrics/reporting: one row per financial year starting in the period (April of a
 * year between `from` and `to`) with at least one complete month. A part year (its March not yet
 * complete) counts April to the latest complete month; its reporting ratio and unreported estimate
 * are null, since an annual survey estimate cannot be set against part of a year's crimes.
 */
async function computeReporting(db: Queryable, f: Filters): Promise<ReportingResult> {
	const rows = await db.all<{
		fy_year: number;
		last_month: string;
		recorded: number;
		population_16plus: number | null;
		prevalence_year: number | null;
		rate_pct: number | null;
		lower_pct: number | null;
		upper_pct: number | null;
	}>(REPORTING_SQL, { ...scopeParams(f), complete_to: `${f.complete_to}-01` });
	const years: ReportingYear[] = rows.map((r) => {
		const pop = r.population_16plus;
		const estimate = (pct: number | null) =>
			pct === null || pop === null ? null : (pct / 100) * pop;
		const victims = tidy(estimate(r.rate_pct));
		const complete = r.last_month === `${r.fy_year + 1}-03`;
		return {
			fy: fyLabel(r.fy_year),
			complete,
			last_month: r.last_month,
			recorded: r.recorded,
			population_16plus: pop,
			prevalence_pct: r.rate_pct,
			carried_forward: r.prevalence_year !== null && r.prevalence_year !== r.fy_year,
			estimated_victims: victims,
			estimated_victims_lower: tidy(estimate(r.lower_pct)),
			estimated_victims_upper: tidy(estimate(r.upper_pct)),
			reporting_ratio: victims === null || !complete ? null : ratio(r.recorded, victims),
			estimated_unreported:
				victims === null || !complete ? null : tidy(Math.max(0, victims - r.recorded))
		};
	});
	return { filters: f, years };
}

/** Kept until the data changes (cache.ts). */
export const reporting = memo('reporting', computeReporting);
