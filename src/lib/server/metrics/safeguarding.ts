// Safeguarding and recognition (metrics.md): risk assessment, referrals, protective orders, the
// recognition of stalking among harassment-type crimes, reclassification, and the journey funnel.
import type { Queryable } from '../db';
import { getSettings } from '../settings';
import { ratio } from './crime';
import { CRIME_SCOPE, isIncomplete, scopeParams } from './filters';
import type {
	Filters,
	JourneyResult,
	JourneyStep,
	SafeguardingFigures,
	SafeguardingResult
} from './types';
import { memo } from './cache';

/** The harassment-type codes the recognition of stalking is measured among (metrics.md). */
export const HARASSMENT_TYPE_CODES = ['8L', '8M', '8Q', '8R'];

const IN_PERIOD = (col: string) =>
	`${col} >= $from::DATE AND ${col} < ($to::DATE + INTERVAL 1 MONTH)`;

/**
 * Crimes in scope and period with their assessments: those naming the crime or the crime's incident
 * (facts.ts keeps each crime's first days of them, on the Europe/London clock). An assessment counts
 * when on or before recorded_date + N (earlier counts: an assessment at the first call precedes the
 * crime record): `assessed`, `top_risk` (3 high, 2 medium, 1 standard) and `marac` among those;
 * `advocacy` from any. Each is null when no assessment names the crime.
 */
const CRIME_ASSESSMENTS = `
scope AS (
	SELECT c.crime_ref, c.recorded_date, strftime(c.recorded_date, '%Y-%m') AS month, c.incident_ref,
		upper(trim(c.offence_code)) AS code, nullif(upper(trim(c.first_offence_code)), '') AS first_code,
		c.arrested, c.outcome_num, c.incident_identified,
		c.assessment_day <= c.window_end AS assessed,
		CASE WHEN c.high_risk_day <= c.window_end THEN 3 WHEN c.medium_risk_day <= c.window_end THEN 2
			WHEN c.standard_risk_day <= c.window_end THEN 1 END AS top_risk,
		c.marac_day <= c.window_end AS marac,
		c.advocacy_referred AS advocacy
	FROM (SELECT *, recorded_date + CAST($days AS INTEGER) AS window_end FROM crime_facts) c
	WHERE ${CRIME_SCOPE} AND ${IN_PERIOD('c.recorded_date')}
)`;

/** Orders of the counted types, with the area filter on the order's own area. */
const ORDERS = `
ord AS (
	SELECT o.order_ref, o.crime_ref, o.status, o.applied_date, o.decision_date, o.expires_date,
		coalesce(o.breach_count, 0) AS breaches, strftime(o.applied_date, '%Y-%m') AS month
	FROM protective_orders o
	WHERE list_contains(string_split($order_types, ','), o.order_type)
		AND ($area::VARCHAR IS NULL OR o.area = $area::VARCHAR)
),
applied AS (
	SELECT ord.*, date_diff('day', c.recorded_date, ord.applied_date) AS days
	FROM ord LEFT JOIN crimes c ON c.crime_ref = ord.crime_ref
	WHERE ${IN_PERIOD('ord.applied_date')}
)`;

const SAFEGUARDING_SQL = `
WITH months AS (
	SELECT strftime(m, '%Y-%m') AS month, last_day(m::DATE) AS month_end
	FROM generate_series($from::DATE, $to::DATE, INTERVAL 1 MONTH) t(m)
),
${CRIME_ASSESSMENTS},
${ORDERS},
crime_m AS (
	SELECT s.month, count(*)::INTEGER AS recorded,
		count(*) FILTER (WHERE s.assessed)::INTEGER AS risk_assessed,
		count(*) FILTER (WHERE s.assessed AND s.top_risk = 1)::INTEGER AS risk_standard,
		count(*) FILTER (WHERE s.assessed AND s.top_risk = 2)::INTEGER AS risk_medium,
		count(*) FILTER (WHERE s.assessed AND s.top_risk = 3)::INTEGER AS risk_high,
		count(*) FILTER (WHERE s.top_risk = 3 AND s.marac)::INTEGER AS marac_referred_high,
		count(*) FILTER (WHERE s.advocacy)::INTEGER AS advocacy_referred,
		count(*) FILTER (WHERE s.code = '8Q' AND s.first_code IS NOT NULL)::INTEGER AS first_code_known,
		count(*) FILTER (WHERE s.code = '8Q' AND s.first_code IS NOT NULL AND s.first_code <> '8Q')::INTEGER
			AS reclassified_to_stalking
	FROM scope s
	GROUP BY 1
),
-- Recognition: every harassment-type crime, whatever the offence filter (area and domestic abuse apply).
harass AS (
	SELECT strftime(c.recorded_date, '%Y-%m') AS month, count(*)::INTEGER AS harassment_type_crimes,
		count(*) FILTER (WHERE upper(trim(c.offence_code)) = '8Q')::INTEGER AS stalking_recorded
	FROM crime_facts c
	WHERE list_contains(string_split($harass, ','), upper(trim(c.offence_code)))
		AND ($area::VARCHAR IS NULL OR c.area = $area::VARCHAR)
		AND ($da = 'all' OR c.domestic_abuse = ($da = 'Y'))
		AND ${IN_PERIOD('c.recorded_date')}
	GROUP BY 1
),
ord_m AS (
	SELECT month, count(*)::INTEGER AS orders_applied,
		count(*) FILTER (WHERE status = 'granted')::INTEGER AS orders_granted,
		count(*) FILTER (WHERE status = 'refused')::INTEGER AS orders_refused,
		count(*) FILTER (WHERE status = 'withdrawn')::INTEGER AS orders_withdrawn,
		count(*) FILTER (WHERE status = 'pending')::INTEGER AS orders_pending,
		(median(days) FILTER (WHERE days IS NOT NULL))::DOUBLE AS median_days,
		count(days)::INTEGER AS orders_with_crime
	FROM applied GROUP BY 1
),
in_force AS (
	SELECT m.month, count(o.order_ref)::INTEGER AS orders_in_force
	FROM months m JOIN ord o
		ON o.status = 'granted' AND o.decision_date <= m.month_end
		AND (o.expires_date IS NULL OR o.expires_date > m.month_end)
	GROUP BY 1
)
SELECT m.month,
	coalesce(crime_m.recorded, 0) AS recorded,
	coalesce(crime_m.risk_assessed, 0) AS risk_assessed,
	coalesce(crime_m.risk_standard, 0) AS risk_standard,
	coalesce(crime_m.risk_medium, 0) AS risk_medium,
	coalesce(crime_m.risk_high, 0) AS risk_high,
	coalesce(crime_m.marac_referred_high, 0) AS marac_referred_high,
	coalesce(crime_m.advocacy_referred, 0) AS advocacy_referred,
	coalesce(ord_m.orders_applied, 0) AS orders_applied,
	coalesce(ord_m.orders_granted, 0) AS orders_granted,
	coalesce(ord_m.orders_refused, 0) AS orders_refused,
	coalesce(ord_m.orders_withdrawn, 0) AS orders_withdrawn,
	coalesce(ord_m.orders_pending, 0) AS orders_pending,
	ord_m.median_days AS median_days_to_application,
	coalesce(ord_m.orders_with_crime, 0) AS orders_with_crime,
	coalesce(in_force.orders_in_force, 0) AS orders_in_force,
	coalesce(harass.harassment_type_crimes, 0) AS harassment_type_crimes,
	coalesce(harass.stalking_recorded, 0) AS stalking_recorded,
	coalesce(crime_m.first_code_known, 0) AS first_code_known,
	coalesce(crime_m.reclassified_to_stalking, 0) AS reclassified_to_stalking
FROM months m
	LEFT JOIN crime_m ON crime_m.month = m.month
	LEFT JOIN harass ON harass.month = m.month
	LEFT JOIN ord_m ON ord_m.month = m.month
	LEFT JOIN in_force ON in_force.month = m.month
ORDER BY m.month`;

/** The period's median and breaches: over every order applied for in the period. */
const PERIOD_ORDERS_SQL = `
WITH ${ORDERS}
SELECT (median(days) FILTER (WHERE days IS NOT NULL))::DOUBLE AS median_days,
	count(days)::INTEGER AS orders_with_crime,
	coalesce(sum(breaches), 0)::INTEGER AS breaches
FROM applied`;

const COUNT_KEYS = [
	'recorded',
	'risk_assessed',
	'risk_standard',
	'risk_medium',
	'risk_high',
	'marac_referred_high',
	'advocacy_referred',
	'orders_applied',
	'orders_granted',
	'orders_refused',
	'orders_withdrawn',
	'orders_pending',
	'harassment_type_crimes',
	'stalking_recorded',
	'first_code_known',
	'reclassified_to_stalking'
] as const;
type Counts = Record<(typeof COUNT_KEYS)[number], number>;

function figures(c: Counts, median: number | null, withCrime: number): SafeguardingFigures {
	return {
		recorded: c.recorded,
		risk_assessed: c.risk_assessed,
		risk_assessment_rate: ratio(c.risk_assessed, c.recorded),
		risk_standard: c.risk_standard,
		risk_medium: c.risk_medium,
		risk_high: c.risk_high,
		marac_referred_high: c.marac_referred_high,
		marac_rate: ratio(c.marac_referred_high, c.risk_high),
		advocacy_referred: c.advocacy_referred,
		advocacy_rate: ratio(c.advocacy_referred, c.recorded),
		orders_applied: c.orders_applied,
		orders_granted: c.orders_granted,
		orders_refused: c.orders_refused,
		orders_withdrawn: c.orders_withdrawn,
		orders_pending: c.orders_pending,
		grant_rate: ratio(c.orders_granted, c.orders_granted + c.orders_refused),
		median_days_to_application: median,
		orders_with_crime: withCrime,
		harassment_type_crimes: c.harassment_type_crimes,
		stalking_recorded: c.stalking_recorded,
		stalking_share: ratio(c.stalking_recorded, c.harassment_type_crimes),
		first_code_known: c.first_code_known,
		reclassified_to_stalking: c.reclassified_to_stalking,
		reclassified_rate: ratio(c.reclassified_to_stalking, c.first_code_known)
	};
}

/** DuckDB refuses a named parameter the statement does not use: bind only those `sql` names. */
function bound(sql: string, all: Record<string, unknown>): Record<string, unknown> {
	const used = new Set([...sql.matchAll(/\$([a-z_]+)/g)].map((m) => m[1]));
	return Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));
}

async function params(db: Queryable, f: Filters) {
	const s = await getSettings(db);
	return {
		settings: { risk_assessment_days: s.risk_assessment_days, order_types: s.order_types },
		sql: {
			...scopeParams(f),
			days: s.risk_assessment_days,
			order_types: s.order_types.join(','),
			harass: HARASSMENT_TYPE_CODES.join(',')
		}
	};
}

/** GET /api/v1/metrics/safeguarding: every month of the period (zeros included) and totals. */
async function computeSafeguarding(db: Queryable, f: Filters): Promise<SafeguardingResult> {
	const p = await params(db, f);
	const rows = await db.all<
		Counts & {
			month: string;
			median_days_to_application: number | null;
			orders_with_crime: number;
			orders_in_force: number;
		}
	>(SAFEGUARDING_SQL, bound(SAFEGUARDING_SQL, p.sql));
	const period = await db.one<{
		median_days: number | null;
		orders_with_crime: number;
		breaches: number;
	}>(PERIOD_ORDERS_SQL, bound(PERIOD_ORDERS_SQL, p.sql));
	const sum = Object.fromEntries(
		COUNT_KEYS.map((k) => [k, rows.reduce((n, r) => n + r[k], 0)])
	) as Counts;
	return {
		filters: f,
		settings: p.settings,
		months: rows.map((r) => ({
			month: r.month,
			incomplete: isIncomplete(f, r.month),
			...figures(r, r.median_days_to_application, r.orders_with_crime),
			orders_in_force: r.orders_in_force
		})),
		totals: {
			...figures(sum, period?.median_days ?? null, period?.orders_with_crime ?? 0),
			breaches: period?.breaches ?? 0,
			orders_in_force_at_end: rows[rows.length - 1]?.orders_in_force ?? 0
		}
	};
}

/** Kept until the data changes (cache.ts). */
export const safeguarding = memo('safeguarding', computeSafeguarding);

const JOURNEY_SQL = `
WITH ${CRIME_ASSESSMENTS},
${ORDERS}
SELECT
	(SELECT count(*) FROM scope)::INTEGER AS recorded,
	(SELECT count(*) FROM scope WHERE incident_identified)::INTEGER AS identified_at_first_contact,
	(SELECT count(*) FROM scope WHERE assessed)::INTEGER AS risk_assessed,
	(SELECT count(*) FROM scope WHERE advocacy)::INTEGER AS advocacy_referred,
	(SELECT count(*) FROM scope WHERE arrested)::INTEGER AS arrested,
	(SELECT count(*) FROM scope WHERE outcome_num = 1)::INTEGER AS charged,
	(SELECT count(*) FROM applied)::INTEGER AS applied,
	(SELECT count(*) FROM applied WHERE status = 'granted')::INTEGER AS granted,
	(SELECT count(*) FROM applied WHERE status = 'granted' AND breaches > 0)::INTEGER AS breached,
	(SELECT count(*) FROM incidents)::INTEGER AS n_incidents,
	(SELECT count(*) FROM risk_assessments)::INTEGER AS n_risk_assessments,
	(SELECT count(*) FROM arrests)::INTEGER AS n_arrests,
	(SELECT count(*) FROM outcomes)::INTEGER AS n_outcomes,
	(SELECT count(*) FROM protective_orders)::INTEGER AS n_protective_orders`;

/**
 * GET /api/v1/metrics/journey: the period's funnel from report to charge, and for orders from
 * application to a breach. Crime steps are out of the crimes recorded (they are not nested: an
 * advocacy referral need not follow a risk assessment within N days); order steps out of the step
 * before. A step whose data kind is empty is null ("no data loaded"), never 0.
 */
async function computeJourney(db: Queryable, f: Filters): Promise<JourneyResult> {
	const p = await params(db, f);
	const r = (await db.one<Record<string, number>>(
		JOURNEY_SQL,
		bound(JOURNEY_SQL, p.sql)
	)) as Record<string, number>;
	const step = (
		key: string,
		label: string,
		kind: string,
		loaded: boolean,
		denominatorKey: string | null
	): JourneyStep => {
		const count = loaded ? r[key] : null;
		const denominator = denominatorKey ? (r[denominatorKey] ?? null) : null;
		return {
			key,
			label,
			count,
			of: denominatorKey,
			denominator: count === null ? null : denominator,
			rate: count === null || denominator === null ? null : ratio(count, denominator),
			kind
		};
	};
	const days = p.settings.risk_assessment_days;
	return {
		filters: f,
		settings: p.settings,
		steps: [
			step('recorded', 'Stalking crimes recorded', 'crimes', true, null),
			step(
				'identified_at_first_contact',
				'Identified as stalking at first contact',
				'incidents',
				r.n_incidents > 0,
				'recorded'
			),
			step(
				'risk_assessed',
				`Risk assessed within ${days} day${days === 1 ? '' : 's'}`,
				'risk_assessments',
				r.n_risk_assessments > 0,
				'recorded'
			),
			step(
				'advocacy_referred',
				'Referred to specialist advocacy',
				'risk_assessments',
				r.n_risk_assessments > 0,
				'recorded'
			),
			step('arrested', 'With an arrest', 'arrests', r.n_arrests > 0, 'recorded'),
			step('charged', 'Charged or summonsed', 'outcomes', r.n_outcomes > 0, 'recorded')
		],
		orders: [
			step('applied', 'Orders applied for', 'protective_orders', r.n_protective_orders > 0, null),
			step('granted', 'Granted', 'protective_orders', r.n_protective_orders > 0, 'applied'),
			step(
				'breached',
				'Granted and breached at least once',
				'protective_orders',
				r.n_protective_orders > 0,
				'granted'
			)
		]
	};
}

/** Kept until the data changes (cache.ts). */
export const journey = memo('journey', computeJourney);
