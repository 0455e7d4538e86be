// Figures declared once (src/lib/figures.ts) from the metrics functions' results: the dashboard's
// table twins and the published summaries render the same declarations.
import { FORCE, type Column, type Figure, type MeasureSum } from '../../figures';
import { areaLabel, roleLabel } from '../../labels';
import type {
	CoverageFigures,
	CrimeFigures,
	MonthlyResult,
	JourneyResult,
	SafeguardingFigures,
	SafeguardingResult,
	TrainingResult
} from './types';

const COVERAGE_COLUMNS: Column[] = [
	{ key: 'in_scope', label: 'Staff in post', type: 'count' },
	{ key: 'trained', label: 'Trained', type: 'count' },
	{
		key: 'coverage',
		label: 'Coverage',
		type: 'rate',
		numerator: 'trained',
		denominator: 'in_scope'
	}
];

const coverageCells = (x: CoverageFigures) => ({
	in_scope: x.in_scope,
	trained: x.trained,
	coverage: x.coverage
});

/**
 * Coverage by role at the period's last month end, with a total row for all the target roles
 * (the roles partition the target, so the total is the sum of the rows).
 */
export function coverageByRole(t: TrainingResult, id: string, title: string): Figure {
	const atEnd = t.months[t.months.length - 1] ?? { in_scope: 0, trained: 0, coverage: null };
	const end = { from: t.filters.to, to: t.filters.to, area: FORCE };
	return {
		id,
		title,
		columns: [{ key: 'role', label: 'Role', type: 'text' }, ...COVERAGE_COLUMNS],
		rows: [
			...t.by_role.map((r) => ({ role: roleLabel(r.role), ...coverageCells(r) })),
			{ role: 'All these roles', ...coverageCells(atEnd) }
		],
		scopes: [...t.by_role.map((r) => ({ ...end, part: `role:${r.role}` })), end],
		total_row: true,
		chart: { kind: 'bars', x: 'role', y: ['coverage'] }
	};
}

/** Coverage by area at the period's last month end; `areas` keeps only those (the force's own). */
export function coverageByArea(
	t: TrainingResult,
	id: string,
	title: string,
	areas?: string[]
): Figure {
	const rows = areas ? t.by_area.filter((a) => areas.includes(a.area)) : t.by_area;
	return {
		id,
		title,
		columns: [{ key: 'area', label: 'Area', type: 'text' }, ...COVERAGE_COLUMNS],
		rows: rows.map((a) => ({ area: areaLabel(a.area), ...coverageCells(a) })),
		scopes: rows.map((a) => ({ from: t.filters.to, to: t.filters.to, area: a.area })),
		chart: { kind: 'bars', x: 'area', y: ['coverage'] }
	};
}

// ---------------------------------------------------------------------------------------------
// Safeguarding (metrics.md "Safeguarding and recognition")

const monthColumn: Column = { key: 'month', label: 'Month', type: 'month' };
const TOTAL = 'Total';

/** Month rows then the period's total row, each with its scope. */
function monthsWithTotal<M extends { month: string }, T>(
	s: SafeguardingResult,
	cells: (x: M | T) => Record<string, number | null>,
	months: M[],
	total: T
): Pick<Figure, 'rows' | 'scopes' | 'total_row'> {
	return {
		rows: [
			...months.map((m) => ({ month: m.month, ...cells(m) })),
			{ month: TOTAL, ...cells(total) }
		],
		scopes: [
			...months.map((m) => ({ from: m.month, to: m.month, area: FORCE })),
			{ from: s.filters.from, to: s.filters.to, area: FORCE }
		],
		total_row: true
	};
}

/** Risk assessment within N days, high risk with MARAC referral, and advocacy referral, by month. */
export function riskFigure(s: SafeguardingResult, id: string, title: string): Figure {
	const days = s.settings.risk_assessment_days;
	return {
		id,
		title,
		columns: [
			monthColumn,
			{ key: 'recorded', label: 'Stalking crimes recorded', type: 'count' },
			{
				key: 'risk_assessed',
				label: `Risk assessed within ${days} day${days === 1 ? '' : 's'}`,
				type: 'count'
			},
			{
				key: 'risk_assessment_rate',
				label: 'Risk assessment rate',
				type: 'rate',
				numerator: 'risk_assessed',
				denominator: 'recorded'
			},
			{ key: 'risk_high', label: 'Assessed as high risk', type: 'count' },
			{ key: 'marac_referred_high', label: 'High risk referred to MARAC', type: 'count' },
			{
				key: 'marac_rate',
				label: 'MARAC referral rate',
				type: 'rate',
				numerator: 'marac_referred_high',
				denominator: 'risk_high'
			},
			{ key: 'advocacy_referred', label: 'Referred to advocacy', type: 'count' },
			{
				key: 'advocacy_rate',
				label: 'Advocacy referral rate',
				type: 'rate',
				numerator: 'advocacy_referred',
				denominator: 'recorded'
			}
		],
		...monthsWithTotal(
			s,
			(x: SafeguardingFigures) => ({
				recorded: x.recorded,
				risk_assessed: x.risk_assessed,
				risk_assessment_rate: x.risk_assessment_rate,
				risk_high: x.risk_high,
				marac_referred_high: x.marac_referred_high,
				marac_rate: x.marac_rate,
				advocacy_referred: x.advocacy_referred,
				advocacy_rate: x.advocacy_rate
			}),
			s.months,
			s.totals
		),
		chart: { kind: 'lines', x: 'month', y: ['risk_assessment_rate', 'advocacy_rate'] }
	};
}

/** The risk mix of assessed crimes: standard + medium + high = risk assessed. */
export function riskMixFigure(s: SafeguardingResult, id: string, title: string): Figure {
	return {
		id,
		title,
		columns: [
			monthColumn,
			{ key: 'risk_assessed', label: 'Risk assessed', type: 'count' },
			{ key: 'risk_standard', label: 'Standard', type: 'count' },
			{ key: 'risk_medium', label: 'Medium', type: 'count' },
			{ key: 'risk_high', label: 'High', type: 'count' }
		],
		...monthsWithTotal(
			s,
			(x: SafeguardingFigures) => ({
				risk_assessed: x.risk_assessed,
				risk_standard: x.risk_standard,
				risk_medium: x.risk_medium,
				risk_high: x.risk_high
			}),
			s.months,
			s.totals
		)
	};
}

/** The sums a reader could use between the safeguarding figures' columns. */
export const SAFEGUARDING_SUMS: MeasureSum[] = [
	{ total: 'risk_assessed', parts: ['risk_standard', 'risk_medium', 'risk_high'] },
	{
		total: 'orders_applied',
		parts: ['orders_granted', 'orders_refused', 'orders_withdrawn', 'orders_pending']
	},
	{ total: 'orders_decided', parts: ['orders_granted', 'orders_refused'] }
];

/** Protective orders of the counted types by the month applied for, with status and timing. */
export function ordersFigure(s: SafeguardingResult, id: string, title: string): Figure {
	const cells = (x: SafeguardingFigures) => ({
		orders_applied: x.orders_applied,
		orders_granted: x.orders_granted,
		orders_refused: x.orders_refused,
		orders_withdrawn: x.orders_withdrawn,
		orders_pending: x.orders_pending,
		orders_decided: x.orders_granted + x.orders_refused,
		grant_rate: x.grant_rate,
		orders_with_crime: x.orders_with_crime,
		median_days_to_application: x.median_days_to_application
	});
	return {
		id,
		title,
		columns: [
			monthColumn,
			{ key: 'orders_applied', label: 'Applied for', type: 'count' },
			{ key: 'orders_granted', label: 'Granted', type: 'count' },
			{ key: 'orders_refused', label: 'Refused', type: 'count' },
			{ key: 'orders_withdrawn', label: 'Withdrawn', type: 'count' },
			{ key: 'orders_pending', label: 'Pending', type: 'count' },
			{ key: 'orders_decided', label: 'Granted or refused', type: 'count' },
			{
				key: 'grant_rate',
				label: 'Grant rate',
				type: 'rate',
				numerator: 'orders_granted',
				denominator: 'orders_decided'
			},
			{ key: 'orders_with_crime', label: 'With a loaded crime', type: 'count' },
			{
				key: 'median_days_to_application',
				label: 'Median days from report to application',
				type: 'median',
				cases: 'orders_with_crime'
			}
		],
		...monthsWithTotal(s, cells, s.months, s.totals),
		chart: { kind: 'bars', x: 'month', y: ['orders_applied', 'orders_granted'] }
	};
}

/** Granted orders in force at each month end (a stock: no total row). */
export function inForceFigure(s: SafeguardingResult, id: string, title: string): Figure {
	return {
		id,
		title,
		columns: [monthColumn, { key: 'orders_in_force', label: 'Orders in force', type: 'count' }],
		rows: s.months.map((m) => ({ month: m.month, orders_in_force: m.orders_in_force })),
		scopes: s.months.map((m) => ({ from: m.month, to: m.month, area: FORCE, part: 'in_force' })),
		chart: { kind: 'bars', x: 'month', y: ['orders_in_force'] }
	};
}

/** The recognition of stalking among harassment-type crimes, and crimes reclassified to stalking. */
export function recognitionFigure(
	s: SafeguardingResult,
	id: string,
	title: string,
	/** The stalking group is 8Q alone, so "recorded as stalking" is the crimes recorded elsewhere. */
	opts: { sameAsRecorded?: boolean } = {}
): Figure {
	return {
		id,
		title,
		columns: [
			monthColumn,
			{ key: 'harassment_type_crimes', label: 'Harassment-type crimes', type: 'count' },
			{
				key: 'stalking_recorded',
				label: 'Recorded as stalking',
				type: 'count',
				// One number printed twice is one cell to disclosure control.
				...(opts.sameAsRecorded ? { measure: 'recorded' } : {})
			},
			{
				key: 'stalking_share',
				label: 'Share recorded as stalking',
				type: 'rate',
				numerator: 'stalking_recorded',
				denominator: 'harassment_type_crimes'
			},
			{ key: 'first_code_known', label: 'Stalking crimes with a first code', type: 'count' },
			{ key: 'reclassified_to_stalking', label: 'First recorded as something else', type: 'count' },
			{
				key: 'reclassified_rate',
				label: 'Reclassified share',
				type: 'rate',
				numerator: 'reclassified_to_stalking',
				denominator: 'first_code_known'
			}
		],
		...monthsWithTotal(
			s,
			(x: SafeguardingFigures) => ({
				harassment_type_crimes: x.harassment_type_crimes,
				stalking_recorded: x.stalking_recorded,
				stalking_share: x.stalking_share,
				first_code_known: x.first_code_known,
				reclassified_to_stalking: x.reclassified_to_stalking,
				reclassified_rate: x.reclassified_rate
			}),
			s.months,
			s.totals
		),
		chart: { kind: 'lines', x: 'month', y: ['stalking_share', 'reclassified_rate'] }
	};
}

/**
 * The journey as a table: each step, its count and what it is out of. Steps with no data loaded
 * are left out when `loadedOnly` (a published table holds counts only); otherwise shown as null.
 */
export function journeyFigure(
	j: JourneyResult,
	id: string,
	title: string,
	loadedOnly = false
): Figure {
	const steps = [...j.steps, ...j.orders].filter((s) => !loadedOnly || s.count !== null);
	const label = new Map([...j.steps, ...j.orders].map((s) => [s.key, s.label]));
	return {
		id,
		title,
		columns: [
			{ key: 'step', label: 'Step', type: 'text' },
			{ key: 'count', label: 'Number', type: 'count', measure: 'journey' },
			{ key: 'out_of', label: 'Out of', type: 'text' },
			{ key: 'denominator', label: 'Of', type: 'count', measure: 'journey_of' },
			{ key: 'rate', label: 'Share', type: 'rate', numerator: 'count', denominator: 'denominator' }
		],
		// A funnel's first step is out of itself (100%), so every row states what it is out of.
		rows: steps.map((s) => ({
			step: s.label,
			count: s.count,
			out_of: s.of ? (label.get(s.of) ?? '') : s.label,
			denominator: s.of ? s.denominator : s.count,
			rate: s.of ? s.rate : s.count === null ? null : s.count === 0 ? null : 1
		})),
		scopes: steps.map((s) => ({
			from: j.filters.from,
			to: j.filters.to,
			area: FORCE,
			part: `journey:${s.key}`
		}))
	};
}

/**
 * Orders over the whole period, one row: monthly counts of Stalking Protection Orders are mostly
 * below any disclosure threshold, so a published summary gives the period (and the dashboard the
 * months), with the orders granted that were breached. No grant rate: with refusals below the
 * threshold, "granted or refused" beside "granted" would give the refusals away, and the number
 * granted is what a reader wants.
 */
export function ordersPeriodFigure(
	s: SafeguardingResult,
	j: JourneyResult,
	id: string,
	title: string,
	periodLabel: string
): Figure {
	const t = s.totals;
	const breached = j.orders.find((x) => x.key === 'breached')?.count ?? 0;
	return {
		id,
		title,
		columns: [
			{ key: 'period', label: 'Period', type: 'text' },
			{ key: 'orders_applied', label: 'Applied for', type: 'count' },
			{ key: 'orders_granted', label: 'Granted', type: 'count' },
			{ key: 'orders_refused', label: 'Refused', type: 'count' },
			{ key: 'orders_withdrawn', label: 'Withdrawn', type: 'count' },
			{ key: 'orders_pending', label: 'Pending', type: 'count' },
			{ key: 'orders_breached', label: 'Granted and breached', type: 'count' },
			{ key: 'orders_with_crime', label: 'With a loaded crime', type: 'count' },
			{
				key: 'median_days_to_application',
				label: 'Median days from report to application',
				type: 'median',
				cases: 'orders_with_crime'
			}
		],
		rows: [
			{
				period: periodLabel,
				orders_applied: t.orders_applied,
				orders_granted: t.orders_granted,
				orders_refused: t.orders_refused,
				orders_withdrawn: t.orders_withdrawn,
				orders_pending: t.orders_pending,
				orders_breached: breached,
				orders_with_crime: t.orders_with_crime,
				median_days_to_application: t.median_days_to_application
			}
		],
		scopes: [{ from: s.filters.from, to: s.filters.to, area: FORCE }]
	};
}

/**
 * The crimes' journey as one row (a published summary): each step a column whose measure is the
 * same figure's elsewhere in the summary (risk_assessed, arrested_crimes, …), so disclosure control
 * sees one number printed twice, not two. Steps with no data loaded are left out.
 */
export function journeyRowFigure(
	j: JourneyResult,
	id: string,
	title: string,
	periodLabel: string
): Figure {
	const measure: Record<string, string> = {
		arrested: 'arrested_crimes',
		charged: 'charged_recorded'
	};
	const steps = j.steps.filter((s) => s.count !== null);
	const columns: Column[] = [{ key: 'period', label: 'Period', type: 'text' }];
	const row: Record<string, string | number | null> = { period: periodLabel };
	for (const s of steps) {
		const key = measure[s.key] ?? s.key;
		columns.push({ key, label: s.label, type: 'count' });
		row[key] = s.count;
		if (s.of) {
			columns.push({
				key: `${key}_share`,
				label: 'Share',
				type: 'rate',
				numerator: key,
				denominator: measure[s.of] ?? s.of
			});
			row[`${key}_share`] = s.rate;
		}
	}
	return {
		id,
		title,
		columns,
		rows: [row],
		scopes: [{ from: j.filters.from, to: j.filters.to, area: FORCE }]
	};
}

// ---------------------------------------------------------------------------------------------
// Crimes, arrests and charges

/** The crime columns: counts with their rates; `assigned` adds the rate among crimes with an outcome. */
function crimeColumns(assigned: boolean): Column[] {
	return [
		{ key: 'recorded', label: 'Crimes recorded', type: 'count' },
		{ key: 'arrested_crimes', label: 'Crimes with an arrest', type: 'count' },
		{
			key: 'arrest_rate',
			label: 'Arrest rate',
			type: 'rate',
			numerator: 'arrested_crimes',
			denominator: 'recorded'
		},
		{ key: 'charged_recorded', label: 'Charged or summonsed', type: 'count' },
		{
			key: 'charge_rate',
			label: 'Charge rate',
			type: 'rate',
			numerator: 'charged_recorded',
			denominator: 'recorded'
		},
		...(assigned
			? ([
					{ key: 'outcome_assigned', label: 'With an outcome', type: 'count' },
					{
						key: 'charge_rate_assigned',
						label: 'Charge rate of those with an outcome',
						type: 'rate',
						numerator: 'charged_recorded',
						denominator: 'outcome_assigned'
					}
				] satisfies Column[])
			: [])
	];
}

function crimeCells(r: CrimeFigures, assigned: boolean) {
	return {
		recorded: r.recorded,
		arrested_crimes: r.arrested_crimes,
		arrest_rate: r.arrest_rate,
		charged_recorded: r.charged_recorded,
		charge_rate: r.charge_rate,
		...(assigned
			? { outcome_assigned: r.outcome_assigned, charge_rate_assigned: r.charge_rate_assigned }
			: {})
	};
}

/**
 * Recorded crimes, crimes with an arrest and crimes charged by month of recording, with their rates
 * and the period's total row. `assigned` adds the charge rate of crimes with an outcome (the
 * dashboard shows it; a summary keeps to the Home Office method). Months whose charge rate will
 * still rise say "provisional"; months after the data's as-at date say "incomplete month".
 */
export function crimesByMonthFigure(
	m: MonthlyResult,
	id: string,
	title: string,
	opts: { assigned?: boolean } = {}
): Figure {
	const assigned = opts.assigned ?? false;
	return {
		id,
		title,
		columns: [monthColumn, ...crimeColumns(assigned)],
		rows: [
			...m.months.map((r) => ({ month: r.month, ...crimeCells(r, assigned) })),
			{ month: TOTAL, ...crimeCells(m.totals, assigned) }
		],
		scopes: [
			...m.months.map((r) => ({ from: r.month, to: r.month, area: FORCE })),
			{ from: m.filters.from, to: m.filters.to, area: FORCE }
		],
		total_row: true,
		row_notes: [
			...m.months.map((r) =>
				r.incomplete ? 'incomplete month' : r.provisional ? 'provisional' : null
			),
			null
		],
		chart: { kind: 'bars', x: 'month', y: ['recorded', 'charged_recorded'] }
	};
}

/** The same figures by area over a period, with the whole force's as the total row. */
export function crimesByAreaFigure(
	byArea: { area: string; totals: CrimeFigures }[],
	force: CrimeFigures,
	period: { from: string; to: string },
	id: string,
	title: string
): Figure {
	return {
		id,
		title,
		columns: [{ key: 'area', label: 'Area', type: 'text' }, ...crimeColumns(false)],
		rows: [
			...byArea.map((a) => ({ area: a.area, ...crimeCells(a.totals, false) })),
			{ area: 'Whole force', ...crimeCells(force, false) }
		],
		scopes: [...byArea.map((a) => ({ ...period, area: a.area })), { ...period, area: FORCE }],
		total_row: true,
		chart: { kind: 'bars', x: 'area', y: ['recorded', 'charged_recorded'] }
	};
}
