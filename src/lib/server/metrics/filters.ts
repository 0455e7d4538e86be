// Query parameters -> validated Filters, with 400 errors that name the bad parameter; areas and groups.
import type { Queryable } from '../db';
import { HttpError, type ErrorDetail } from '../http';
import { getOffenceGroups } from '../settings';
import { datasetAsAt } from './as-at';
import { addMonths, MONTH_RE } from './months';
import type { DomesticAbuse, Filters } from './types';
import { memo } from './cache';

/** The default period: this many months ending at the latest complete month. */
export const DEFAULT_MONTHS = 24;
/** Months outside these years are refused (extracts refuse dates before 2000 too). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;
const CODE_RE = /^\d{1,3}[A-Z]{0,2}$/;

/** Every area named in the data (crimes, incidents, workforce, population), sorted. */
async function computeAreas(db: Queryable): Promise<{ areas: string[] }> {
	const rows = await db.all<{ area: string }>(
		`SELECT DISTINCT area FROM (
			SELECT area FROM crimes UNION ALL SELECT area FROM incidents
			UNION ALL SELECT area FROM workforce UNION ALL SELECT area FROM population
		 ) WHERE area IS NOT NULL ORDER BY area`
	);
	return { areas: rows.map((r) => r.area) };
}

/** Kept until the data changes (cache.ts). */
export const areas = memo('areas', computeAreas);

/** Offence groups with their codes (GET /api/v1/offence-groups). */
export async function offenceGroups(
	db: Queryable
): Promise<{ groups: { name: string; codes: string[] }[] }> {
	return { groups: await getOffenceGroups(db) };
}

function badMonth(name: string, value: string): ErrorDetail | null {
	const m = MONTH_RE.exec(value);
	if (!m) {
		return {
			parameter: name,
			value,
			message: `${name} must be a month written YYYY-MM (for example 2023-04), not "${value}"`
		};
	}
	const year = Number(m[1]);
	if (year < FIRST_YEAR || year > LAST_YEAR) {
		return {
			parameter: name,
			value,
			message: `${name} must be a month between ${FIRST_YEAR}-01 and ${LAST_YEAR}-12, not "${value}"`
		};
	}
	return null;
}

/**
 * Read `from`, `to`, `area`, `offences`, `domestic_abuse` (api.md "Common query parameters").
 * Defaults: the 24 months to the latest complete month (metrics.md), all areas, `stalking`, all.
 * Every problem is listed in the error's details; the message names the first bad parameter.
 */
export async function parseFilters(params: URLSearchParams, db: Queryable): Promise<Filters> {
	const problems: ErrorDetail[] = [];
	const { as_of, complete_to } = await datasetAsAt(db);
	const get = (name: string) => {
		const v = params.get(name);
		return v === null || v.trim() === '' ? null : v.trim();
	};

	const fromRaw = get('from');
	const toRaw = get('to');
	for (const [name, v] of [
		['from', fromRaw],
		['to', toRaw]
	] as const) {
		if (v !== null) {
			const p = badMonth(name, v);
			if (p) problems.push(p);
		}
	}

	let from = '';
	let to = '';
	if (problems.length === 0) {
		if (fromRaw && toRaw) {
			from = fromRaw;
			to = toRaw;
		} else if (toRaw) {
			to = toRaw;
			from = addMonths(to, -(DEFAULT_MONTHS - 1));
		} else {
			const latest = complete_to;
			if (fromRaw) {
				from = fromRaw;
				// Never run on into months after the data: a `from` past the latest complete month asks
				// for that one (incomplete) month only.
				to = latest >= fromRaw ? latest : fromRaw;
			} else {
				to = latest;
				from = addMonths(to, -(DEFAULT_MONTHS - 1));
			}
		}
		if (from > to) {
			problems.push({
				parameter: 'from',
				value: from,
				message: `from (${from}) is after to (${to}); give from no later than to`
			});
		}
	}

	let area = 'all';
	const areaRaw = get('area');
	if (areaRaw !== null && areaRaw.toLowerCase() !== 'all') {
		const known = (await areas(db)).areas;
		// Matched as uploads match areas (extracts/canonical.ts): case and repeated spaces ignored.
		const key = (a: string) => a.replace(/\s+/g, ' ').trim().toLowerCase();
		const match = known.find((a) => key(a) === key(areaRaw));
		if (match) area = match;
		else
			problems.push({
				parameter: 'area',
				value: areaRaw,
				message: `area "${areaRaw}" is not an area in the data; use all or one of: ${known.join(', ') || '(no areas loaded yet)'}`
			});
	}

	let offences = 'stalking';
	let codes: string[] = [];
	const groups = await getOffenceGroups(db);
	const offRaw = get('offences') ?? 'stalking';
	const group = groups.find((g) => g.name.toLowerCase() === offRaw.toLowerCase());
	if (group) {
		offences = group.name;
		codes = group.codes;
	} else {
		const list = offRaw
			.split(',')
			.map((c) => c.trim().toUpperCase())
			.filter(Boolean);
		if (list.length > 0 && list.every((c) => CODE_RE.test(c))) {
			codes = [...new Set(list)];
			offences = codes.join(',');
		} else {
			problems.push({
				parameter: 'offences',
				value: offRaw,
				message: `offences "${offRaw}" is not an offence group (${groups.map((g) => g.name).join(', ')}) nor a comma-separated list of offence codes such as 8Q,8L`
			});
		}
	}

	let domestic_abuse: DomesticAbuse = 'all';
	const daRaw = get('domestic_abuse');
	if (daRaw !== null) {
		const v = daRaw.toUpperCase();
		if (v === 'ALL') domestic_abuse = 'all';
		else if (v === 'Y' || v === 'N') domestic_abuse = v;
		else
			problems.push({
				parameter: 'domestic_abuse',
				value: daRaw,
				message: `domestic_abuse must be all, Y or N, not "${daRaw}"`
			});
	}

	if (problems.length > 0) {
		throw new HttpError(
			400,
			'bad_parameter',
			`Bad query parameter ${problems[0].parameter}: ${problems[0].message}.`,
			problems
		);
	}
	return { from, to, area, offences, codes, domestic_abuse, as_of, complete_to };
}

/** A month after the latest complete month (metrics.md): returned only when asked for, never judged. */
export function isIncomplete(f: Pick<Filters, 'complete_to'>, month: string): boolean {
	return month > f.complete_to;
}

/**
 * The filters cut back to the latest complete month, for views that compare periods or annualise
 * (Overview, Areas): an incomplete month never enters a comparison (metrics.md). `leftOut` names the
 * months cut, for the page to say so.
 */
export function completeOnly(f: Filters): {
	filters: Filters;
	leftOut: { from: string; to: string } | null;
} {
	if (!isIncomplete(f, f.to)) return { filters: f, leftOut: null };
	const to = f.complete_to;
	const from = f.from <= to ? f.from : to;
	return {
		filters: { ...f, from, to },
		leftOut: { from: f.from > to ? f.from : addMonths(to, 1), to: f.to }
	};
}

/** SQL parameters every family binds for the crime scope. */
export function scopeParams(f: Filters): Record<string, string | null> {
	return {
		from: `${f.from}-01`,
		to: `${f.to}-01`,
		area: f.area === 'all' ? null : f.area,
		codes: f.codes.join(','),
		da: f.domestic_abuse
	};
}

/**
 * The crimes in scope under the filters, as a SQL fragment over `crimes c`, using $area, $codes, $da
 * (offence codes never contain commas: CODE_RE and the offence group settings keep them out).
 */
export const CRIME_SCOPE = `list_contains(string_split($codes, ','), c.offence_code)
	AND ($area::VARCHAR IS NULL OR c.area = $area::VARCHAR)
	AND ($da = 'all' OR c.domestic_abuse = ($da = 'Y'))`;
