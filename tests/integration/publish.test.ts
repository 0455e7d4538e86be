// Published summaries of the sample, end to end on a real DuckDB file: every number a reader sees (the
// JSON, the HTML's tables and chart labels, the CSV) obeys disclosure control; no withheld count can be
// worked out from a summary or from a revision and the version it replaces (checked by this file's own
// solver, not disclosure.ts); published versions are frozen; the store's and the request's rules.
// Exact figures come from this file's own SQL over the sample tables (metrics.md definitions), the
// safeguarding section's included (risk assessments, protective orders, recognition, the journey).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { readConfig, type Config } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';
import { loadExtract } from '../../src/lib/server/extracts';
import { HttpError } from '../../src/lib/server/http';
import { datasetAsAt } from '../../src/lib/server/metrics/as-at';
import { compose, type PublicSummary } from '../../src/lib/server/publish/compose';
import { summaryCsv, summaryHtml } from '../../src/lib/server/publish/render';
import {
	parseSummaryRequest,
	SECTION_IDS,
	type SummaryRequest
} from '../../src/lib/server/publish/request';
import {
	createDraft,
	getVersion,
	listSummaries,
	publishDraft,
	withdraw
} from '../../src/lib/server/publish/store';
import { loadSampleIfEmpty, SAMPLE_AS_OF } from '../../src/lib/server/sample/load';
import { DEFAULT_SETTINGS, setSetting } from '../../src/lib/server/settings';
import type { Cell, Column } from '../../src/lib/figures';

// ---------------------------------------------------------------------------------------------
// Months, written out here rather than imported: the test's arithmetic is its own.

function addMonth(m: string, n: number): string {
	const i = Number(m.slice(0, 4)) * 12 + Number(m.slice(5)) - 1 + n;
	return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

function monthsOf(from: string, to: string): string[] {
	const out: string[] = [];
	for (let m = from; m <= to; m = addMonth(m, 1)) out.push(m);
	return out;
}

// ---------------------------------------------------------------------------------------------
// A count cell as a reader identifies it: what is counted, over which months, where, and (for a
// breakdown) which part. The same key printed in two tables is the same number.

interface Key {
	measure: string;
	from: string;
	to: string;
	area: string;
	part?: string;
}

const FORCE = 'force';
const keyId = (k: Key) => [k.measure, k.from, k.to, k.area, k.part ?? ''].join('|');
function parseKey(id: string): Key {
	const [measure, from, to, area, part] = id.split('|');
	return { measure, from, to, area, ...(part ? { part } : {}) };
}

/** Safeguarding measures of crimes, each crime in the month it was recorded (metrics.md). */
const SAFEGUARDING_CRIME_MEASURES = [
	'risk_assessed',
	'risk_standard',
	'risk_medium',
	'risk_high',
	'marac_referred_high',
	'advocacy_referred',
	'harassment_type_crimes',
	'stalking_recorded',
	'first_code_known',
	'reclassified_to_stalking'
];
/** Protective orders' measures, each order in the month it was applied for. */
const ORDER_MEASURES = [
	'orders_applied',
	'orders_granted',
	'orders_refused',
	'orders_withdrawn',
	'orders_pending',
	'orders_breached',
	'orders_with_crime'
];

/** Measures that add up over months (a crime, an incident or an order falls in one month). */
const ADDITIVE = new Set([
	'recorded',
	'arrested_crimes',
	'charged_recorded',
	'da_incidents',
	'da_stalking_identified',
	'linked_crimes',
	'identified_at_first_contact',
	...SAFEGUARDING_CRIME_MEASURES,
	...ORDER_MEASURES
]);

/**
 * Sums between measures of the same scope a reader can rebuild from the tables' words (metrics.md),
 * written here rather than read from SAFEGUARDING_SUMS. `exact`: the definitions make it hold, so a
 * relation that does not is a problem; otherwise it is used only where it holds.
 */
const MEASURE_SUMS: { total: string; parts: string[]; exact: boolean; why: string }[] = [
	// Each assessed crime has one highest level (printed only if a risk-mix table is published).
	{
		total: 'risk_assessed',
		parts: ['risk_standard', 'risk_medium', 'risk_high'],
		exact: true,
		why: 'standard + medium + high = risk assessed'
	},
	// Every order applied for has one of the four statuses.
	{
		total: 'orders_applied',
		parts: ['orders_granted', 'orders_refused', 'orders_withdrawn', 'orders_pending'],
		exact: true,
		why: 'applied = granted + refused + withdrawn + pending'
	},
	// "Recorded as stalking" (8Q among harassment-type crimes) beside "Stalking crimes recorded":
	// the same crimes while the stalking group is 8Q alone and no domestic-abuse filter applies.
	{
		total: 'stalking_recorded',
		parts: ['recorded'],
		exact: true,
		why: 'recorded as stalking = stalking crimes recorded'
	}
];

/** The safeguarding section's tables, in order (all four: the sample loads every kind). */
const SAFEGUARDING_TABLES = [
	'safeguarding-risk',
	'safeguarding-orders',
	'safeguarding-recognition',
	'safeguarding-journey'
];

/**
 * The journey row's steps as a reader reads them: each column's label is the same figure as a
 * column of another table (so the same number), whatever key the column has.
 */
const JOURNEY_STEPS: [RegExp, string][] = [
	[/^Stalking crimes recorded$/, 'recorded'],
	[/^Identified as stalking at first contact$/, 'identified_at_first_contact'],
	[/^Risk assessed within \d+ days?$/, 'risk_assessed'],
	[/^Referred to specialist advocacy$/, 'advocacy_referred'],
	[/^With an arrest$/, 'arrested_crimes'],
	[/^Charged or summonsed$/, 'charged_recorded']
];

/** What a count column counts, as a reader identifies it (the journey's by its label). */
function measureOf(tableId: string, c: Column): string {
	if (tableId !== 'safeguarding-journey') return c.key;
	const step = JOURNEY_STEPS.find(([re]) => re.test(c.label));
	expect(step, `a journey step this test knows: "${c.label}"`).toBeDefined();
	return step![1];
}

/** Rates: numerator and denominator, from metrics.md (not read from the columns' declarations). */
const RATES: Record<string, [string, string]> = {
	arrest_rate: ['arrested_crimes', 'recorded'],
	charge_rate: ['charged_recorded', 'recorded'],
	da_identification_rate: ['da_stalking_identified', 'da_incidents'],
	first_contact_rate: ['identified_at_first_contact', 'linked_crimes'],
	coverage: ['trained', 'in_scope'],
	risk_assessment_rate: ['risk_assessed', 'recorded'],
	marac_rate: ['marac_referred_high', 'risk_high'],
	advocacy_rate: ['advocacy_referred', 'recorded'],
	stalking_share: ['stalking_recorded', 'harassment_type_crimes'],
	reclassified_rate: ['reclassified_to_stalking', 'first_code_known']
};
/** Medians: the count of cases each is over (metrics.md: withheld under 10 cases). */
const MEDIANS: Record<string, string> = { median_days_to_application: 'orders_with_crime' };
const STATISTIC_MIN_CASES = 10;

/**
 * A part never exceeds its whole (same scope): a reader knows, for instance, that crimes referred to
 * MARAC are among those assessed as high risk, so a `[c]` part under a `<t` whole can only be 0. Each
 * is an equation whole = part + rest, the rest an unknown ≥ 0 that no table prints (REST).
 */
const BOUNDS: [string, string][] = [
	...Object.values(RATES).map(([num, den]): [string, string] => [den, num]),
	['risk_assessed', 'risk_high'],
	['orders_applied', 'orders_with_crime'],
	['orders_granted', 'orders_breached'],
	['stalking_recorded', 'first_code_known']
];
const REST = 'rest:';
const restOf = (whole: string, part: string) => `${REST}${whole}:${part}`;

/** Training tables' role labels (the reader's words) and the workforce roles they are. */
const ROLE_OF_LABEL: Record<string, string> = {
	'Response officers': 'response_officer',
	'Control-room staff': 'control_room',
	'Neighbourhood officers': 'neighbourhood_officer',
	Investigators: 'investigator',
	'Other staff': 'other'
};
const TARGET_ROLES = ['response_officer', 'control_room']; // the spec's default target roles
/** The role table's total row: every target role. */
const ROLE_TOTALS = new Set(['All these roles', 'All roles in the target']);

interface Printed {
	id: string;
	key: Key;
	cell: Cell;
	/** Where a reader sees it, for messages. */
	where: string;
	table: string;
	row: number;
	column: string;
}

/** The row a table's row is about, read from the row's own label and the summary's period. */
function rowKey(
	s: PublicSummary,
	tableId: string,
	row: Record<string, Cell>,
	measure: string
): Key {
	const { from, to } = s.period;
	if ('month' in row) {
		const m = row.month as string;
		if (m === 'Total') return { measure, from, to, area: FORCE };
		expect(m, `${tableId}: a month row`).toMatch(/^\d{4}-\d{2}$/);
		return { measure, from: m, to: m, area: FORCE };
	}
	if ('fy' in row) {
		const start = Number(String(row.fy).slice(0, 4));
		expect(row.fy).toBe(`${start}/${String(start + 1).slice(2)}`);
		return { measure, from: `${start}-04`, to: `${start + 1}-03`, area: FORCE };
	}
	// A table of one row for the whole period (orders, the journey).
	if ('period' in row) {
		expect(typeof row.period === 'string' && row.period !== '', `${tableId}: a period label`).toBe(
			true
		);
		return { measure, from, to, area: FORCE };
	}
	// Training is counted at the period's last month end; the crime tables over the whole period.
	const [f, t] = tableId.startsWith('training-') ? [to, to] : [from, to];
	if ('area' in row) {
		const a = row.area as string;
		return { measure, from: f, to: t, area: a === 'Whole force' ? FORCE : a };
	}
	if ('role' in row) {
		const r = row.role as string;
		if (ROLE_TOTALS.has(r)) return { measure, from: f, to: t, area: FORCE };
		expect(ROLE_OF_LABEL[r], `a role label: ${r}`).toBeDefined();
		return { measure, from: f, to: t, area: FORCE, part: r };
	}
	throw new Error(`table ${tableId}: a row this test cannot place (${JSON.stringify(row)})`);
}

const KNOWN_TABLES = new Set([
	'crimes-by-month',
	'crimes-by-area',
	'recorded-against-estimate',
	'identification-by-month',
	'training-by-role',
	'training-by-area',
	...SAFEGUARDING_TABLES
]);

function printedCells(s: PublicSummary): Printed[] {
	const out: Printed[] = [];
	for (const sec of s.sections)
		for (const t of sec.tables) {
			expect(KNOWN_TABLES.has(t.id), `table ${t.id} is one this test knows how to read`).toBe(true);
			t.rows.forEach((row, i) => {
				for (const c of t.columns.filter((c) => c.type === 'count')) {
					const key = rowKey(s, t.id, row, measureOf(t.id, c));
					out.push({
						id: keyId(key),
						key,
						cell: row[c.key],
						where: `v${s.version} ${t.id} "${String(Object.values(row)[0])}" ${c.key}`,
						table: t.id,
						row: i,
						column: c.key
					});
				}
			});
		}
	return out;
}

// ---------------------------------------------------------------------------------------------
// The exact figures, from this file's own SQL over the sample tables (metrics.md definitions).

/** The spec's default safeguarding settings (metrics.md), or those a test sets. */
interface SafeguardingSettings {
	riskAssessmentDays: number;
	orderTypes: string[];
}
const SPEC_SAFEGUARDING: SafeguardingSettings = {
	riskAssessmentDays: 2,
	orderTypes: ['spo', 'interim_spo']
};

class Truth {
	private crimes = new Map<string, Record<string, number>>();
	private incidents = new Map<string, Record<string, number>>();
	/** Safeguarding counts of the force by month (crimes by recorded month, orders by applied). */
	private safeguarding = new Map<string, Record<string, number>>();
	/** Days from the crime recorded to the application, by the order's applied month. */
	private orderDays = new Map<string, number[]>();
	private staff = new Map<string, { in_scope: number; trained: number }>();
	areas: string[] = [];
	/** Survey prevalence (of the year, or the latest earlier one) × population 16+, by FY label. */
	estimates = new Map<string, number>();

	static async of(db: Db, sg: SafeguardingSettings = SPEC_SAFEGUARDING): Promise<Truth> {
		const t = new Truth();
		t.areas = (
			await db.all<{ area: string }>('SELECT DISTINCT area FROM population ORDER BY area')
		).map((r) => r.area);
		const crimeRows = await db.all<Record<string, number> & { month: string; area: string }>(`
			WITH arrested AS (SELECT DISTINCT crime_ref FROM arrests),
			charged AS (
				SELECT DISTINCT crime_ref FROM outcomes
				WHERE TRY_CAST(regexp_extract(outcome_type, '^\\s*(\\d+)', 1) AS INTEGER) = 1),
			inc AS (SELECT incident_ref, bool_or(stalking_identified) AS flagged FROM incidents GROUP BY 1)
			SELECT strftime(c.recorded_date, '%Y-%m') AS month, c.area,
				count(*)::INTEGER AS recorded,
				count(a.crime_ref)::INTEGER AS arrested_crimes,
				count(ch.crime_ref)::INTEGER AS charged_recorded,
				count(i.incident_ref)::INTEGER AS linked_crimes,
				count(*) FILTER (WHERE i.flagged)::INTEGER AS identified_at_first_contact
			FROM crimes c
				LEFT JOIN arrested a ON a.crime_ref = c.crime_ref
				LEFT JOIN charged ch ON ch.crime_ref = c.crime_ref
				LEFT JOIN inc i ON i.incident_ref = c.incident_ref
			WHERE upper(c.offence_code) = '8Q'
			GROUP BY ALL`);
		for (const r of crimeRows) t.crimes.set(`${r.month}|${r.area}`, r);
		const incRows = await db.all<Record<string, number> & { month: string }>(`
			SELECT strftime(timezone('Europe/London', opened_at), '%Y-%m') AS month,
				count(*) FILTER (WHERE domestic_abuse)::INTEGER AS da_incidents,
				count(*) FILTER (WHERE domestic_abuse AND stalking_identified)::INTEGER AS da_stalking_identified
			FROM incidents GROUP BY 1`);
		for (const r of incRows) t.incidents.set(r.month, r);
		const est = await db.all<{ year: number; est: number }>(`
			WITH pop AS (SELECT year, sum(population_16plus) AS n FROM population GROUP BY 1)
			SELECT pop.year, pop.n * arg_max(p.rate_pct, p.year) / 100 AS est
			FROM pop JOIN prevalence p ON p.year <= pop.year GROUP BY pop.year, pop.n`);
		for (const r of est) t.estimates.set(`${r.year}/${String(r.year + 1).slice(2)}`, r.est);
		await t.loadSafeguarding(db, sg);
		return t;
	}

	/** metrics.md "Safeguarding and recognition", for the force (no filter but the stalking code). */
	private async loadSafeguarding(db: Db, sg: SafeguardingSettings) {
		const add = (month: string, r: Record<string, unknown>) => {
			const into = this.safeguarding.get(month) ?? {};
			for (const [k, v] of Object.entries(r)) if (k !== 'month') into[k] = Number(v);
			this.safeguarding.set(month, into);
		};
		// A stalking crime's assessments name it, or name the incident it came from; each is dated by
		// the London clock. Within the window: that day no later than recorded_date + N.
		const risk = await db.all<Record<string, number> & { month: string }>(
			`WITH stalking AS (
				SELECT crime_ref, incident_ref, recorded_date, strftime(recorded_date, '%Y-%m') AS month,
					nullif(upper(trim(first_offence_code)), '') AS first_code
				FROM crimes WHERE upper(offence_code) = '8Q'),
			assessment AS (
				SELECT crime_ref, incident_ref, risk_level, marac_referral, advocacy_referral,
					(completed_at AT TIME ZONE 'Europe/London')::DATE AS day
				FROM risk_assessments),
			pairs AS (
				SELECT s.crime_ref, s.recorded_date, a.* EXCLUDE (crime_ref, incident_ref)
				FROM stalking s JOIN assessment a ON a.crime_ref = s.crime_ref
				UNION ALL
				SELECT s.crime_ref, s.recorded_date, a.* EXCLUDE (crime_ref, incident_ref)
				FROM stalking s JOIN assessment a ON a.incident_ref = s.incident_ref),
			crime AS (
				SELECT crime_ref,
					bool_or(day - recorded_date <= $days) AS assessed,
					bool_or(day - recorded_date <= $days AND risk_level = 'high') AS high,
					bool_or(day - recorded_date <= $days AND risk_level = 'medium') AS medium,
					bool_or(day - recorded_date <= $days AND marac_referral IS TRUE) AS marac,
					bool_or(advocacy_referral IS TRUE) AS advocacy
				FROM pairs GROUP BY 1)
			SELECT s.month,
				count(*) FILTER (WHERE c.assessed)::INTEGER AS risk_assessed,
				count(*) FILTER (WHERE c.assessed AND NOT c.high AND NOT c.medium)::INTEGER AS risk_standard,
				count(*) FILTER (WHERE c.medium AND NOT c.high)::INTEGER AS risk_medium,
				count(*) FILTER (WHERE c.high)::INTEGER AS risk_high,
				count(*) FILTER (WHERE c.high AND c.marac)::INTEGER AS marac_referred_high,
				count(*) FILTER (WHERE c.advocacy)::INTEGER AS advocacy_referred,
				count(s.first_code)::INTEGER AS first_code_known,
				count(*) FILTER (WHERE s.first_code <> '8Q')::INTEGER AS reclassified_to_stalking
			FROM stalking s LEFT JOIN crime c USING (crime_ref)
			GROUP BY 1`,
			{ days: sg.riskAssessmentDays }
		);
		for (const r of risk) add(r.month, r);
		// Harassment-type crimes, whatever the stalking group: 8L, 8M, 8Q, 8R; of them 8Q.
		const harassment = await db.all<Record<string, number> & { month: string }>(`
			SELECT strftime(recorded_date, '%Y-%m') AS month,
				count(*)::INTEGER AS harassment_type_crimes,
				count(*) FILTER (WHERE upper(trim(offence_code)) = '8Q')::INTEGER AS stalking_recorded
			FROM crimes WHERE upper(trim(offence_code)) IN ('8L', '8M', '8Q', '8R')
			GROUP BY 1`);
		for (const r of harassment) add(r.month, r);
		// Orders of the counted types by the month applied for, by where they stand now.
		const orders = await db.all<{
			month: string;
			status: string;
			breached: boolean;
			days: number | null;
		}>(
			`SELECT strftime(o.applied_date, '%Y-%m') AS month, o.status,
				coalesce(o.breach_count, 0) > 0 AS breached,
				(o.applied_date - c.recorded_date)::INTEGER AS days
			FROM protective_orders o LEFT JOIN crimes c ON c.crime_ref = o.crime_ref
			WHERE list_contains(string_split($types, ','), o.order_type)`,
			{ types: sg.orderTypes.join(',') }
		);
		for (const o of orders) {
			const m = this.safeguarding.get(o.month) ?? {};
			this.safeguarding.set(o.month, m);
			const inc = (k: string) => (m[k] = (m[k] ?? 0) + 1);
			inc('orders_applied');
			expect(['granted', 'refused', 'withdrawn', 'pending']).toContain(o.status);
			inc(`orders_${o.status}`);
			if (o.status === 'granted' && o.breached) inc('orders_breached');
			if (o.days !== null) {
				inc('orders_with_crime');
				this.orderDays.set(o.month, [...(this.orderDays.get(o.month) ?? []), o.days]);
			}
		}
	}

	/** The median days from the crime recorded to the application, over a period's orders. */
	medianDays(from: string, to: string): { cases: number; median: number | null } {
		const days = monthsOf(from, to)
			.flatMap((m) => this.orderDays.get(m) ?? [])
			.sort((a, b) => a - b);
		const n = days.length;
		if (n === 0) return { cases: 0, median: null };
		const median = n % 2 ? days[(n - 1) / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
		return { cases: n, median };
	}

	/** Staff in post in the target roles (or one role) at a month's end, and of those trained by then. */
	private async staffAt(db: Db, k: Key) {
		const id = `${k.to}|${k.area}|${k.part ?? ''}`;
		const hit = this.staff.get(id);
		if (hit) return hit;
		const roles = k.part ? [ROLE_OF_LABEL[k.part]] : TARGET_ROLES;
		const row = await db.one<{ in_scope: number; trained: number }>(
			`WITH d AS (SELECT last_day(($m || '-01')::DATE) AS d),
			course AS (
				SELECT staff_ref, min(completed_date) AS done FROM training
				WHERE lower(trim(course)) = 'stalking' GROUP BY 1)
			SELECT count(*)::INTEGER AS in_scope,
				count(*) FILTER (WHERE course.done <= d.d)::INTEGER AS trained
			FROM workforce w CROSS JOIN d LEFT JOIN course ON course.staff_ref = w.staff_ref
			WHERE list_contains(string_split($roles, ','), w.role)
				AND w.start_date <= d.d AND (w.end_date IS NULL OR w.end_date > d.d)
				AND ($area::VARCHAR IS NULL OR w.area = $area::VARCHAR)`,
			{ m: k.to, roles: roles.join(','), area: k.area === FORCE ? null : k.area }
		);
		const v = row ?? { in_scope: 0, trained: 0 };
		this.staff.set(id, v);
		return v;
	}

	async value(db: Db, k: Key): Promise<number> {
		if (k.measure.startsWith(REST)) {
			const [whole, part] = k.measure.slice(REST.length).split(':');
			return (
				(await this.value(db, { ...k, measure: whole })) -
				(await this.value(db, { ...k, measure: part }))
			);
		}
		if (k.measure === 'in_scope' || k.measure === 'trained') {
			expect(k.from).toBe(k.to);
			return (await this.staffAt(db, k))[k.measure];
		}
		expect(k.part, `${keyId(k)} has no part`).toBeUndefined();
		let sum = 0;
		for (const m of monthsOf(k.from, k.to)) {
			if (k.measure.startsWith('da_')) {
				expect(k.area, 'incidents are published for the force only').toBe(FORCE);
				sum += this.incidents.get(m)?.[k.measure] ?? 0;
				continue;
			}
			if (SAFEGUARDING_CRIME_MEASURES.includes(k.measure) || ORDER_MEASURES.includes(k.measure)) {
				expect(k.area, 'safeguarding is published for the force only').toBe(FORCE);
				sum += this.safeguarding.get(m)?.[k.measure] ?? 0;
				continue;
			}
			expect(
				[
					'recorded',
					'arrested_crimes',
					'charged_recorded',
					'linked_crimes',
					'identified_at_first_contact'
				],
				`a measure this test can count: ${k.measure}`
			).toContain(k.measure);
			for (const [id, r] of this.crimes)
				if (id.startsWith(`${m}|`) && (k.area === FORCE || id === `${m}|${k.area}`))
					sum += r[k.measure] ?? 0;
		}
		return sum;
	}
}

// ---------------------------------------------------------------------------------------------
// What a reader can work out: this file's own solver. Unknowns are the withheld cells (and months or
// areas a relation needs but the summary does not print); equations are the additive relations a
// reader can rebuild from the tables; a cell is leaked when it takes one value in every solution.

interface Relation {
	total: string;
	parts: string[];
	why: string;
	/** Holds by the definitions: one that does not on the exact figures is a problem. */
	exact?: boolean;
}

/** The relations a reader can rebuild from one summary's tables (before checking they are exact). */
function candidateRelations(cells: Printed[], areas: string[]): Relation[] {
	const printed = new Set(cells.map((c) => c.id));
	const keys = [...new Map(cells.map((c) => [c.id, c.key])).values()];
	const out: Relation[] = [];
	const add = (total: Key, parts: Key[], why: string, exact?: boolean) => {
		const ids = parts.map(keyId);
		if (ids.some((id) => printed.has(id)))
			out.push({ total: keyId(total), parts: ids, why, ...(exact ? { exact } : {}) });
	};
	for (const k of keys) {
		// A period = the sum of its months (the Total row; a financial year in the estimate table).
		if (k.from < k.to && ADDITIVE.has(k.measure))
			add(
				k,
				monthsOf(k.from, k.to).map((m) => ({ ...k, from: m, to: m })),
				`months of ${k.from}..${k.to}`
			);
		// The force = the sum of its areas (when they add up exactly: checked against the truth).
		if (k.area === FORCE)
			add(
				k,
				areas.map((area) => ({ ...k, area })),
				'areas of the force'
			);
		// A whole = the sum of its printed parts (roles).
		if (k.part === undefined) {
			const parts = keys.filter(
				(p) =>
					p.part !== undefined &&
					p.measure === k.measure &&
					p.from === k.from &&
					p.to === k.to &&
					p.area === k.area
			);
			if (parts.length > 0) add(k, parts, 'parts of the whole');
		}
		// A part within its whole: whole = part + rest.
		for (const [whole, part] of BOUNDS)
			if (k.measure === whole)
				add(
					k,
					[
						{ ...k, measure: part },
						{ ...k, measure: restOf(whole, part) }
					],
					`${part} within ${whole}`,
					true
				);
		// Sums between measures of one scope (the orders' statuses, the risk levels, …).
		for (const sum of MEASURE_SUMS)
			if (k.measure === sum.total)
				add(
					k,
					sum.parts.map((measure) => ({ ...k, measure })),
					sum.why,
					sum.exact
				);
	}
	return out;
}

function relationKeys(rels: Relation[]): string[] {
	return rels.flatMap((r) => [r.total, ...r.parts]);
}

interface Version {
	body: PublicSummary;
	/** Exact value of every key the summary prints or its relations name. */
	truth: Map<string, number>;
	/** Estimated adults stalked by financial year label (`2024/25`), from this file's SQL. */
	estimates?: Map<string, number>;
	/** The figures it was worked from (for statistics such as medians). */
	source?: Truth;
}

/** Print and relation keys of a summary with their exact values (the test's privilege). */
async function versionOf(db: Db, truth: Truth, body: PublicSummary): Promise<Version> {
	const cells = printedCells(body);
	const ids = new Set([
		...cells.map((c) => c.id),
		...relationKeys(candidateRelations(cells, truth.areas))
	]);
	const values = new Map<string, number>();
	for (const id of ids) values.set(id, await truth.value(db, parseKey(id)));
	return { body, truth: values, estimates: truth.estimates, source: truth };
}

// Sets of whole numbers as sorted disjoint intervals.
type Dom = [number, number][];
const CAP = 1e7;
const dsize = (d: Dom) => d.reduce((n, [a, b]) => n + b - a + 1, 0);
const dhas = (d: Dom, v: number) => d.some(([a, b]) => a <= v && v <= b);
function dnorm(d: Dom): Dom {
	const s = d.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
	const out: Dom = [];
	for (const [a, b] of s) {
		const last = out[out.length - 1];
		if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
		else out.push([a, b]);
	}
	return out;
}
const dclip = (d: Dom, lo: number, hi: number): Dom =>
	d
		.map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)])
		.filter(([a, b]) => a <= b);
function dadd(x: Dom, y: Dom): Dom {
	const out = dnorm(x.flatMap(([a, b]) => y.map(([c, d]): [number, number] => [a + c, b + d])));
	return out.length > 200 ? [[out[0][0], out[out.length - 1][1]]] : out;
}
const dneg = (d: Dom): Dom => d.map(([a, b]): [number, number] => [-b, -a]).reverse();
const dscale = (d: Dom, c: number): Dom => (c > 0 ? d : dneg(d));
function dwithout(d: Dom, v: number): Dom {
	return dnorm(
		d.flatMap(([a, b]): [number, number][] =>
			a <= v && v <= b
				? [
						[a, v - 1],
						[v + 1, b]
					]
				: [[a, b]]
		)
	);
}

/** What a reader knows of a cell from how it is printed. */
function domainOf(cell: Cell, t: number, rounding: number | null): Dom {
	if (cell === `<${t}`) return [[1, t - 1]];
	if (cell === '[c]')
		return dnorm([
			[0, 0],
			[t, CAP]
		]);
	if (typeof cell === 'number') {
		if (!rounding) return [[cell, cell]];
		// Nearest 5: the exact count is within 2 of it, and not one that would have been withheld.
		return dnorm([
			...dclip([[cell - 2, cell + 2]], 0, 0),
			...dclip([[cell - 2, cell + 2]], t, CAP)
		]);
	}
	throw new Error(`not a count cell: ${JSON.stringify(cell)}`);
}

// Exact rational arithmetic for the elimination.
type Q = [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => {
	a = a < 0n ? -a : a;
	b = b < 0n ? -b : b;
	while (b) [a, b] = [b, a % b];
	return a;
};
function q(n: bigint, d = 1n): Q {
	if (d < 0n) [n, d] = [-n, -d];
	const g = gcd(n, d) || 1n;
	return [n / g, d / g];
}
const qsub = (x: Q, y: Q) => q(x[0] * y[1] - y[0] * x[1], x[1] * y[1]);
const qmul = (x: Q, y: Q) => q(x[0] * y[0], x[1] * y[1]);
const qdiv = (x: Q, y: Q) => q(x[0] * y[1], x[1] * y[0]);

/** Unknown columns u for which the unit vector e_u is in the row space (integer RREF over Q). */
function determinedByElimination(rows: Map<number, number>[], n: number): Set<number> {
	const m: Q[][] = rows.map((r) => {
		const row: Q[] = Array.from({ length: n }, () => q(0n));
		for (const [j, c] of r) row[j] = q(BigInt(c));
		return row;
	});
	const pivots: [number, number][] = [];
	let p = 0;
	for (let col = 0; col < n && p < m.length; col++) {
		const r = m.findIndex((row, i) => i >= p && row[col][0] !== 0n);
		if (r < 0) continue;
		[m[p], m[r]] = [m[r], m[p]];
		const piv = m[p][col];
		m[p] = m[p].map((x) => qdiv(x, piv));
		for (let i = 0; i < m.length; i++) {
			if (i === p || m[i][col][0] === 0n) continue;
			const f = m[i][col];
			m[i] = m[i].map((x, j) => qsub(x, qmul(f, m[p][j])));
		}
		pivots.push([p, col]);
		p++;
	}
	const out = new Set<number>();
	for (const [r, col] of pivots) if (m[r].every((x, j) => j === col || x[0] === 0n)) out.add(col);
	return out;
}

interface LinRow {
	vars: number[];
	coefs: number[];
	rhs: number;
}

class OutOfBudget extends Error {}

/** Bounds propagation to a fixed point; false when some domain empties. */
function propagate(rows: LinRow[], doms: Dom[]): boolean {
	for (let pass = 0; pass < 200; pass++) {
		let changed = false;
		for (const r of rows) {
			const lo = r.vars.map((v, k) =>
				Math.min(r.coefs[k] * doms[v][0][0], r.coefs[k] * doms[v][doms[v].length - 1][1])
			);
			const hi = r.vars.map((v, k) =>
				Math.max(r.coefs[k] * doms[v][0][0], r.coefs[k] * doms[v][doms[v].length - 1][1])
			);
			const sumLo = lo.reduce((a, b) => a + b, 0);
			const sumHi = hi.reduce((a, b) => a + b, 0);
			for (let k = 0; k < r.vars.length; k++) {
				// c·x = rhs − Σ others
				const a = r.rhs - (sumHi - hi[k]);
				const b = r.rhs - (sumLo - lo[k]);
				const c = r.coefs[k];
				const [xlo, xhi] =
					c > 0 ? [Math.ceil(a / c), Math.floor(b / c)] : [Math.ceil(b / c), Math.floor(a / c)];
				const v = r.vars[k];
				const before = dsize(doms[v]);
				doms[v] = dclip(doms[v], xlo, xhi);
				if (doms[v].length === 0) return false;
				if (dsize(doms[v]) < before) changed = true;
			}
		}
		if (!changed) return true;
	}
	return true;
}

/** A whole-number solution within the domains, trying the true values first; null when none. */
function solve(
	rows: LinRow[],
	doms: Dom[],
	truth: number[],
	budget: { n: number }
): number[] | null {
	if (--budget.n < 0) throw new OutOfBudget();
	if (!propagate(rows, doms)) return null;
	let pick = -1;
	doms.forEach((d, i) => {
		if (dsize(d) > 1 && (pick < 0 || dsize(d) < dsize(doms[pick]))) pick = i;
	});
	if (pick < 0) {
		const x = doms.map((d) => d[0][0]);
		return rows.every((r) => r.vars.reduce((s, v, k) => s + r.coefs[k] * x[v], 0) === r.rhs)
			? x
			: null;
	}
	const d = doms[pick];
	const t = truth[pick];
	let branches: Dom[];
	if (dhas(d, t)) branches = [[[t, t]], dclip(d, -CAP * 10, t - 1), dclip(d, t + 1, CAP * 10)];
	else {
		const mid = Math.floor((d[0][0] + d[d.length - 1][1]) / 2);
		branches = [dclip(d, -CAP * 10, mid), dclip(d, mid + 1, CAP * 10)];
	}
	for (const b of branches.filter((b) => b.length > 0)) {
		const next = doms.map((x) => x.map(([a, c]): [number, number] => [a, c]));
		next[pick] = b;
		const found = solve(rows, next, truth, budget);
		if (found) return found;
	}
	return null;
}

interface Unknown {
	name: string;
	/** The cell as printed in each version that prints it (withheld), or a helper's label. */
	seen: string[];
	truth: number;
	dom: Dom;
	/** A withheld cell (not a helper month or area that no version prints). */
	withheld: boolean;
	/** Printed as a number under rounding: a bounded unknown, not a constant. */
	rounded: boolean;
	/** Printed as `<t` somewhere. */
	small: boolean;
	/** A whole less its part (BOUNDS): a difference of two counts, not a count of its own. */
	rest?: boolean;
}

interface Analysis {
	problems: string[];
	/** Equations from the between-measure sums (MEASURE_SUMS). */
	sums: number;
	withheld: number;
	unknowns: number;
	equations: number;
	inexact: number;
}

/**
 * Everything a reader holding these versions of one summary can work out, and whether that
 * reveals a withheld count. Cells of the same key and the same exact value in two versions are the
 * same number (a reader may assume a cell unchanged).
 */
function analyse(versions: Version[], areas: string[]): Analysis {
	const problems: string[] = [];
	const vars = new Map<string, Unknown>();
	const constants = new Map<string, number>();
	const nameOf = (v: Version, id: string) => `${id}=${v.truth.get(id)}`;
	let withheldCells = 0;

	for (const v of versions) {
		const { threshold: t, rounding } = v.body.disclosure;
		const cells = printedCells(v.body);
		const byId = new Map<string, Printed>();
		for (const c of cells) {
			const truth = v.truth.get(c.id) as number;
			// Printed twice: the same number, withheld the same way.
			const first = byId.get(c.id);
			if (first && first.cell !== c.cell)
				problems.push(
					`${c.where} is ${JSON.stringify(c.cell)} but ${first.where} is ${JSON.stringify(first.cell)}`
				);
			if (!first) byId.set(c.id, c);
			// The cell tells the truth: small counts as <t, others exact (or to the nearest 5).
			if (truth >= 1 && truth < t && c.cell !== `<${t}`)
				problems.push(`${c.where}: ${truth} is below ${t} but printed ${JSON.stringify(c.cell)}`);
			if (c.cell === `<${t}` && !(truth >= 1 && truth < t))
				problems.push(`${c.where}: printed <${t} but is ${truth}`);
			if (c.cell === '[c]' && truth !== 0 && truth < t)
				problems.push(`${c.where}: [c] but ${truth} is small`);
			if (typeof c.cell === 'number') {
				const expected = rounding ? Math.round(truth / rounding) * rounding : truth;
				if (c.cell !== expected)
					problems.push(
						`${c.where}: printed ${c.cell}, exact ${truth}${rounding ? ' (nearest 5: ' + expected + ')' : ''}`
					);
			}
		}
		for (const c of byId.values()) {
			const name = nameOf(v, c.id);
			const truth = v.truth.get(c.id) as number;
			if (typeof c.cell === 'number' && !rounding) {
				constants.set(name, c.cell);
				continue;
			}
			if (typeof c.cell === 'string') withheldCells++;
			const dom = domainOf(c.cell, t, rounding);
			const u = vars.get(name);
			if (u) {
				u.dom = dnorm(u.dom.flatMap(([a, b]) => dclip(dom, a, b)));
				u.seen.push(`${c.where} ${JSON.stringify(c.cell)}`);
				u.withheld ||= typeof c.cell === 'string';
				u.rounded &&= typeof c.cell === 'number';
				u.small ||= c.cell === `<${t}`;
			} else
				vars.set(name, {
					name,
					seen: [`${c.where} ${JSON.stringify(c.cell)}`],
					truth,
					dom,
					withheld: typeof c.cell === 'string',
					rounded: typeof c.cell === 'number',
					small: c.cell === `<${t}`
				});
		}
	}
	// A number printed in one version is known in all: withholding it in another hides nothing.
	for (const [name, u] of vars)
		if (constants.has(name)) {
			if (u.withheld)
				problems.push(
					`${u.seen.join('; ')} is printed as ${constants.get(name)} in another version`
				);
			vars.delete(name);
		}

	// The relations, each checked exact on the version's own figures (a reader's relation only
	// reveals anything when it holds).
	const equations: { terms: [string, number][]; why: string }[] = [];
	let inexact = 0;
	let sums = 0;
	const seenEq = new Set<string>();
	for (const v of versions) {
		const cells = printedCells(v.body);
		for (const r of candidateRelations(cells, areas)) {
			const tv = v.truth.get(r.total) as number;
			const sum = r.parts.reduce((s, p) => s + (v.truth.get(p) as number), 0);
			if (sum !== tv) {
				if (r.exact)
					problems.push(
						`v${v.body.version} ${r.why} does not hold: ${r.total} is ${tv}, its parts add up to ${sum}`
					);
				inexact++;
				continue;
			}
			const terms: [string, number][] = [
				[nameOf(v, r.total), 1],
				...r.parts.map((p): [string, number] => [nameOf(v, p), -1])
			];
			for (const [name] of terms)
				if (!constants.has(name) && !vars.has(name)) {
					// A month or area no version prints: an unknown the reader knows nothing of (but that
					// it is not negative).
					const truth = Number(name.slice(name.lastIndexOf('=') + 1));
					const rest = name.startsWith(REST);
					if (truth < 0) problems.push(`${name}: a part is more than its whole`);
					vars.set(name, {
						name,
						seen: [`(not printed) ${name}`],
						truth,
						dom: [[0, CAP]],
						withheld: false,
						rounded: false,
						rest,
						small: false
					});
				}
			const sig = terms
				.map(([n, c]) => `${c}${n}`)
				.sort()
				.join(' ');
			if (seenEq.has(sig)) continue;
			seenEq.add(sig);
			if (MEASURE_SUMS.some((m) => m.why === r.why)) sums++;
			equations.push({ terms, why: `${r.why} (v${v.body.version})` });
		}
	}

	const names = [...vars.keys()];
	const index = new Map(names.map((n, i) => [n, i]));
	const truthVec = names.map((n) => (vars.get(n) as Unknown).truth);
	const lin: LinRow[] = [];
	const elimRows: Map<number, number>[] = [];
	for (const e of equations) {
		const coef = new Map<number, number>();
		let rhs = 0;
		const exact = new Map<number, number>();
		for (const [n, c] of e.terms) {
			if (constants.has(n)) rhs -= c * (constants.get(n) as number);
			else {
				const i = index.get(n) as number;
				coef.set(i, (coef.get(i) ?? 0) + c);
				// Elimination treats rounded printed counts as known (stricter than a reader has).
				if (!(vars.get(n) as Unknown).rounded) exact.set(i, (exact.get(i) ?? 0) + c);
			}
		}
		const vs = [...coef.keys()].filter((i) => coef.get(i) !== 0);
		if (vs.length === 0) continue;
		lin.push({ vars: vs, coefs: vs.map((i) => coef.get(i) as number), rhs });
		const ex = new Map([...exact].filter(([, c]) => c !== 0));
		if (ex.size > 0) elimRows.push(ex);
	}
	const label = (i: number) => {
		const u = vars.get(names[i]) as Unknown;
		return `${u.seen.join('; ')} (exact ${u.truth})`;
	};
	// A leak is a withheld cell, or a count no version prints that is small.
	const matters = (i: number) => {
		const u = vars.get(names[i]) as Unknown;
		return (
			u.withheld || (!u.rounded && !u.rest && u.truth >= 1 && u.truth < minThreshold(versions))
		);
	};

	// 1. Linear algebra: no withheld unknown is a fixed combination of printed numbers.
	for (const i of determinedByElimination(elimRows, names.length))
		if (matters(i)) problems.push(`${label(i)} is determined by the printed numbers (elimination)`);

	// 2. One equation at a time: a <t cell keeps at least two values given the others' markers.
	for (const r of lin)
		r.vars.forEach((i, k) => {
			const u = vars.get(names[i]) as Unknown;
			if (!u.small) return;
			let others: Dom = [[0, 0]];
			r.vars.forEach((j, m) => {
				if (m !== k) others = dadd(others, dscale((vars.get(names[j]) as Unknown).dom, r.coefs[m]));
			});
			// c·x = rhs − others, c = ±1
			const x = dscale(dadd([[r.rhs, r.rhs]], dneg(others)), r.coefs[k]);
			const values = dnorm(u.dom.flatMap(([a, b]) => dclip(x, a, b)));
			if (dsize(values) < 2)
				problems.push(`${label(i)} has ${dsize(values)} possible value(s) in one equation`);
		});

	// 3. The whole system within the markers' ranges: a second solution moves every withheld cell.
	const doms = names.map((n) => (vars.get(n) as Unknown).dom);
	const free = new Set<number>();
	const parent = names.map((_, i) => i);
	const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
	for (const r of lin) for (const i of r.vars) parent[find(i)] = find(r.vars[0]);
	for (let u = 0; u < names.length; u++) {
		if (!matters(u) || free.has(u)) continue;
		const comp = names.map((_, i) => i).filter((i) => find(i) === find(u));
		const local = new Map(comp.map((g, i) => [g, i]));
		const rows = lin
			.filter((r) => local.has(r.vars[0]))
			.map((r) => ({ ...r, vars: r.vars.map((g) => local.get(g) as number) }));
		const start = comp.map((g) => doms[g].map(([a, b]): [number, number] => [a, b]));
		const lu = local.get(u) as number;
		start[lu] = dwithout(start[lu], truthVec[u]);
		if (start[lu].length === 0) {
			problems.push(`${label(u)} can only be ${truthVec[u]} by its marker`);
			continue;
		}
		try {
			const sol = solve(
				rows,
				start,
				comp.map((g) => truthVec[g]),
				{ n: 20000 }
			);
			if (!sol) problems.push(`${label(u)} takes one value in every solution (search)`);
			else sol.forEach((x, i) => x !== truthVec[comp[i]] && free.add(comp[i]));
		} catch (e) {
			if (!(e instanceof OutOfBudget)) throw e;
			problems.push(`${label(u)}: the search for a second solution ran out of budget`);
		}
	}
	return {
		problems,
		sums,
		withheld: withheldCells,
		unknowns: names.length,
		equations: lin.length,
		inexact
	};
}

function minThreshold(versions: Version[]): number {
	return Math.min(...versions.map((v) => v.body.disclosure.threshold));
}

/** Rates and ratios a reader could turn back into a withheld or exact count; medians over few cases. */
function rateProblems(v: Version): string[] {
	const problems: string[] = [];
	const { rate_min_denominator: rmd, rounding } = v.body.disclosure;
	for (const sec of v.body.sections)
		for (const t of sec.tables)
			t.rows.forEach((row) => {
				const at = `v${v.body.version} ${t.id} "${String(Object.values(row)[0])}"`;
				const counts = t.columns.filter((c) => c.type === 'count');
				/** The count column of a measure in this table. */
				const columnOf = (measure: string) => counts.find((c) => measureOf(t.id, c) === measure);
				const truthOf = (measure: string) =>
					v.truth.get(keyId(rowKey(v.body, t.id, row, measure))) as number;
				t.columns.forEach((c, i) => {
					if (c.type === 'rate') {
						// A journey step's share is of the crimes recorded (metrics.md "The journey").
						const step = t.id === 'safeguarding-journey' ? t.columns[i - 1] : undefined;
						const [num, den] = step ? [measureOf(t.id, step), 'recorded'] : (RATES[c.key] ?? []);
						if (!num) {
							problems.push(`${t.id}: rate ${c.key} is not one this test knows`);
							return;
						}
						const [numCol, denCol] = [columnOf(num), columnOf(den)];
						if (!numCol || !denCol || c.numerator !== numCol.key || c.denominator !== denCol.key) {
							problems.push(
								`${t.id}.${c.key} is declared ${c.numerator}/${c.denominator}, not ${num}/${den}`
							);
							return;
						}
						const [n, d] = [row[numCol.key], row[denCol.key]];
						const exactDen = truthOf(den);
						const mustBeNull =
							typeof n === 'string' || typeof d === 'string' || exactDen < rmd || exactDen === 0;
						const cell = row[c.key];
						if (mustBeNull) {
							if (cell !== null)
								problems.push(
									`${at} ${c.key} is ${cell} beside ${num} ${JSON.stringify(n)} / ${den} ${JSON.stringify(d)} (exact denominator ${exactDen})`
								);
							return;
						}
						const expected = rounding
							? (d as number) === 0
								? null
								: (n as number) / (d as number)
							: truthOf(num) / exactDen;
						if (
							expected === null
								? cell !== null
								: typeof cell !== 'number' || Math.abs(cell - expected) > 1e-12
						)
							problems.push(
								`${at} ${c.key} is ${cell}, expected ${expected}${rounding ? ' (from the rounded counts)' : ''}`
							);
					}
					if (c.type === 'median') {
						const cases = MEDIANS[c.key];
						if (!cases || c.cases !== columnOf(cases)?.key) {
							problems.push(`${t.id}: median ${c.key} over ${c.cases} is not one this test knows`);
							return;
						}
						const k = rowKey(v.body, t.id, row, cases);
						const exact = v.source?.medianDays(k.from, k.to);
						if (!exact) return;
						if (exact.cases !== truthOf(cases))
							problems.push(
								`${at} ${c.key}: ${exact.cases} cases, but ${cases} is ${truthOf(cases)}`
							);
						const expected = exact.cases < STATISTIC_MIN_CASES ? null : exact.median;
						if (row[c.key] !== expected)
							problems.push(
								`${at} ${c.key} is ${row[c.key]}, expected ${expected} (over ${exact.cases} cases)`
							);
					}
					if (
						t.id === 'recorded-against-estimate' &&
						(c.type === 'ratio' || c.type === 'estimate')
					) {
						const recorded = row.recorded;
						// ratio = recorded ÷ estimate, not-recorded = estimate − recorded: either gives it back.
						if (
							typeof recorded === 'string' &&
							['reporting_ratio', 'estimated_unreported'].includes(c.key) &&
							row[c.key] !== null
						)
							problems.push(`${at} ${c.key} is ${row[c.key]} beside recorded ${recorded}`);
					}
				});
				// recorded = ratio × estimate, and anyone can work the estimate out (the survey rate times
				// the population, both published): with rounding the ratio must come from the rounded count.
				if (t.id === 'recorded-against-estimate' && typeof row.reporting_ratio === 'number') {
					const est = v.estimates?.get(String(row.fy));
					const recorded = rounding ? (row.recorded as number) : truthOf('recorded');
					if (est === undefined) problems.push(`${at}: no estimate of this test's for ${row.fy}`);
					else if (Math.abs(row.reporting_ratio - recorded / est) > 1e-12)
						problems.push(
							`${at}: reporting_ratio ${row.reporting_ratio} is not ${recorded} ÷ ${est}${rounding ? ` (it gives back the exact count ${Math.round(row.reporting_ratio * est)})` : ''}`
						);
					if (est !== undefined && row.estimated_victims !== Math.round(est / 10) * 10)
						problems.push(
							`${at}: estimated_victims ${row.estimated_victims} is not ${est} to the nearest 10`
						);
				}
			});
	return problems;
}

// ---------------------------------------------------------------------------------------------
// Walking every number a reader is given: the JSON, the HTML page and the CSV.

/** A count cell as published: 0, a whole number ≥ t (a multiple of 5 with rounding), `<t` or `[c]`. */
function countCellProblem(cell: unknown, t: number, rounding: number | null): string | null {
	if (typeof cell === 'number') {
		if (!Number.isInteger(cell) || cell < 0) return `not a whole number: ${cell}`;
		if (cell !== 0 && cell < t) return `${cell} is below the threshold ${t}`;
		if (rounding && cell % rounding !== 0) return `${cell} is not a multiple of ${rounding}`;
		return null;
	}
	return cell === `<${t}` || cell === '[c]'
		? null
		: `not a count or a marker: ${JSON.stringify(cell)}`;
}

function walkJson(s: PublicSummary): number {
	const { threshold: t, rounding } = s.disclosure;
	let n = 0;
	for (const sec of s.sections)
		for (const tb of sec.tables)
			for (const row of tb.rows)
				for (const c of tb.columns.filter((c) => c.type === 'count')) {
					expect(countCellProblem(row[c.key], t, rounding), `${tb.id}.${c.key}`).toBeNull();
					n++;
				}
	return n;
}

const text = (html: string) =>
	html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<[^>]*>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.trim();

/** A count as the page prints it: `1,234`, or the marker. */
function readPrintedCount(s: string): number | string {
	return /^\d{1,3}(,\d{3})*$/.test(s) ? Number(s.replace(/,/g, '')) : s;
}

function walkHtml(html: string, s: PublicSummary): { cells: number; labels: number } {
	const { threshold: t, rounding } = s.disclosure;
	const figures = new Map<string, string>();
	for (const m of html.matchAll(
		/<figure\b[^>]*aria-labelledby="([^"]+)-h"[^>]*>([\s\S]*?)<\/figure>/g
	))
		figures.set(m[1], m[2]);
	const tables = s.sections.flatMap((sec) => sec.tables);
	expect([...figures.keys()]).toEqual(tables.map((tb) => tb.id));
	let cells = 0;
	let labels = 0;
	for (const tb of tables) {
		const fig = figures.get(tb.id) as string;
		const table = /<table\b[\s\S]*?<\/table>/.exec(fig)?.[0] ?? '';
		const head = /<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '';
		const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
		const ths = [...head.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1]));
		expect(ths, `${tb.id} header`).toEqual(tb.columns.map((c) => c.label));
		const rows = [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
			[...m[1].matchAll(/<(th|td)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((c) => text(c[2]))
		);
		expect(rows.length, `${tb.id} rows`).toBe(tb.rows.length);
		rows.forEach((cellsOfRow, i) => {
			expect(cellsOfRow.length, `${tb.id} row ${i} cells`).toBe(tb.columns.length);
			tb.columns.forEach((c, j) => {
				const printed = cellsOfRow[j];
				const json = tb.rows[i][c.key];
				if (c.type === 'count') {
					const v = readPrintedCount(printed);
					expect(
						countCellProblem(v, t, rounding),
						`${tb.id} row ${i} ${c.key}: "${printed}"`
					).toBeNull();
					expect(v, `${tb.id} row ${i} ${c.key}`).toEqual(json);
					cells++;
				} else if (c.type === 'rate' || c.type === 'ratio' || c.type === 'median') {
					expect(printed === '–', `${tb.id} row ${i} ${c.key} "${printed}" vs ${json}`).toBe(
						json === null
					);
				}
			});
		});
		// The charts: every value label (and the text alternative) of a count panel.
		const chartRows = tb.total_row ? tb.rows.slice(0, -1) : tb.rows;
		for (const m of fig.matchAll(/<svg\b([^>]*)>([\s\S]*?)<\/svg>/g)) {
			const labelledBy = /aria-labelledby="([^"]+)"/.exec(m[1])?.[1].split(' ')[0] ?? '';
			const key = labelledBy.slice(tb.id.length + 1).replace(/-t$/, '');
			const col = tb.columns.find((c) => c.key === key);
			const values = [
				...m[2].matchAll(/<text\b[^>]*class="[^"]*\bvalue\b[^"]*"[^>]*>([\s\S]*?)<\/text>/g)
			].map((x) => text(x[1]));
			if (!col) {
				expect(tb.chart?.kind, `${tb.id}: an unlabelled panel is the rates' line chart`).toBe(
					'lines'
				);
				expect(values).toEqual([]);
				continue;
			}
			expect(values.length, `${tb.id} ${key} value labels`).toBe(chartRows.length);
			const desc = text(/<desc\b[^>]*>([\s\S]*?)<\/desc>/.exec(m[2])?.[1] ?? '');
			const described = desc
				.slice(desc.indexOf(': ') + 2)
				.replace(/\.$/, '')
				.split(', ')
				.map((p) => p.slice(p.lastIndexOf(' ') + 1));
			expect(described.length, `${tb.id} ${key} description`).toBe(chartRows.length);
			chartRows.forEach((row, i) => {
				if (col.type === 'count') {
					for (const shown of [values[i], described[i]]) {
						const v = readPrintedCount(shown);
						expect(countCellProblem(v, t, rounding), `${tb.id} chart ${key} "${shown}"`).toBeNull();
						expect(v).toEqual(row[key]);
						labels++;
					}
				} else
					expect(values[i] === '–', `${tb.id} chart ${key} "${values[i]}"`).toBe(row[key] === null);
			});
		}
	}
	return { cells, labels };
}

/** Every number in a section's sentence is a count or estimate its tables print (or the marker's). */
function walkWords(s: PublicSummary): number {
	const t = s.disclosure.threshold;
	let n = 0;
	for (const sec of s.sections) {
		const printed = new Set(
			sec.tables.flatMap((tb) =>
				tb.rows.flatMap((r) =>
					tb.columns
						.filter((c) => c.type === 'count' || c.type === 'estimate')
						.map((c) => r[c.key])
						.filter((x) => typeof x === 'number')
				)
			)
		);
		const rest = sec.summary
			.replace(/\b\d{4}\/\d{2}\b/g, '')
			.replace(/\b(19|20)\d{2}\b/g, '')
			.replace(/\d+(\.\d+)?%/g, '')
			.replace(/\b12 months\b/g, '')
			// The setting's window ("risk assessed within 2 days"), not a count.
			.replace(/\bwithin \d+ days?\b/g, '')
			.replace(new RegExp(`fewer than ${t}\\b`, 'g'), '');
		for (const m of rest.matchAll(/\d{1,3}(,\d{3})+|\d+/g)) {
			expect(
				printed.has(Number(m[0].replace(/,/g, ''))),
				`${sec.id}: "${m[0]}" in "${sec.summary}"`
			).toBe(true);
			n++;
		}
	}
	return n;
}

function walkCsv(csv: string, s: PublicSummary): number {
	const { threshold: t, rounding } = s.disclosure;
	const lines = Papa.parse<string[]>(csv.replace(/\r\n$/, ''), { skipEmptyLines: false }).data;
	const tables = s.sections.flatMap((sec) => sec.tables);
	const starts = lines.map((l, i) => (l[0] === 'Table' ? i : -1)).filter((i) => i >= 0);
	expect(starts.map((i) => lines[i][1])).toEqual(tables.map((tb) => tb.id));
	let n = 0;
	tables.forEach((tb, k) => {
		const at = starts[k];
		expect(lines[at + 1]).toEqual(tb.columns.map((c) => c.label));
		const rows = lines.slice(at + 2, at + 2 + tb.rows.length);
		expect(
			lines[at + 2 + tb.rows.length] ?? [''],
			`${tb.id}: the block ends after its rows`
		).toEqual(['']);
		rows.forEach((cells, i) => {
			expect(cells.length).toBe(tb.columns.length);
			tb.columns.forEach((c, j) => {
				if (c.type !== 'count') return;
				const raw = cells[j];
				const v = /^\d+$/.test(raw) ? Number(raw) : raw;
				expect(
					countCellProblem(v, t, rounding),
					`${tb.id} csv row ${i} ${c.key}: "${raw}"`
				).toBeNull();
				expect(v, `${tb.id} csv row ${i} ${c.key}`).toEqual(tb.rows[i][c.key]);
				n++;
			});
		});
	});
	return n;
}

// ---------------------------------------------------------------------------------------------
// The database: the sample, loaded once through the real upload path.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
const config: Config = {
	...readConfig({ DATA_DIR: path.join(root, 'data') }),
	databasePath: path.join(root, 'publish.duckdb'),
	sampleData: true
};
const ACTOR = { name: 'test-publisher', address: '192.0.2.7' };
const ALL_SECTIONS = [
	'arrests_and_charges',
	'under_reporting',
	'identification',
	'training',
	'safeguarding'
];
let db: Db;
let completeTo: string;
let sampleSeconds = 0;

/** Every publication, revision and withdrawal this file makes, for the audit check at the end. */
const audited: { action: string; target: string }[] = [];

interface Published {
	slug: string;
	version: number;
	stored: string;
	body: PublicSummary;
	html: string;
	csv: string;
	request: SummaryRequest;
}
const published: Published[] = [];

beforeAll(async () => {
	db = await openDb(config.databasePath, { dataDir: config.dataDir });
	const t0 = performance.now();
	const r = await loadSampleIfEmpty(db, config, () => {});
	expect(r.loaded).toBe(true);
	sampleSeconds = (performance.now() - t0) / 1000;
	completeTo = (await datasetAsAt(db)).complete_to;
});

afterAll(async () => {
	await db?.close();
	fs.rmSync(root, { recursive: true, force: true });
});

function request(body: Record<string, unknown>): SummaryRequest {
	return parseSummaryRequest(
		{
			sections: ALL_SECTIONS,
			area_level: 'force',
			commentary: 'Figures for the Police and Crime Panel. Support: call 0808 800 0340.',
			support_lines: [{ name: 'Police (non-emergency)', phone: '101' }],
			...body
		},
		completeTo
	);
}

/** Compose, publish and read back as the public routes do (the frozen bytes). */
async function publish(req: SummaryRequest): Promise<Published> {
	const draft = await createDraft(db, req, ACTOR);
	const p = await publishDraft(db, draft.id, ACTOR);
	audited.push({ action: 'publication', target: `${p.slug} v${p.version}` });
	const stored = await getVersion(db, p.slug, p.version);
	expect(stored).not.toBeNull();
	const body = JSON.parse(stored!.body) as PublicSummary;
	const out = {
		slug: p.slug,
		version: p.version,
		stored: stored!.body,
		body,
		html: summaryHtml(body, 'current', [1]),
		csv: summaryCsv(body),
		request: req
	};
	published.push(out);
	return out;
}

/** A CSV of crimes loaded (merge) through loadExtract, taken on the sample's as-at date. */
async function loadCrimes(name: string, rows: string[][]): Promise<void> {
	const tmp = path.join(config.dataDir, 'tmp');
	fs.mkdirSync(tmp, { recursive: true });
	const file = path.join(tmp, name);
	const header =
		'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref';
	fs.writeFileSync(file, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
	const outcome = await loadExtract(
		db,
		{ path: file, fileName: name },
		{ kind: 'crimes', mode: 'merge', asOf: SAMPLE_AS_OF, user: 'test-analyst', config }
	);
	expect(outcome.ok, JSON.stringify(outcome.ok ? null : outcome.error)).toBe(true);
	fs.rmSync(file);
}

async function refusal(p: Promise<unknown>): Promise<HttpError> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(HttpError);
	return e as HttpError;
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: every summary of the sample, every number walked, nothing recoverable.

const PERIODS: [string, string][] = [
	['quarter', '2024-12'],
	['quarter', '2025-03'],
	['financial_year', '2024-03'],
	['financial_year', '2025-03'],
	['rolling_12', '2024-12'],
	['rolling_12', '2025-03']
];

// The spec's default, the two settings asked for, and two more thresholds under which the sample's
// figures need further withheld cells ([c]) in several summaries.
const VARIANTS = [
	{ name: 'threshold 5', threshold: 5, round: false },
	{ name: 'threshold 10', threshold: 10, round: false },
	{ name: 'round to 5', threshold: 5, round: true },
	{ name: 'threshold 3', threshold: 3, round: false },
	{ name: 'threshold 40', threshold: 40, round: false }
];

const totals = {
	summaries: 0,
	json: 0,
	html: 0,
	svg: 0,
	csv: 0,
	words: 0,
	withheld: 0,
	secondary: 0,
	unknowns: 0,
	equations: 0,
	inexact: 0
};
/** The safeguarding section's share: its count cells walked, withheld and withheld as [c]. */
const safeguardingTotals = {
	summaries: 0,
	cells: 0,
	withheld: 0,
	secondary: 0,
	/** Journey cells, each the same key as a cell of another table of the summary. */
	journeyShared: 0,
	medians: 0,
	/** Equations of the checker's between-measure sums (orders' statuses, recorded as stalking). */
	sums: 0,
	/** Withheld cells by table:column, over every summary. */
	where: {} as Record<string, number>
};

/** The safeguarding section is there with its four tables; tally its cells. */
function tallySafeguarding(s: PublicSummary) {
	const sec = s.sections.find((x) => x.id === 'safeguarding');
	expect(sec, `${s.slug}: the safeguarding section`).toBeDefined();
	expect(sec!.tables.map((t) => t.id)).toEqual(SAFEGUARDING_TABLES);
	// The journey's steps: every kind is loaded, so all six, each the same number as elsewhere.
	const journey = sec!.tables.find((t) => t.id === 'safeguarding-journey')!;
	expect(
		journey.columns.filter((c) => c.type === 'count').map((c) => measureOf(journey.id, c))
	).toEqual(JOURNEY_STEPS.map(([, m]) => m));
	const all = printedCells(s);
	const cells = all.filter((c) => SAFEGUARDING_TABLES.includes(c.table));
	// Each journey step is printed in another table too: the same key, so the same number and
	// withheld the same way (analyse checks both).
	for (const c of cells.filter((c) => c.table === journey.id)) {
		const elsewhere = all.filter((o) => o.id === c.id && o.table !== journey.id);
		expect(elsewhere.length, `${c.where} is printed in another table`).toBeGreaterThan(0);
		safeguardingTotals.journeyShared++;
	}
	for (const c of cells.filter((c) => typeof c.cell === 'string')) {
		const k = `${c.table}:${c.column}:${c.cell === '[c]' ? '[c]' : '<t'}`;
		safeguardingTotals.where[k] = (safeguardingTotals.where[k] ?? 0) + 1;
	}
	safeguardingTotals.summaries++;
	safeguardingTotals.cells += cells.length;
	safeguardingTotals.withheld += cells.filter((c) => typeof c.cell === 'string').length;
	safeguardingTotals.secondary += cells.filter((c) => c.cell === '[c]').length;
	const orders = sec!.tables.find((t) => t.id === 'safeguarding-orders')!;
	if (typeof orders.rows[0].median_days_to_application === 'number') safeguardingTotals.medians++;
}

async function useSettings(threshold: number, round: boolean) {
	await setSetting(db, 'suppression_threshold', threshold, 'test-admin');
	await setSetting(db, 'round_to_5', round, 'test-admin');
}

describe('every published summary of the sample', () => {
	it('covers every section a summary can hold (a new section needs its tables taught to this file)', () => {
		expect([...SECTION_IDS]).toEqual(ALL_SECTIONS);
	});

	it("counts stalking as the spec's default group, 8Q alone, as this file's SQL does, and says so", async () => {
		const group = await db.all<{ code: string }>(
			"SELECT offence_code AS code FROM offence_groups WHERE group_name = 'stalking' ORDER BY 1"
		);
		expect(group.map((g) => g.code)).toEqual(['8Q']);
		const s = (
			await compose(db, request({ title: 'Method', period: { kind: 'quarter', to: '2025-03' } }), {
				slug: 'method',
				version: 1,
				revision: null
			})
		).body;
		const method = s.sections.find((x) => x.id === 'arrests_and_charges')?.method ?? '';
		const sentence = /[^.]*"stalking" group[^.]*\./.exec(method)?.[0] ?? '';
		const named = [...sentence.matchAll(/\b\d{1,2}[A-Z]{1,2}\b/g)].map((m) => m[0]);
		expect(named, sentence).toEqual(['8Q']);
	});

	it('uses only complete months', () => {
		expect(completeTo).toBe('2025-03');
		for (const [, to] of PERIODS) expect(to <= completeTo).toBe(true);
	});

	for (const v of VARIANTS) {
		it(`${v.name}: every count in the JSON, HTML and CSV is 0, ≥ ${v.threshold}, <${v.threshold} or [c], and no withheld count can be worked out`, async () => {
			await useSettings(v.threshold, v.round);
			try {
				const truth = await Truth.of(db);
				for (const [kind, to] of PERIODS)
					for (const level of ['force', 'districts']) {
						const p = await publish(
							request({
								title: `Stalking ${v.name} ${kind} ${to} ${level}`,
								period: { kind, to },
								area_level: level
							})
						);
						const s = p.body;
						expect(s.disclosure).toMatchObject({
							threshold: v.threshold,
							rounding: v.round ? 5 : null,
							rate_min_denominator: 10
						});
						expect(s.sections.map((x) => x.id)).toEqual(ALL_SECTIONS);
						tallySafeguarding(s);
						totals.json += walkJson(s);
						const h = walkHtml(p.html, s);
						totals.html += h.cells;
						totals.svg += h.labels;
						totals.csv += walkCsv(p.csv, s);
						totals.words += walkWords(s);
						const version = await versionOf(db, truth, s);
						const a = analyse([version], truth.areas);
						expect(a.problems, `${p.slug}`).toEqual([]);
						expect(rateProblems(version), `${p.slug}`).toEqual([]);
						totals.summaries++;
						totals.withheld += a.withheld;
						totals.secondary += printedCells(s).filter((c) => c.cell === '[c]').length;
						totals.unknowns += a.unknowns;
						totals.equations += a.equations;
						totals.inexact += a.inexact;
						safeguardingTotals.sums += a.sums;
					}
			} finally {
				await useSettings(DEFAULT_SETTINGS.suppression_threshold, DEFAULT_SETTINGS.round_to_5);
			}
		});
	}

	it('walked them all', () => {
		console.info(
			`publish: sample loaded in ${sampleSeconds.toFixed(1)} s; ${JSON.stringify(totals)}; safeguarding ${JSON.stringify(safeguardingTotals)}`
		);
		expect(totals.summaries).toBe(PERIODS.length * 2 * VARIANTS.length);
		// The checks were exercised: cells withheld, some only to stop subtraction.
		expect(totals.withheld).toBeGreaterThan(0);
		expect(totals.secondary).toBeGreaterThan(0);
		expect(safeguardingTotals.summaries).toBe(totals.summaries);
		expect(safeguardingTotals.withheld).toBeGreaterThan(0);
		expect(safeguardingTotals.secondary).toBeGreaterThan(0);
		expect(safeguardingTotals.sums).toBeGreaterThan(0);
	});

	// The safeguarding settings change what is counted: this file's SQL follows them. Force level
	// and the default disclosure only (the settings matrix above is not repeated: the safeguarding
	// tables are the force's alone, and these runs are about the figures, not the markers).
	const SAFEGUARDING_SETTINGS: SafeguardingSettings[] = [
		{ riskAssessmentDays: 0, orderTypes: ['spo'] },
		{ riskAssessmentDays: 7, orderTypes: ['spo', 'interim_spo', 'dvpo'] }
	];
	for (const sg of SAFEGUARDING_SETTINGS) {
		it(`safeguarding within ${sg.riskAssessmentDays} days, orders ${sg.orderTypes.join(' + ')}: the figures follow the settings, and no withheld count can be worked out`, async () => {
			await setSetting(db, 'risk_assessment_days', sg.riskAssessmentDays, 'test-admin');
			await setSetting(db, 'order_types', sg.orderTypes as never, 'test-admin');
			try {
				const truth = await Truth.of(db, sg);
				let n = 0;
				for (const [kind, to] of PERIODS) {
					const req = request({
						title: `Safeguarding settings ${kind} ${to}`,
						period: { kind, to }
					});
					const { body } = await compose(db, req, { slug: 'settings', version: 1, revision: null });
					tallySafeguarding(body);
					const risk = body.sections
						.flatMap((x) => x.tables)
						.find((t) => t.id === 'safeguarding-risk')!;
					expect(risk.columns.find((c) => c.key === 'risk_assessed')?.label).toBe(
						`Risk assessed within ${sg.riskAssessmentDays} days`
					);
					n += walkJson(body);
					walkHtml(summaryHtml(body, 'preview', []), body);
					walkCsv(summaryCsv(body), body);
					walkWords(body);
					const version = await versionOf(db, truth, body);
					const a = analyse([version], truth.areas);
					expect(a.problems, `${kind} ${to}`).toEqual([]);
					expect(rateProblems(version), `${kind} ${to}`).toEqual([]);
				}
				expect(n).toBeGreaterThan(0);
			} finally {
				await setSetting(
					db,
					'risk_assessment_days',
					DEFAULT_SETTINGS.risk_assessment_days,
					'test-admin'
				);
				await setSetting(db, 'order_types', DEFAULT_SETTINGS.order_types, 'test-admin');
			}
		});
	}

	// The checker's safeguarding relations are not idle: print a [c] of a published summary as its
	// number and the cell it protected is worked out; the same for a journey step printed where the
	// other table withholds it, and for crimes recorded hidden while "recorded as stalking" shows them.
	it("the checker's safeguarding relations catch what the [c] cells stop", async () => {
		const truth = await Truth.of(db);
		let caught = 0;
		const kinds = new Set<string>();
		for (const p of published.filter((p) => p.body.disclosure.rounding === null)) {
			const version = await versionOf(db, truth, p.body);
			const cells = printedCells(p.body);
			for (const c of cells)
				if (SAFEGUARDING_TABLES.includes(c.table) && c.cell === '[c]') {
					// Printed as its number wherever the summary prints it.
					const body = structuredClone(p.body);
					const tables = body.sections.flatMap((x) => x.tables);
					for (const same of cells.filter((x) => x.id === c.id))
						tables.find((t) => t.id === same.table)!.rows[same.row][same.column] =
							version.truth.get(c.id) as number;
					const { problems } = analyse([{ ...version, body }], truth.areas);
					expect(
						problems.some((x) => /elimination|one equation|search|by its marker/.test(x)),
						`${c.where} printed as its number: ${problems.join('; ') || 'nothing found'}`
					).toBe(true);
					caught++;
					kinds.add(`${c.table}:${c.column}`);
				}
		}
		expect(caught).toBeGreaterThan(0);
		// Among them a status of the orders' row, caught only by applied = granted + … + pending.
		expect([...kinds].some((k) => k.startsWith('safeguarding-orders:'))).toBe(true);

		// A journey step withheld in the other table it is printed in, printed in the journey.
		const shared = published
			.flatMap((p) => printedCells(p.body).map((c) => ({ p, c })))
			.find(({ c }) => c.table === 'safeguarding-journey' && typeof c.cell === 'string');
		expect(shared, 'a withheld journey step').toBeDefined();
		{
			const { p, c } = shared!;
			const version = await versionOf(db, truth, p.body);
			const body = structuredClone(p.body);
			const journey = body.sections.flatMap((x) => x.tables).find((t) => t.id === c.table)!;
			journey.rows[c.row][c.column] = version.truth.get(c.id) as number;
			const { problems } = analyse([{ ...version, body }], truth.areas);
			expect(problems.some((x) => x.includes(`${c.where} is `) && x.includes(' but '))).toBe(true);
		}

		// Crimes recorded in a month and the period withheld in the safeguarding tables (the only
		// ones in this summary): the month's "recorded as stalking" gives it, unless withheld too.
		const req = request({
			title: 'Safeguarding alone',
			period: { kind: 'quarter', to: '2025-03' },
			sections: ['safeguarding']
		});
		const { body } = await compose(db, req, { slug: 'alone', version: 1, revision: null });
		const version = await versionOf(db, truth, body);
		expect(analyse([version], truth.areas).problems).toEqual([]);
		const hide = (measures: string[]) => {
			const b = structuredClone(body);
			for (const t of b.sections.flatMap((x) => x.tables))
				t.rows.forEach((row) => {
					for (const col of t.columns) {
						const m = col.type === 'count' ? measureOf(t.id, col) : '';
						const label = String(Object.values(row)[0]);
						if (measures.includes(m) && (label === '2025-01' || !/^\d{4}-\d{2}$/.test(label)))
							row[col.key] = '[c]';
					}
				});
			return b;
		};
		const hidden = hide(['recorded']);
		const v1 = await versionOf(db, truth, hidden);
		const found = analyse([v1], truth.areas).problems;
		expect(found.some((x) => x.includes('"2025-01" recorded'))).toBe(true);
		const both = hide(['recorded', 'stalking_recorded']);
		expect(analyse([await versionOf(db, truth, both)], truth.areas).problems).toEqual([]);
		console.info(
			`publish: safeguarding checker — ${caught} [c] cells printed as their number each give a withheld cell away (${[...kinds].join(', ')})`
		);
	});
});

// ---------------------------------------------------------------------------------------------
// The checker can fail: hand-made summaries with a recoverable cell, each caught by one of its three
// tests, and two that are safe.

type FixtureTable = { id: 'crimes-by-month' | 'crimes-by-area'; rows: [string, Cell][] };

function fixtureSummary(tables: FixtureTable[], version = 1, to = '2024-06'): PublicSummary {
	return {
		slug: 'fixture',
		version,
		title: 'Fixture',
		published_at: null,
		period: { kind: 'quarter', from: '2024-04', to, label: '' },
		data_to: null,
		area_level: 'districts',
		disclosure: { threshold: 5, rounding: null, rate_min_denominator: 10, note: '' },
		commentary: '',
		support_lines: [],
		revision: null,
		sections: [
			{
				id: 'arrests_and_charges',
				title: 'Arrests and charges',
				summary: '',
				method: '',
				tables: tables.map((t) => {
					const by = t.id === 'crimes-by-month' ? 'month' : 'area';
					return {
						id: t.id,
						title: t.id,
						columns: [
							{ key: by, label: by, type: by === 'month' ? 'month' : 'text' },
							{ key: 'recorded', label: 'Recorded', type: 'count' }
						],
						rows: t.rows.map(([label, cell]) => ({ [by]: label, recorded: cell })),
						total_row: true,
						chart: null
					};
				})
			}
		]
	} as PublicSummary;
}

/** Exact figures of a fixture: crimes recorded per area and month. */
function fixtureVersion(
	body: PublicSummary,
	grid: Record<string, Record<string, number>>
): Version {
	const areas = Object.keys(grid);
	const value = (k: Key) =>
		monthsOf(k.from, k.to).reduce(
			(n, m) =>
				n + (k.area === FORCE ? areas : [k.area]).reduce((s, a) => s + (grid[a][m] ?? 0), 0),
			0
		);
	const cells = printedCells(body);
	const ids = new Set([
		...cells.map((c) => c.id),
		...relationKeys(candidateRelations(cells, areas))
	]);
	return { body, truth: new Map([...ids].map((id) => [id, value(parseKey(id))])) };
}

describe("the test's own disclosure checker", () => {
	const months = (a: Cell, b: Cell, c: Cell | null, total: Cell): FixtureTable => ({
		id: 'crimes-by-month',
		rows: [
			['2024-04', a],
			['2024-05', b],
			...(c === null ? [] : [['2024-06', c] as [string, Cell]]),
			['Total', total]
		]
	});

	it('flags a single <5 beside a printed total (elimination)', () => {
		const v = fixtureVersion(fixtureSummary([months(10, '<5', 12, 25)]), {
			A: { '2024-04': 10, '2024-05': 3, '2024-06': 12 }
		});
		const { problems } = analyse([v], ['A']);
		expect(
			problems.some((p) => p.includes('"2024-05" recorded') && p.includes('(elimination)'))
		).toBe(true);
		expect(problems.some((p) => p.includes('(exact 3)'))).toBe(true);
	});

	it('flags <5 + [c] = 6, which only 1 + 5 solves (one equation and the markers)', () => {
		const v = fixtureVersion(fixtureSummary([months('<5', '[c]', 0, 6)]), {
			A: { '2024-04': 1, '2024-05': 5 }
		});
		const { problems } = analyse([v], ['A']);
		expect(problems.some((p) => p.includes('(elimination)'))).toBe(false);
		expect(problems.some((p) => p.includes('"2024-04"') && p.includes('in one equation'))).toBe(
			true
		);
	});

	it('flags a cell only the two tables together pin (the whole-system search)', () => {
		// Months: total = 10 + <5, so 11..14. Areas: total = 14 + [c], so 14 or 19 and over. Only 14.
		const v = fixtureVersion(
			fixtureSummary(
				[
					months('<5', 10, null, '[c]'),
					{
						id: 'crimes-by-area',
						rows: [
							['A', 14],
							['B', '[c]'],
							['Whole force', '[c]']
						]
					}
				],
				1,
				'2024-05'
			),
			{ A: { '2024-04': 4, '2024-05': 10 }, B: {} }
		);
		const { problems } = analyse([v], ['A', 'B']);
		expect(problems.some((p) => p.includes('(elimination)') || p.includes('in one equation'))).toBe(
			false
		);
		expect(problems.some((p) => p.includes('"2024-04"') && p.includes('(search)'))).toBe(true);
	});

	it('passes cells a reader cannot pin', () => {
		const v = fixtureVersion(fixtureSummary([months('<5', '<5', 10, 14)]), {
			A: { '2024-04': 2, '2024-05': 2, '2024-06': 10 }
		});
		expect(analyse([v], ['A']).problems).toEqual([]);
	});

	it('flags a [c] part under a <5 whole, which only 0 fits (a part within its whole); passes it under 12', () => {
		const risk = (high: Cell): PublicSummary => {
			const body = fixtureSummary([], 1, '2024-04');
			body.sections = [
				{
					id: 'safeguarding',
					title: '',
					summary: '',
					method: '',
					tables: [
						{
							id: 'safeguarding-risk',
							title: '',
							columns: [
								{ key: 'month', label: 'Month', type: 'month' },
								{ key: 'recorded', label: 'Recorded', type: 'count' },
								{ key: 'risk_high', label: 'High', type: 'count' },
								{ key: 'marac_referred_high', label: 'MARAC', type: 'count' }
							],
							rows: [
								{ month: '2024-04', recorded: 50, risk_high: high, marac_referred_high: '[c]' }
							],
							total_row: false,
							chart: null
						}
					]
				}
			];
			return body;
		};
		const version = (body: PublicSummary, high: number): Version => {
			const exact: Record<string, number> = {
				recorded: 50,
				risk_high: high,
				marac_referred_high: 0
			};
			const cells = printedCells(body);
			const ids = new Set([
				...cells.map((c) => c.id),
				...relationKeys(candidateRelations(cells, []))
			]);
			const value = (m: string): number =>
				m.startsWith(REST)
					? value(m.slice(REST.length).split(':')[0]) - value(m.slice(REST.length).split(':')[1])
					: (exact[m] ?? 0);
			return { body, truth: new Map([...ids].map((id) => [id, value(parseKey(id).measure)])) };
		};
		const { problems } = analyse([version(risk('<5'), 3)], []);
		expect(problems.some((p) => p.includes('marac_referred_high "[c]"'))).toBe(true);
		expect(analyse([version(risk(12), 12)], []).problems).toEqual([]);
	});

	it('flags a cell withheld in v1 and printed, unchanged, in v2; passes a changed one withheld again', () => {
		const grid1 = { A: { '2024-04': 10, '2024-05': 3, '2024-06': 8 } };
		const v1 = fixtureVersion(fixtureSummary([months(10, '<5', '[c]', 21)]), grid1);
		const printedAgain = fixtureVersion(fixtureSummary([months(10, '<5', 8, 21)], 2), grid1);
		const joint = analyse([v1, printedAgain], ['A']).problems;
		expect(joint.some((p) => p.includes('printed as 8 in another version'))).toBe(true);
		expect(joint.some((p) => p.includes('"2024-05"') && p.includes('(exact 3)'))).toBe(true);
		// v1 alone is safe: 3 + 8 could be 1 + 10, 2 + 9 or 4 + 7.
		expect(analyse([v1], ['A']).problems).toEqual([]);
		const grid2 = { A: { '2024-04': 10, '2024-05': 3, '2024-06': 9 } };
		const changed = fixtureVersion(fixtureSummary([months(10, '<5', '[c]', 22)], 2), grid2);
		expect(analyse([v1, changed], ['A']).problems).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------
// 3. Frozen: what was published stays what it was.

function rowOf(s: PublicSummary, table: string, label: string): Record<string, Cell> {
	const t = s.sections.flatMap((x) => x.tables).find((x) => x.id === table);
	const row = t?.rows.find((r) => Object.values(r)[0] === label);
	expect(row, `${table} "${label}"`).toBeDefined();
	return row as Record<string, Cell>;
}

describe('published versions are frozen', () => {
	it('keep their bytes, pages and CSV through an upload and a disclosure-setting change, while a new compose has the new figures', async () => {
		expect(published.length).toBe(PERIODS.length * 2 * VARIANTS.length);
		const fy = published.find(
			(p) =>
				p.body.period.kind === 'financial_year' &&
				p.body.period.to === '2025-03' &&
				p.body.area_level === 'districts' &&
				p.body.disclosure.threshold === 5 &&
				p.body.disclosure.rounding === null
		) as Published;
		const feb: Key = { measure: 'recorded', from: '2025-02', to: '2025-02', area: FORCE };
		const bassetlaw: Key = {
			measure: 'recorded',
			from: '2024-04',
			to: '2025-03',
			area: 'Bassetlaw'
		};
		const before = await Truth.of(db);
		const [feb0, bas0] = [await before.value(db, feb), await before.value(db, bassetlaw)];
		expect(rowOf(fy.body, 'crimes-by-month', '2025-02').recorded).toBe(feb0);

		await loadCrimes(
			'frozen-test.csv',
			[1, 2, 3, 4].map((i) => [
				`PUBTEST-F-${i}`,
				`2025-02-1${i}`,
				'8Q',
				'Bassetlaw',
				'Y',
				'ex_partner',
				'F',
				'25_34',
				''
			])
		);
		await setSetting(db, 'suppression_threshold', 7, 'test-admin');
		try {
			const after = await Truth.of(db);
			expect(await after.value(db, feb)).toBe(feb0 + 4);
			expect(await after.value(db, bassetlaw)).toBe(bas0 + 4);
			for (const p of published) {
				const v = await getVersion(db, p.slug, p.version);
				expect(v?.body, p.slug).toBe(p.stored);
				const body = JSON.parse(v!.body) as PublicSummary;
				expect(summaryHtml(body, 'current', [1]), p.slug).toBe(p.html);
				expect(summaryCsv(body), p.slug).toBe(p.csv);
			}
			const fresh = await compose(db, fy.request, { slug: 'fresh', version: 1, revision: null });
			expect(fresh.body.disclosure.threshold).toBe(7);
			expect(rowOf(fresh.body, 'crimes-by-month', '2025-02').recorded).toBe(feb0 + 4);
			expect(rowOf(fresh.body, 'crimes-by-area', 'Bassetlaw').recorded).toBe(bas0 + 4);
			expect(fy.body.disclosure.threshold).toBe(5);
			const v = await versionOf(db, after, fresh.body);
			expect(analyse([v], after.areas).problems).toEqual([]);
		} finally {
			await setSetting(
				db,
				'suppression_threshold',
				DEFAULT_SETTINGS.suppression_threshold,
				'test-admin'
			);
		}
	});
});

// ---------------------------------------------------------------------------------------------
// 4. A revision and the version it replaces, read together.

describe('a revision', () => {
	it('reveals nothing withheld when differenced against v1, and keeps unchanged withheld cells withheld', async () => {
		await setSetting(db, 'suppression_threshold', 10, 'test-admin');
		try {
			const req = request({
				title: 'Revised quarter October to December 2024',
				period: { kind: 'quarter', to: '2024-12' },
				area_level: 'districts'
			});
			const truth1 = await Truth.of(db);
			const v1 = await publish(req);
			const version1 = await versionOf(db, truth1, v1.body);
			expect(analyse([version1], truth1.areas).problems).toEqual([]);
			// The scenario needs a count withheld only to protect another (this file's SQL decides which).
			expect(printedCells(v1.body).some((c) => c.cell === '[c]')).toBe(true);

			// The upload: three more crimes in Ashfield in November; two Gedling crimes with an arrest
			// reclassified from stalking to harassment (8L), so Gedling's arrested count drops by two.
			const gedling = await db.all<Record<string, string | boolean | null>>(
				`SELECT crime_ref, strftime(recorded_date, '%Y-%m-%d') AS recorded_date, area, domestic_abuse,
					relationship, victim_sex, victim_age_band, incident_ref
				 FROM crimes c
				 WHERE offence_code = '8Q' AND area = 'Gedling' AND recorded_date BETWEEN '2024-10-01' AND '2024-12-31'
					AND crime_ref IN (SELECT crime_ref FROM arrests)
				 ORDER BY crime_ref LIMIT 2`
			);
			expect(gedling.length).toBe(2);
			await loadCrimes('revision-test.csv', [
				...[1, 2, 3].map((i) => [
					`PUBTEST-R-${i}`,
					`2024-11-0${i}`,
					'8Q',
					'Ashfield',
					'N',
					'stranger',
					'M',
					'35_44',
					''
				]),
				...gedling.map((g) => [
					String(g.crime_ref),
					String(g.recorded_date),
					'8L',
					String(g.area),
					g.domestic_abuse ? 'Y' : 'N',
					String(g.relationship ?? ''),
					String(g.victim_sex ?? ''),
					String(g.victim_age_band ?? ''),
					String(g.incident_ref ?? '')
				])
			]);
			const truth2 = await Truth.of(db);
			const period = { from: '2024-10', to: '2024-12' };
			const key = (measure: string, area: string): Key => ({ measure, ...period, area });
			expect(await truth2.value(db, key('recorded', 'Ashfield'))).toBe(
				(await truth1.value(db, key('recorded', 'Ashfield'))) + 3
			);
			expect(await truth2.value(db, key('arrested_crimes', 'Gedling'))).toBe(
				(await truth1.value(db, key('arrested_crimes', 'Gedling'))) - 2
			);

			const draft = await createDraft(db, req, ACTOR, {
				slug: v1.slug,
				note: 'Two crimes reclassified; three recorded late.'
			});
			const p2 = await publishDraft(db, draft.id, ACTOR);
			audited.push({ action: 'revision', target: `${v1.slug} v2` });
			expect(p2).toMatchObject({ slug: v1.slug, version: 2 });
			const stored2 = await getVersion(db, v1.slug, 2);
			const body2 = JSON.parse(stored2!.body) as PublicSummary;
			expect(body2.revision).toEqual({
				note: 'Two crimes reclassified; three recorded late.',
				supersedes: 1
			});
			expect(stored2?.latest).toBe(2);
			// v1 still reads as it was.
			expect((await getVersion(db, v1.slug, 1))?.body).toBe(v1.stored);
			expect((await getVersion(db, v1.slug))?.version).toBe(2);

			walkJson(body2);
			walkHtml(summaryHtml(body2, 'current', [1, 2]), body2);
			walkCsv(summaryCsv(body2), body2);
			walkWords(body2);
			const version2 = await versionOf(db, truth2, body2);
			expect(analyse([version2], truth2.areas).problems).toEqual([]);
			expect(rateProblems(version2)).toEqual([]);
			const joint = analyse([version1, version2], truth1.areas);
			expect(joint.problems).toEqual([]);

			// Withheld in v1 and the same number now: still withheld in v2.
			const cells2 = new Map(printedCells(body2).map((c) => [c.id, c]));
			let kept = 0;
			let keptSecondary = 0;
			for (const c of printedCells(v1.body)) {
				if (typeof c.cell !== 'string') continue;
				const now = cells2.get(c.id);
				if (!now || version2.truth.get(c.id) !== version1.truth.get(c.id)) continue;
				expect(typeof now.cell, `${c.where} was ${c.cell}, is ${now.cell}`).toBe('string');
				kept++;
				if (c.cell === '[c]') keptSecondary++;
			}
			expect(kept).toBeGreaterThan(0);
			expect(keptSecondary).toBeGreaterThan(0);
			console.info(
				`publish: revision — ${kept} cells withheld in v1 and unchanged stay withheld (${keptSecondary} of them [c]); joint system ${joint.unknowns} unknowns, ${joint.equations} equations`
			);
		} finally {
			await setSetting(
				db,
				'suppression_threshold',
				DEFAULT_SETTINGS.suppression_threshold,
				'test-admin'
			);
		}
	});
});

// ---------------------------------------------------------------------------------------------
// 5. The store's rules.

async function count(sql: string): Promise<number> {
	return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${sql})`))!.n;
}

describe('the store', () => {
	const quarter = (title: string) =>
		request({
			title,
			period: { kind: 'quarter', to: '2025-03' },
			sections: ['arrests_and_charges']
		});

	it('refuses to publish a draft composed before the data changed, and publishes nothing', async () => {
		const draft = await createDraft(db, quarter('Composed before an upload'), ACTOR);
		await loadCrimes('data-changed.csv', [
			['PUBTEST-D-1', '2025-01-15', '8Q', 'Mansfield', 'Y', 'family', 'F', '45_54', '']
		]);
		const [summaries, audits] = [
			await count('SELECT * FROM summaries'),
			await count('SELECT * FROM audit_log')
		];
		const e = await refusal(publishDraft(db, draft.id, ACTOR));
		expect([e.status, e.code]).toEqual([409, 'data_changed']);
		expect(await count('SELECT * FROM summaries')).toBe(summaries);
		expect(await count('SELECT * FROM audit_log')).toBe(audits);
		expect(await getVersion(db, 'composed-before-an-upload')).toBeNull();
	});

	it('gives a second summary of the same title the slug with -2, whether composed before or after the first was published', async () => {
		const a = await publish(quarter('Same title twice'));
		const b = await publish(quarter('Same title twice'));
		expect([a.slug, b.slug]).toEqual(['same-title-twice', 'same-title-twice-2']);
		// Two previews of one title, both composed before either is published.
		const d1 = await createDraft(db, quarter('Two previews one title'), ACTOR);
		const d2 = await createDraft(db, quarter('Two previews one title'), ACTOR);
		const p1 = await publishDraft(db, d1.id, ACTOR);
		const p2 = await publishDraft(db, d2.id, ACTOR);
		audited.push(
			{ action: 'publication', target: `${p1.slug} v1` },
			{ action: 'publication', target: `${p2.slug} v1` }
		);
		expect([p1.slug, p2.slug]).toEqual(['two-previews-one-title', 'two-previews-one-title-2']);
		expect(JSON.parse((await getVersion(db, p2.slug))!.body).slug).toBe(p2.slug);
		expect(
			await count("SELECT DISTINCT slug FROM summaries WHERE slug LIKE 'two-previews-one-title%'")
		).toBe(2);
	});

	it('withdraws once: a second withdrawal and a revision of a withdrawn summary are refused; the list hides it unless asked', async () => {
		const p = await publish(quarter('Published in error'));
		expect((await listSummaries(db)).some((s) => s.slug === p.slug)).toBe(true);
		const w = await withdraw(db, p.slug, 'Published with the wrong period.', ACTOR);
		audited.push({ action: 'withdrawal', target: p.slug });
		expect(w).toMatchObject({
			withdrawn_by: ACTOR.name,
			reason: 'Published with the wrong period.'
		});

		const again = await refusal(withdraw(db, p.slug, 'Again.', ACTOR));
		expect([again.status, again.code]).toEqual([409, 'withdrawn']);
		const revise = await refusal(
			createDraft(db, quarter('Published in error'), ACTOR, { slug: p.slug, note: 'Fixed.' })
		);
		expect([revise.status, revise.code]).toEqual([409, 'withdrawn']);
		expect((await getVersion(db, p.slug))?.latest).toBe(1);

		const listed = await listSummaries(db);
		expect(listed.some((s) => s.slug === p.slug)).toBe(false);
		const all = await listSummaries(db, { withdrawn: true });
		expect(all.find((s) => s.slug === p.slug)?.withdrawal).toMatchObject({
			reason: 'Published with the wrong period.'
		});
		// Every other summary is listed once, at its latest version.
		expect(listed.length).toBe((await count('SELECT DISTINCT slug FROM summaries')) - 1);
		expect(all.length).toBe(listed.length + 1);
		expect(new Set(listed.map((s) => s.slug)).size).toBe(listed.length);
		expect(listed.find((s) => s.slug === 'revised-quarter-october-to-december-2024')?.version).toBe(
			2
		);
		// The withdrawn one's frozen version is still in the store, unchanged.
		expect((await getVersion(db, p.slug))?.body).toBe(p.stored);
	});

	it('writes one audit row per publication, revision and withdrawal, with the right action', async () => {
		const rows = await db.all<{
			action: string;
			target: string;
			actor: string;
			address: string | null;
		}>(
			`SELECT action, target, actor, address FROM audit_log
			 WHERE action IN ('publication', 'revision', 'withdrawal') ORDER BY id`
		);
		const key = (r: { action: string; target: string }) => `${r.action} ${r.target}`;
		expect(rows.map(key).sort()).toEqual(audited.map(key).sort());
		expect(new Set(rows.map(key)).size).toBe(rows.length);
		for (const r of rows) expect([r.actor, r.address]).toEqual([ACTOR.name, ACTOR.address]);
		expect(audited.filter((a) => a.action === 'revision').length).toBe(1);
		expect(audited.filter((a) => a.action === 'withdrawal').length).toBe(1);
		console.info(
			`publish: ${rows.length} audit rows (${audited.filter((a) => a.action === 'publication').length} publications)`
		);
	});
});

// ---------------------------------------------------------------------------------------------
// 6. The request's rules (pure).

describe('a summary request', () => {
	const base = {
		title: 'Stalking: quarterly report',
		period: { kind: 'quarter', to: '2025-03' },
		area_level: 'force',
		sections: ['arrests_and_charges']
	};
	function refused(body: Record<string, unknown>): HttpError {
		let error: unknown;
		try {
			parseSummaryRequest({ ...base, ...body }, '2025-03');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(HttpError);
		const e = error as HttpError;
		expect(e.status).toBe(400);
		return e;
	}
	const params = (e: HttpError) => e.details.map((d) => d.parameter);

	it('accepts a valid request, with a support line in the commentary', () => {
		const r = parseSummaryRequest(
			{
				...base,
				commentary:
					'If you are worried, call the Stalking Advocacy Service on 0115 947 6490 or 0808 800 0340, or 101.'
			},
			'2025-03'
		);
		expect(r.period).toEqual({ kind: 'quarter', to: '2025-03' });
		expect(r.sections).toEqual(['arrests_and_charges']);
	});

	it('refuses a period past the latest complete month, naming period.to', () => {
		const e = refused({ period: { kind: 'rolling_12', to: '2025-04' } });
		expect(params(e)).toEqual(['period.to']);
		expect(e.message).toMatch(/April 2025/);
	});

	it('refuses a quarter ending in May and a financial year not ending in March', () => {
		expect(params(refused({ period: { kind: 'quarter', to: '2024-05' } }))).toEqual(['period.to']);
		expect(params(refused({ period: { kind: 'financial_year', to: '2024-12' } }))).toEqual([
			'period.to'
		]);
		// Both wrong: a year ending in June 2025 is neither complete nor a financial year.
		expect(params(refused({ period: { kind: 'financial_year', to: '2025-06' } }))).toEqual([
			'period.to',
			'period.to'
		]);
	});

	it('refuses an email address, a postcode or a National Insurance number in the title or commentary, naming the field and not echoing it', () => {
		const cases: [string, string, string][] = [
			[
				'commentary',
				'For details write to jane.smith@example.org today.',
				'jane.smith@example.org'
			],
			['commentary', 'The victim lived at NG1 5FS.', 'NG1 5FS'],
			['commentary', 'Reference QQ 12 34 56 C was charged.', 'QQ 12 34 56 C'],
			['title', 'Stalking in NG5 1PB', 'NG5 1PB'],
			['title', 'Report for bob@example.com', 'bob@example.com'],
			// Past the first window of the text the patterns read.
			[
				'commentary',
				`${'The force recorded more stalking this year. '.repeat(60)}Contact a.person@example.net.`,
				'a.person@example.net'
			]
		];
		for (const [field, textValue, secret] of cases) {
			const e = refused({ [field]: textValue });
			expect(params(e), textValue.slice(-40)).toEqual([field]);
			expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain(secret);
		}
	});

	it('refuses an unknown section, naming it', () => {
		const e = refused({ sections: ['arrests_and_charges', 'weather'] });
		expect(params(e)).toEqual(['sections.1']);
		expect(params(refused({ sections: [] }))).toEqual(['sections']);
	});
});
