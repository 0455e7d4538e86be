// Training coverage at each month end (metrics.md): in post, trained, coverage, by role and by area.
import type { Queryable } from '../db';
import { courseSql } from '../extracts/canonical';
import { HttpError } from '../http';
import { getSettings } from '../settings';
import { ratio } from './crime';
import { isIncomplete } from './filters';
import { monthEnd } from './months';
import type { Filters, TrainingResult } from './types';
import { memo } from './cache';

export const WORKFORCE_ROLES = [
	'response_officer',
	'control_room',
	'neighbourhood_officer',
	'investigator',
	'other'
] as const;

/** Read the `role` parameter: comma-separated roles or `all`; null means the target roles. */
export function parseRoles(raw: string | null): string[] | null {
	if (raw === null || raw.trim() === '') return null;
	if (raw.trim().toLowerCase() === 'all') return [...WORKFORCE_ROLES];
	const roles = [
		...new Set(
			raw
				.split(',')
				// As uploads read roles (extracts/canonical.ts): `Response Officer`, `response-officer`.
				.map((r) =>
					r
						.trim()
						.toLowerCase()
						.replace(/[\s_-]+/g, '_')
				)
				.filter(Boolean)
		)
	];
	const bad = roles.filter((r) => !(WORKFORCE_ROLES as readonly string[]).includes(r));
	if (bad.length > 0 || roles.length === 0) {
		throw new HttpError(
			400,
			'bad_parameter',
			`Bad query parameter role: "${raw}" is not a workforce role; use all or one or more of ${WORKFORCE_ROLES.join(', ')}, comma-separated.`,
			[{ parameter: 'role', value: raw, message: `unknown role ${bad.join(', ')}` }]
		);
	}
	return roles;
}

// Course names compare in their canonical form (extracts/canonical.ts): uploads store it, and the
// setting and any row loaded before that rule are read the same way.
const IS_COURSE = `${courseSql('t.course')} = ${courseSql('$course')}`;

// Staff of the chosen roles (and area) with their stalking-course date, if any.
const STAFF = `
	SELECT w.staff_ref, w.role, coalesce(w.area, 'unknown') AS area, w.start_date, w.end_date,
		t.completed_date
	FROM workforce w LEFT JOIN training t ON t.staff_ref = w.staff_ref AND ${IS_COURSE}
	WHERE list_contains(string_split($roles, ','), w.role)
		AND ($area::VARCHAR IS NULL OR w.area = $area::VARCHAR)`;

// In scope at d: started on or before d and not left by d (leaving exactly on d counts as gone).
const IN_POST = 's.start_date <= e.d AND (s.end_date IS NULL OR s.end_date > e.d)';

const MONTHS_SQL = `
WITH ends AS (
	SELECT strftime(m, '%Y-%m') AS month, last_day(m::DATE) AS d
	FROM generate_series($from::DATE, $to::DATE, INTERVAL 1 MONTH) t(m)
),
staff AS (${STAFF}),
trained_staff AS (
	SELECT DISTINCT t.staff_ref, t.completed_date FROM training t
	WHERE ${IS_COURSE}
		AND ($area::VARCHAR IS NULL
			OR t.staff_ref IN (SELECT staff_ref FROM workforce WHERE area = $area::VARCHAR))
),
cov AS (
	SELECT e.month, count(s.staff_ref)::INTEGER AS in_scope,
		count(s.staff_ref) FILTER (WHERE s.completed_date <= e.d)::INTEGER AS trained
	FROM ends e LEFT JOIN staff s ON ${IN_POST}
	GROUP BY e.month
),
-- Trained by d: whoever's first completion is on or before d (one row per person, so no DISTINCT
-- over every month's pairs, which cost most of this query at a million crimes' staff).
first_trained AS (
	SELECT staff_ref, min(completed_date) AS first_date FROM trained_staff GROUP BY staff_ref
),
tot AS (
	SELECT e.month, count(ft.staff_ref)::INTEGER AS total_trained
	FROM ends e LEFT JOIN first_trained ft ON ft.first_date <= e.d
	GROUP BY e.month
)
SELECT e.month, cov.in_scope, cov.trained, tot.total_trained
FROM ends e JOIN cov ON cov.month = e.month JOIN tot ON tot.month = e.month
ORDER BY e.month`;

const BREAKDOWN_SQL = (by: 'role' | 'area') => `
WITH ends AS (SELECT $d::DATE AS d),
staff AS (${STAFF})
SELECT s.${by} AS key, count(*)::INTEGER AS in_scope,
	count(*) FILTER (WHERE s.completed_date <= e.d)::INTEGER AS trained
FROM ends e JOIN staff s ON ${IN_POST}
GROUP BY 1 ORDER BY 1`;

/**
 * GET /api/v1/metrics/training: coverage at every month end of the period for the roles given
 * (default the target roles), total trained, the target, and by role and area at the last month end.
 * total_trained counts anyone with the course (any role, in post or not); with an area filter, those
 * who have a workforce row in that area.
 */
async function computeTraining(
	db: Queryable,
	f: Filters & { role?: string[] | null }
): Promise<TrainingResult> {
	const settings = await getSettings(db);
	const roles = f.role && f.role.length > 0 ? f.role : settings.target_roles;
	const params = {
		from: `${f.from}-01`,
		to: `${f.to}-01`,
		area: f.area === 'all' ? null : f.area,
		roles: roles.join(','),
		course: settings.training_course
	};
	const rows = await db.all<{
		month: string;
		in_scope: number;
		trained: number;
		total_trained: number;
	}>(MONTHS_SQL, params);
	const atEnd = {
		area: params.area,
		roles: params.roles,
		course: params.course,
		d: monthEnd(f.to)
	};
	const byRole = await db.all<{ key: string; in_scope: number; trained: number }>(
		BREAKDOWN_SQL('role'),
		atEnd
	);
	const byArea = await db.all<{ key: string; in_scope: number; trained: number }>(
		BREAKDOWN_SQL('area'),
		atEnd
	);
	const roleMap = new Map(byRole.map((r) => [r.key, r]));
	const { role: _role, ...filters } = f;
	return {
		filters: { ...filters, role: roles },
		target: { date: settings.target_date, coverage: settings.target_coverage },
		months: rows.map((r) => ({
			month: r.month,
			incomplete: isIncomplete(f, r.month),
			in_scope: r.in_scope,
			trained: r.trained,
			coverage: ratio(r.trained, r.in_scope),
			total_trained: r.total_trained
		})),
		by_role: roles.map((role) => {
			const r = roleMap.get(role) ?? { in_scope: 0, trained: 0 };
			return {
				role,
				in_scope: r.in_scope,
				trained: r.trained,
				coverage: ratio(r.trained, r.in_scope)
			};
		}),
		by_area: byArea.map((r) => ({
			area: r.key,
			in_scope: r.in_scope,
			trained: r.trained,
			coverage: ratio(r.trained, r.in_scope)
		}))
	};
}

/** Kept until the data changes (cache.ts). */
export const training = memo('training', computeTraining);
