// Metrics responses as CSV: one flat table per endpoint, cells made safe for spreadsheets.
import type {
	IdentificationResult,
	JourneyResult,
	JourneyStep,
	SafeguardingResult,
	MonthlyResult,
	OutcomesResult,
	ReportingResult,
	SpcResult,
	TrainingResult
} from './types';
import { csvCell, toCsv } from '../../csv';

export { csvCell, toCsv };

type Cell = string | number | boolean | null | undefined;

function table<T extends object>(rows: T[], keys: (keyof T & string)[]): Cell[][] {
	return rows.map((r) => keys.map((k) => r[k] as Cell));
}

const CRIME_KEYS = [
	'recorded',
	'arrests',
	'arrested_crimes',
	'arrest_rate',
	'charges',
	'charged_recorded',
	'charge_rate',
	'outcome_assigned',
	'charge_rate_assigned',
	'open',
	'median_days_to_charge',
	'charged_before_recorded'
] as const;

/** Months then a `total` row. */
export function monthlyCsv(r: MonthlyResult): string {
	return toCsv(
		['month', ...CRIME_KEYS, 'provisional', 'incomplete'],
		[
			...r.months.map((m) => [
				m.month,
				...CRIME_KEYS.map((k) => m[k]),
				m.provisional,
				m.incomplete
			]),
			['total', ...CRIME_KEYS.map((k) => r.totals[k]), null, null]
		]
	);
}

export function outcomesCsv(r: OutcomesResult): string {
	return toCsv(
		['month', ...r.groups, 'incomplete'],
		r.months.map((m) => [m.month, ...r.groups.map((g) => m.groups[g] ?? 0), m.incomplete])
	);
}

export function reportingCsv(r: ReportingResult): string {
	const keys = [
		'fy',
		'complete',
		'last_month',
		'recorded',
		'population_16plus',
		'prevalence_pct',
		'carried_forward',
		'estimated_victims',
		'estimated_victims_lower',
		'estimated_victims_upper',
		'reporting_ratio',
		'estimated_unreported'
	] as const;
	return toCsv([...keys], table(r.years, [...keys]));
}

const ID_KEYS = [
	'da_incidents',
	'da_stalking_identified',
	'da_identification_rate',
	'linked_crimes',
	'identified_at_first_contact',
	'first_contact_rate',
	'trained_handler_incidents',
	'trained_handler_identified',
	'untrained_handler_incidents',
	'untrained_handler_identified'
] as const;

export function identificationCsv(r: IdentificationResult): string {
	return toCsv(
		['month', ...ID_KEYS, 'incomplete'],
		[
			...r.months.map((m) => [m.month, ...ID_KEYS.map((k) => m[k]), m.incomplete]),
			['total', ...ID_KEYS.map((k) => r.totals[k]), null]
		]
	);
}

/** One table: `breakdown` is month, role, area or target; `label` the month, role or area. */
export function trainingCsv(r: TrainingResult): string {
	return toCsv(
		['breakdown', 'label', 'in_scope', 'trained', 'coverage', 'total_trained'],
		[
			...r.months.map((m) => [
				'month',
				m.month,
				m.in_scope,
				m.trained,
				m.coverage,
				m.total_trained
			]),
			...r.by_role.map((x) => ['role', x.role, x.in_scope, x.trained, x.coverage, null]),
			...r.by_area.map((x) => ['area', x.area, x.in_scope, x.trained, x.coverage, null]),
			['target', r.target.date, null, null, r.target.coverage, null]
		]
	);
}

export function spcCsv(r: SpcResult): string {
	return toCsv(
		['month', r.metric, 'centre', 'ucl', 'lcl', 'signals', 'incomplete'],
		r.points.map((p) => [
			p.month,
			p.value,
			p.centre,
			p.ucl,
			p.lcl,
			p.signals.join(';'),
			p.incomplete
		])
	);
}

const SAFEGUARDING_KEYS = [
	'recorded',
	'risk_assessed',
	'risk_assessment_rate',
	'risk_standard',
	'risk_medium',
	'risk_high',
	'marac_referred_high',
	'marac_rate',
	'advocacy_referred',
	'advocacy_rate',
	'orders_applied',
	'orders_granted',
	'orders_refused',
	'orders_withdrawn',
	'orders_pending',
	'grant_rate',
	'median_days_to_application',
	'orders_with_crime',
	'harassment_type_crimes',
	'stalking_recorded',
	'stalking_share',
	'first_code_known',
	'reclassified_to_stalking',
	'reclassified_rate'
] as const;

/** Months then a `total` row; orders in force is a month-end stock (the total row: at the end). */
export function safeguardingCsv(r: SafeguardingResult): string {
	return toCsv(
		['month', ...SAFEGUARDING_KEYS, 'orders_in_force', 'breaches', 'incomplete'],
		[
			...r.months.map((m) => [
				m.month,
				...SAFEGUARDING_KEYS.map((k) => m[k]),
				m.orders_in_force,
				null,
				m.incomplete
			]),
			[
				'total',
				...SAFEGUARDING_KEYS.map((k) => r.totals[k]),
				r.totals.orders_in_force_at_end,
				r.totals.breaches,
				null
			]
		]
	);
}

/** One row per step: crime steps, then order steps. */
export function journeyCsv(r: JourneyResult): string {
	return toCsv(
		['funnel', 'step', 'label', 'count', 'of', 'denominator', 'rate', 'kind'],
		[
			...r.steps.map((s) => ['crimes', ...journeyRow(s)]),
			...r.orders.map((s) => ['orders', ...journeyRow(s)])
		]
	);
}

function journeyRow(s: JourneyStep): Cell[] {
	return [s.key, s.label, s.count, s.of, s.denominator, s.rate, s.kind];
}
