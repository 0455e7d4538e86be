// The sections a published summary can hold: each a set of figures (rows + typed columns, exact
// values) from the metrics functions, its method notes, and the sentence about it, which is worked
// out from the figures as published (after disclosure control), so it never states a withheld count.
import type { Queryable } from '../db';
import { identification, journey, monthly, reporting, safeguarding, training } from '../metrics';
import { addMonths } from '../metrics/months';
import type { Filters } from '../metrics/types';
import {
	FORCE,
	type Cell,
	type Column,
	type Figure,
	type MeasureSum,
	type Row
} from '../../figures';
import { fmtCount, fmtPct, monthLong, periodLabel } from '../../charts/format';
import { getOffenceGroups } from '../settings';
import {
	crimesByAreaFigure,
	crimesByMonthFigure,
	coverageByArea,
	coverageByRole,
	journeyRowFigure,
	ordersPeriodFigure,
	recognitionFigure,
	riskFigure,
	SAFEGUARDING_SUMS
} from '../metrics/declared';
import { orderTypesLabel, ROLE_LABELS } from '../../labels';
import type { AreaLevel, SectionId } from './request';

export interface SectionBuild {
	id: SectionId;
	title: string;
	/** Definitions and caveats, printed under the section. */
	method: string[];
	figures: Figure[];
	sums: MeasureSum[];
	/** The section's summary sentence, from the published figures. */
	words: (published: Figure[]) => string;
}

export interface BuildContext {
	db: Queryable;
	/** The summary's period, `YYYY-MM`. */
	from: string;
	to: string;
	/** The period in words ("financial year 2024/25"). */
	periodText: string;
	areaLevel: AreaLevel;
	/** The force's own areas (the population reference list). */
	areas: string[];
	/** The dataset's as-at date and latest complete month. */
	asOf: string | null;
	completeTo: string;
}

const TOTAL = 'Total';

function filters(c: BuildContext, from: string, to: string, area = 'all'): Filters {
	return {
		from,
		to,
		area,
		offences: 'stalking',
		codes: [],
		domestic_abuse: 'all',
		as_of: c.asOf,
		complete_to: c.completeTo
	};
}

/** Filters for the stalking offence group, as the dashboard's default. */
async function stalkingFilters(c: BuildContext, from: string, to: string, area = 'all') {
	const f = filters(c, from, to, area);
	const group = (await getOffenceGroups(c.db)).find((g) => g.name === 'stalking');
	return { ...f, codes: group?.codes ?? [] };
}

const monthCol: Column = { key: 'month', label: 'Month', type: 'month' };

/**
 * A published count in words, with the noun it counts when one follows: "1,234 stalking crimes",
 * "fewer than 5 stalking crimes", "a withheld number of stalking crimes"; alone: "1,234", "fewer
 * than 5", "a withheld number".
 */
export function countWords(cell: Cell, noun?: string): string {
	const n =
		typeof cell === 'number'
			? fmtCount(cell)
			: typeof cell === 'string' && cell.startsWith('<')
				? `fewer than ${cell.slice(1)}`
				: noun
					? 'a withheld number of'
					: 'a withheld number';
	return noun ? `${n} ${noun}` : n;
}

const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A published rate in words: "36.2%", or "(rate withheld)". */
function rateWords(cell: Cell): string {
	return typeof cell === 'number' ? fmtPct(cell) : 'a rate withheld under disclosure control';
}

function lastRow(f: Figure | undefined): Row | undefined {
	return f?.rows[f.rows.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Arrests and charges

async function arrestsAndCharges(c: BuildContext): Promise<SectionBuild> {
	const f = await stalkingFilters(c, c.from, c.to);
	const m = await monthly(c.db, f);
	const byMonth = crimesByMonthFigure(
		m,
		'crimes-by-month',
		`Stalking crimes recorded, arrests and charges by month, ${c.periodText}`
	);
	const figures = [byMonth];
	if (c.areaLevel === 'districts') {
		const byArea = [];
		for (const area of c.areas) {
			byArea.push({ area, totals: (await monthly(c.db, { ...f, area })).totals });
		}
		figures.push(
			crimesByAreaFigure(
				byArea,
				m.totals,
				{ from: c.from, to: c.to },
				'crimes-by-area',
				`Stalking crimes recorded, arrests and charges by area, ${c.periodText}`
			)
		);
	}
	const provisionalFrom = m.months.find((r) => r.provisional)?.month;
	return {
		id: 'arrests_and_charges',
		title: 'Arrests and charges',
		method: [
			'A crime is counted in the month it was recorded. Arrest rate: recorded crimes with at least one arrest, out of all crimes recorded. Charge rate: recorded crimes charged or summonsed so far, out of all crimes recorded, including those still under investigation (the Home Office method).',
			...(provisionalFrom
				? [
						`Crimes recorded from ${monthLong(provisionalFrom)} were recorded less than 90 days before the data were extracted: their charge rate will still rise as investigations finish.`
					]
				: []),
			'Stalking means the offence codes in the force\'s "stalking" group (by default Home Office code 8Q alone).'
		],
		figures,
		sums: [],
		words: (published) => {
			const t = lastRow(published.find((p) => p.id === 'crimes-by-month'));
			if (!t) return '';
			return `In ${c.periodText} the force recorded ${countWords(t.recorded, 'stalking crimes')}. ${sentenceCase(countWords(t.arrested_crimes))} of them (${rateWords(t.arrest_rate)}) led to an arrest, and ${countWords(t.charged_recorded)} (${rateWords(t.charge_rate)}) have been charged or summonsed so far.`;
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Under-reporting

/** The financial year (its March) ending at or before `to`. */
function lastFullYearEnd(to: string): string {
	const y = Number(to.slice(0, 4));
	return Number(to.slice(5)) >= 3 ? `${y}-03` : `${y - 1}-03`;
}

async function underReporting(c: BuildContext): Promise<SectionBuild> {
	// An annual survey estimate is set against whole financial years only: the latest full year in
	// the period's reach and the one before it.
	const lastEnd = lastFullYearEnd(c.to);
	const firstStart = addMonths(lastEnd, -23);
	const r = await reporting(c.db, await stalkingFilters(c, firstStart, lastEnd));
	const years = r.years.filter((y) => y.complete);
	const figure: Figure = {
		id: 'recorded-against-estimate',
		title:
			'Recorded stalking crimes against the estimated number of adults stalked, by financial year',
		columns: [
			{ key: 'fy', label: 'Financial year', type: 'fy' },
			{ key: 'recorded', label: 'Stalking crimes recorded', type: 'count' },
			{
				key: 'estimated_victims',
				label: 'Estimated adults stalked',
				type: 'estimate',
				depends: ['recorded']
			},
			{ key: 'estimated_victims_lower', label: 'Lower estimate', type: 'estimate' },
			{ key: 'estimated_victims_upper', label: 'Upper estimate', type: 'estimate' },
			{
				key: 'reporting_ratio',
				label: 'Recorded as a share of estimated',
				type: 'ratio',
				depends: ['recorded']
			},
			{
				key: 'estimated_unreported',
				label: 'Estimated not recorded',
				type: 'estimate',
				depends: ['recorded']
			}
		],
		rows: years.map((y) => ({
			fy: y.fy,
			recorded: y.recorded,
			estimated_victims: roundEstimate(y.estimated_victims),
			estimated_victims_lower: roundEstimate(y.estimated_victims_lower),
			estimated_victims_upper: roundEstimate(y.estimated_victims_upper),
			reporting_ratio: y.reporting_ratio,
			estimated_unreported: roundEstimate(y.estimated_unreported)
		})),
		scopes: years.map((y) => {
			const start = Number(y.fy.slice(0, 4));
			return { from: `${start}-04`, to: `${start + 1}-03`, area: FORCE };
		})
	};
	// The survey's interval is not always loaded: a column with no figure at all is left out.
	figure.columns = figure.columns.filter(
		(c) => c.type !== 'estimate' || figure.rows.some((row) => row[c.key] !== null)
	);
	const carried = r.years.some((y) => y.complete && y.carried_forward);
	return {
		id: 'under_reporting',
		title: 'Under-reporting',
		method: [
			"Most stalking is never reported to the police. The estimated number of adults stalked is the Crime Survey for England and Wales prevalence (the share of adults aged 16 and over who experienced stalking in the last year) times the force area's population aged 16 and over; the lower and upper estimates use the survey's confidence interval. Estimates are rounded to the nearest 10.",
			'Recorded crimes count offences, not people: one victim may be the victim of more than one recorded crime, and the survey counts people. The comparison shows the scale of the gap, not an exact count of unreported victims.',
			...(carried
				? [
						"Where the survey has not yet published a year, the latest earlier year's prevalence is carried forward."
					]
				: [])
		],
		figures: [figure],
		sums: [],
		words: (published) => {
			const last = lastRow(published[0]);
			if (!last) {
				return `No full financial year up to ${monthLong(c.to)} has both recorded crimes and a survey estimate.`;
			}
			if (typeof last.reporting_ratio !== 'number') {
				return `In ${last.fy} the force recorded ${countWords(last.recorded, 'stalking crimes')}; no survey estimate is available to set them against.`;
			}
			return `In ${last.fy} the force recorded ${countWords(last.recorded, 'stalking crimes')} against an estimated ${fmtCount(last.estimated_victims as number)} adults stalked in its area: recorded crimes were ${fmtPct(last.reporting_ratio)} of the estimate.`;
		}
	};
}

function roundEstimate(x: number | null): number | null {
	return x === null ? null : Math.round(x / 10) * 10;
}

// ---------------------------------------------------------------------------------------------
// Identification at first contact

async function identificationSection(c: BuildContext): Promise<SectionBuild> {
	const r = await identification(c.db, await stalkingFilters(c, c.from, c.to));
	const cells = (x: (typeof r)['totals']) => ({
		da_incidents: x.da_incidents,
		da_stalking_identified: x.da_stalking_identified,
		da_identification_rate: x.da_identification_rate,
		linked_crimes: x.linked_crimes,
		identified_at_first_contact: x.identified_at_first_contact,
		first_contact_rate: x.first_contact_rate
	});
	const figure: Figure = {
		id: 'identification-by-month',
		title: `Stalking identified at first contact by month, ${c.periodText}`,
		columns: [
			monthCol,
			{ key: 'da_incidents', label: 'Domestic-abuse incidents', type: 'count' },
			{ key: 'da_stalking_identified', label: 'Stalking identified', type: 'count' },
			{
				key: 'da_identification_rate',
				label: 'Identification rate',
				type: 'rate',
				numerator: 'da_stalking_identified',
				denominator: 'da_incidents'
			},
			{ key: 'linked_crimes', label: 'Stalking crimes from an incident', type: 'count' },
			{
				key: 'identified_at_first_contact',
				label: 'Identified at first contact',
				type: 'count'
			},
			{
				key: 'first_contact_rate',
				label: 'First-contact rate',
				type: 'rate',
				numerator: 'identified_at_first_contact',
				denominator: 'linked_crimes'
			}
		],
		rows: [
			...r.months.map((m) => ({ month: m.month, ...cells(m) })),
			{ month: TOTAL, ...cells(r.totals) }
		],
		scopes: [
			...r.months.map((m) => ({ from: m.month, to: m.month, area: FORCE })),
			{ from: c.from, to: c.to, area: FORCE }
		],
		total_row: true,
		chart: { kind: 'lines', x: 'month', y: ['da_identification_rate', 'first_contact_rate'] }
	};
	return {
		id: 'identification',
		title: 'Recognising stalking at first contact',
		method: [
			'Identification rate: domestic-abuse incidents where the call handler or attending officer recorded stalking, out of all domestic-abuse incidents opened in the month.',
			'First-contact rate: recorded stalking crimes that came from an incident, where that incident was already flagged as stalking, out of all stalking crimes that came from an incident.'
		],
		figures: [figure],
		sums: [],
		words: (published) => {
			const t = lastRow(published[0]);
			if (!t) return '';
			return `In ${c.periodText} stalking was identified in ${countWords(t.da_stalking_identified)} of ${countWords(t.da_incidents, 'domestic-abuse incidents')} (${rateWords(t.da_identification_rate)}). Of ${countWords(t.linked_crimes, 'stalking crimes')} that came from an incident, ${countWords(t.identified_at_first_contact)} (${rateWords(t.first_contact_rate)}) had been recognised as stalking at first contact.`;
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Training coverage

async function trainingSection(c: BuildContext): Promise<SectionBuild> {
	const r = await training(c.db, await stalkingFilters(c, c.from, c.to));
	const figures = [
		coverageByRole(
			r,
			'training-by-role',
			`Stalking training coverage by role at the end of ${monthLong(c.to)}`
		)
	];
	if (c.areaLevel === 'districts') {
		figures.push(
			coverageByArea(
				r,
				'training-by-area',
				`Stalking training coverage by area at the end of ${monthLong(c.to)}`,
				c.areas
			)
		);
	}
	const roles = r.filters.role.map((x) => ROLE_LABELS[x]?.toLowerCase() ?? x).join(' and ');
	return {
		id: 'training',
		title: 'Training',
		method: [
			`Coverage: staff in post in the target roles (${roles}) at the month end who had completed the stalking course by then, out of all staff in post in those roles. The force's target is ${fmtPct(r.target.coverage, 0)} by ${periodLabel(r.target.date.slice(0, 7), r.target.date.slice(0, 7))}.`,
			'Staff with no area recorded count towards the force but no area.'
		],
		figures,
		sums: [],
		words: (published) => {
			const t = lastRow(published[0]);
			if (!t) return '';
			return `At the end of ${monthLong(c.to)}, ${countWords(t.trained)} of ${countWords(t.in_scope, 'staff')} in the target roles had completed the stalking course (${rateWords(t.coverage)}).`;
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Safeguarding (issue 11): where suppression matters most, as orders are few.

async function kindHasRows(db: Queryable, table: 'risk_assessments' | 'protective_orders') {
	const row = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
	return (row?.n ?? 0) > 0;
}

async function safeguardingSection(c: BuildContext): Promise<SectionBuild> {
	const f = await stalkingFilters(c, c.from, c.to);
	const [s, j, assessments, orders] = await Promise.all([
		safeguarding(c.db, f),
		journey(c.db, f),
		kindHasRows(c.db, 'risk_assessments'),
		kindHasRows(c.db, 'protective_orders')
	]);
	const days = s.settings.risk_assessment_days;
	const figures: Figure[] = [];
	if (assessments) {
		figures.push(
			riskFigure(s, 'safeguarding-risk', `Risk assessment and referral by month, ${c.periodText}`)
		);
	}
	if (orders) {
		figures.push(
			ordersPeriodFigure(
				s,
				j,
				'safeguarding-orders',
				`Stalking Protection Orders applied for in ${c.periodText}`,
				periodLabel(c.from, c.to)
			)
		);
	}
	figures.push(
		recognitionFigure(
			s,
			'safeguarding-recognition',
			`Stalking recorded as stalking among harassment-type crimes, ${c.periodText}`,
			{ sameAsRecorded: f.codes.length === 1 && f.codes[0] === '8Q' }
		),
		journeyRowFigure(
			j,
			'safeguarding-journey',
			`From report to charge: what happened to the stalking crimes recorded in ${c.periodText}`,
			periodLabel(c.from, c.to)
		)
	);
	const orderTypes = orderTypesLabel(s.settings.order_types);
	const missing = [
		...(assessments ? [] : ['risk assessments']),
		...(orders ? [] : ['protective orders'])
	];
	return {
		id: 'safeguarding',
		title: 'Safeguarding and recognising stalking',
		method: [
			`Risk assessment rate: stalking crimes with a risk assessment (naming the crime or its incident) completed no later than ${days} days after the crime was recorded, out of all stalking crimes recorded in the month. MARAC referral rate: of crimes assessed as high risk. Advocacy referral rate: crimes referred to a specialist stalking or domestic-abuse advocacy service, out of all stalking crimes recorded.`,
			`Orders: ${orderTypes} the force applied to the court for in the period (monthly counts are too small to publish safely); the grant rate is out of orders granted or refused, and breaches are those recorded so far. The median time from the crime being recorded to the application is shown only when it is over at least 10 orders.`,
			'Recognition: crimes recorded as stalking (8Q) out of all harassment-type crimes (harassment 8L and 8M, stalking 8Q, malicious communications 8R). Reclassified: stalking crimes first recorded as another offence, out of those whose first code the records system kept.',
			...(missing.length
				? [
						`No ${missing.join(' or ')} data is loaded, so those figures are not shown; they are not zero.`
					]
				: [])
		],
		figures,
		sums: SAFEGUARDING_SUMS,
		words: (published) => {
			const byId = new Map(published.map((p) => [p.id, p]));
			const risk = lastRow(byId.get('safeguarding-risk'));
			const ord = lastRow(byId.get('safeguarding-orders'));
			const rec = lastRow(byId.get('safeguarding-recognition'));
			const parts: string[] = [];
			if (risk) {
				parts.push(
					`In ${c.periodText}, ${countWords(risk.risk_assessed)} of ${countWords(risk.recorded, 'stalking crimes')} (${rateWords(risk.risk_assessment_rate)}) were risk assessed within ${days} day${days === 1 ? '' : 's'}, and ${countWords(risk.advocacy_referred)} (${rateWords(risk.advocacy_rate)}) were referred to specialist advocacy.`
				);
			}
			if (ord) {
				parts.push(
					`The force applied for ${countWords(ord.orders_applied, 'orders')}; ${countWords(ord.orders_granted)} were granted and ${countWords(ord.orders_refused)} refused.`
				);
			}
			if (rec && typeof rec.stalking_share === 'number') {
				parts.push(
					`${fmtPct(rec.stalking_share)} of harassment-type crimes were recorded as stalking.`
				);
			}
			return parts.join(' ');
		}
	};
}

const BUILDERS: Record<SectionId, (c: BuildContext) => Promise<SectionBuild>> = {
	arrests_and_charges: arrestsAndCharges,
	under_reporting: underReporting,
	identification: identificationSection,
	training: trainingSection,
	safeguarding: safeguardingSection
};

export const SECTION_TITLES: Record<SectionId, string> = {
	arrests_and_charges: 'Arrests and charges',
	under_reporting: 'Under-reporting',
	identification: 'Recognising stalking at first contact',
	training: 'Training',
	safeguarding: 'Safeguarding and recognising stalking'
};

export async function buildSections(c: BuildContext, ids: SectionId[]): Promise<SectionBuild[]> {
	const out: SectionBuild[] = [];
	for (const id of ids) out.push(await BUILDERS[id](c));
	return out;
}
