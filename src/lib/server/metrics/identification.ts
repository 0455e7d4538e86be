// Identification at first contact (metrics.md), from incidents: months in Europe/London.
import type { Queryable } from '../db';
import { courseSql } from '../extracts/canonical';
import { getSettings } from '../settings';
import { ratio, SCOPED_CRIMES } from './crime';
import { isIncomplete, scopeParams } from './filters';
import type { Filters, IdentificationFigures, IdentificationResult } from './types';
import { memo } from './cache';

// incidents.opened_at is an instant; its month and date are taken on the Europe/London clock, from
// the London day each incident is given as it is loaded (derived.ts: opened_local_date).
const IDENTIFICATION_SQL = `
WITH months AS (
	SELECT m::DATE AS first_day, strftime(m, '%Y-%m') AS month
	FROM generate_series($from::DATE, $to::DATE, INTERVAL 1 MONTH) t(m)
),
-- Grouped by the month's first day, named only once per month at the end (not per incident).
inc AS (
	SELECT i.domestic_abuse, i.stalking_identified, i.handler_ref,
		date_trunc('month', i.opened_local_date)::DATE AS first_day, i.opened_local_date AS local_date
	FROM incidents i
	WHERE ($area::VARCHAR IS NULL OR i.area = $area::VARCHAR)
		AND i.opened_local_date >= $from::DATE AND i.opened_local_date < $to::DATE + INTERVAL 1 MONTH
),
da AS (
	SELECT first_day, count(*)::INTEGER AS da_incidents,
		count(*) FILTER (WHERE stalking_identified)::INTEGER AS da_stalking_identified
	FROM inc WHERE domestic_abuse GROUP BY 1
),
handled AS (
	SELECT inc.first_day, inc.stalking_identified, t.staff_ref IS NOT NULL AS trained
	FROM inc LEFT JOIN training t
		ON t.staff_ref = inc.handler_ref
		AND ${courseSql('t.course')} = ${courseSql('$course')} AND t.completed_date <= inc.local_date
	WHERE inc.handler_ref IS NOT NULL AND ($da = 'all' OR inc.domestic_abuse = ($da = 'Y'))
),
hand AS (
	SELECT first_day,
		count(*) FILTER (WHERE trained)::INTEGER AS trained_handler_incidents,
		count(*) FILTER (WHERE trained AND stalking_identified)::INTEGER AS trained_handler_identified,
		count(*) FILTER (WHERE NOT trained)::INTEGER AS untrained_handler_incidents,
		count(*) FILTER (WHERE NOT trained AND stalking_identified)::INTEGER AS untrained_handler_identified
	FROM handled GROUP BY 1
),
scope AS (${SCOPED_CRIMES}),
linked AS (
	SELECT s.rec_month AS month, count(*)::INTEGER AS linked_crimes,
		count(*) FILTER (WHERE s.incident_identified)::INTEGER AS identified_at_first_contact
	FROM scope s
	WHERE s.incident_linked
		AND s.recorded_date >= $from::DATE AND s.recorded_date < $to::DATE + INTERVAL 1 MONTH
	GROUP BY 1
)
SELECT m.month,
	coalesce(da.da_incidents, 0) AS da_incidents,
	coalesce(da.da_stalking_identified, 0) AS da_stalking_identified,
	coalesce(linked.linked_crimes, 0) AS linked_crimes,
	coalesce(linked.identified_at_first_contact, 0) AS identified_at_first_contact,
	coalesce(hand.trained_handler_incidents, 0) AS trained_handler_incidents,
	coalesce(hand.trained_handler_identified, 0) AS trained_handler_identified,
	coalesce(hand.untrained_handler_incidents, 0) AS untrained_handler_incidents,
	coalesce(hand.untrained_handler_identified, 0) AS untrained_handler_identified
FROM months m
	LEFT JOIN da ON da.first_day = m.first_day
	LEFT JOIN hand ON hand.first_day = m.first_day
	LEFT JOIN linked ON linked.month = m.month
ORDER BY m.month`;

type Counts = Omit<IdentificationFigures, 'da_identification_rate' | 'first_contact_rate'>;
const COUNT_KEYS: (keyof Counts)[] = [
	'da_incidents',
	'da_stalking_identified',
	'linked_crimes',
	'identified_at_first_contact',
	'trained_handler_incidents',
	'trained_handler_identified',
	'untrained_handler_incidents',
	'untrained_handler_identified'
];

function figures(c: Counts): IdentificationFigures {
	return {
		da_incidents: c.da_incidents,
		da_stalking_identified: c.da_stalking_identified,
		da_identification_rate: ratio(c.da_stalking_identified, c.da_incidents),
		linked_crimes: c.linked_crimes,
		identified_at_first_contact: c.identified_at_first_contact,
		first_contact_rate: ratio(c.identified_at_first_contact, c.linked_crimes),
		trained_handler_incidents: c.trained_handler_incidents,
		trained_handler_identified: c.trained_handler_identified,
		untrained_handler_incidents: c.untrained_handler_incidents,
		untrained_handler_identified: c.untrained_handler_identified
	};
}

/**
 * GET /api/v1/metrics/identification. The area filter applies to incidents (and to linked crimes
 * through the crime scope); domestic_abuse applies to the crimes and to the handler comparison,
 * while da_incidents are domestic-abuse incidents by definition.
 */
async function computeIdentification(db: Queryable, f: Filters): Promise<IdentificationResult> {
	const { training_course } = await getSettings(db);
	const rows = await db.all<Counts & { month: string }>(IDENTIFICATION_SQL, {
		...scopeParams(f),
		course: training_course
	});
	const totals = Object.fromEntries(
		COUNT_KEYS.map((k) => [k, rows.reduce((n, r) => n + r[k], 0)])
	) as unknown as Counts;
	return {
		filters: f,
		months: rows.map((r) => ({
			month: r.month,
			incomplete: isIncomplete(f, r.month),
			...figures(r)
		})),
		totals: figures(totals)
	};
}

/** Kept until the data changes (cache.ts). */
export const identification = memo('identification', computeIdentification);
