// The shapes every metrics function returns (api.md), shared by pages, API, CSV and tests.

export type DomesticAbuse = 'all' | 'Y' | 'N';

/** Validated filters: what every metrics function takes. */
export interface Filters {
	/** First month, `YYYY-MM`, inclusive. */
	from: string;
	/** Last month, `YYYY-MM`, inclusive. */
	to: string;
	/** One area name as the data spells it, or `all`. */
	area: string;
	/** The offence group name, or the custom code list as given (`8Q,8L`). */
	offences: string;
	/** The offence codes in scope, upper-case. */
	codes: string[];
	domestic_abuse: DomesticAbuse;
	/** The dataset's as-at date, `YYYY-MM-DD` (as-at.ts), or null when no police data is loaded. */
	as_of: string | null;
	/** The latest complete month; months after it are `incomplete` and never judged. */
	complete_to: string;
}

/** Crime, arrest and charge figures for one month (metrics.md "Crime, arrest and charge"). */
export interface CrimeFigures {
	recorded: number;
	arrests: number;
	arrested_crimes: number;
	arrest_rate: number | null;
	charges: number;
	charged_recorded: number;
	charge_rate: number | null;
	outcome_assigned: number;
	charge_rate_assigned: number | null;
	open: number;
	median_days_to_charge: number | null;
	/** Charges whose outcome is dated before the crime was recorded: left out of the median. */
	charged_before_recorded: number;
}

export interface MonthlyRow extends CrimeFigures {
	month: string;
	/** Recorded less than 90 days before the as-at date: its charge rate will still rise. */
	provisional: boolean;
	/** After the latest complete month (metrics.md): shown only when asked for, never judged. */
	incomplete: boolean;
}

export interface MonthlyResult {
	filters: Filters;
	months: MonthlyRow[];
	totals: CrimeFigures;
}

export interface OutcomesResult {
	filters: Filters;
	/** Group names in display order (reference groups, then `none`). */
	groups: string[];
	months: { month: string; incomplete: boolean; groups: Record<string, number> }[];
}

export interface ReportingYear {
	/** `2023/24`. */
	fy: string;
	/** False for a part year: its March is not complete (or is outside the period). */
	complete: boolean;
	/** The last month counted, `YYYY-MM` (March for a full year). */
	last_month: string;
	recorded: number;
	population_16plus: number | null;
	prevalence_pct: number | null;
	carried_forward: boolean;
	estimated_victims: number | null;
	estimated_victims_lower: number | null;
	estimated_victims_upper: number | null;
	reporting_ratio: number | null;
	estimated_unreported: number | null;
}

export interface ReportingResult {
	filters: Filters;
	years: ReportingYear[];
}

export interface IdentificationFigures {
	da_incidents: number;
	da_stalking_identified: number;
	da_identification_rate: number | null;
	linked_crimes: number;
	identified_at_first_contact: number;
	first_contact_rate: number | null;
	trained_handler_incidents: number;
	trained_handler_identified: number;
	untrained_handler_incidents: number;
	untrained_handler_identified: number;
}

export interface IdentificationResult {
	filters: Filters;
	months: (IdentificationFigures & { month: string; incomplete: boolean })[];
	totals: IdentificationFigures;
}

export interface CoverageFigures {
	in_scope: number;
	trained: number;
	coverage: number | null;
}

export interface TrainingResult {
	filters: Filters & { role: string[] };
	target: { date: string; coverage: number };
	months: (CoverageFigures & { month: string; incomplete: boolean; total_trained: number })[];
	/** At the last month end of the period. */
	by_role: (CoverageFigures & { role: string })[];
	/** At the last month end of the period; staff with no area are under `unknown`. */
	by_area: (CoverageFigures & { area: string })[];
}

export type Signal = 'outside' | 'shift' | 'trend' | 'two_of_three';

export interface SpcPoint {
	month: string;
	value: number;
	/** Null when the point's segment has fewer than 12 points ("not enough data yet"). */
	centre: number | null;
	ucl: number | null;
	lcl: number | null;
	signals: Signal[];
	/** An incomplete month: never in the baseline, never a signal. */
	incomplete: boolean;
}

export const SPC_METRICS = ['recorded', 'arrests', 'charges'] as const;
export type SpcMetric = (typeof SPC_METRICS)[number];

export interface SpcResult {
	filters: Filters;
	metric: SpcMetric;
	points: SpcPoint[];
	/** One plain-English sentence about the series (summary.ts). */
	summary: string;
}

/** Safeguarding and recognition counts for a month or the period (metrics.md "Safeguarding"). */
export interface SafeguardingFigures {
	recorded: number;
	risk_assessed: number;
	risk_assessment_rate: number | null;
	risk_standard: number;
	risk_medium: number;
	risk_high: number;
	marac_referred_high: number;
	marac_rate: number | null;
	advocacy_referred: number;
	advocacy_rate: number | null;
	orders_applied: number;
	orders_granted: number;
	orders_refused: number;
	orders_withdrawn: number;
	orders_pending: number;
	grant_rate: number | null;
	/** Over orders applied for whose crime is loaded; null when there are none. */
	median_days_to_application: number | null;
	/** How many orders the median is over. */
	orders_with_crime: number;
	harassment_type_crimes: number;
	stalking_recorded: number;
	stalking_share: number | null;
	first_code_known: number;
	reclassified_to_stalking: number;
	reclassified_rate: number | null;
}

export interface SafeguardingMonth extends SafeguardingFigures {
	month: string;
	incomplete: boolean;
	/** Granted orders of the counted types in force at the month's last day (a stock, not summed). */
	orders_in_force: number;
}

export interface SafeguardingResult {
	filters: Filters;
	settings: { risk_assessment_days: number; order_types: string[] };
	months: SafeguardingMonth[];
	/** Summed from the months; the median over the whole period's orders; breaches totals only. */
	totals: SafeguardingFigures & { breaches: number; orders_in_force_at_end: number };
}

export interface JourneyStep {
	key: string;
	label: string;
	/** Null when the data kind the step needs holds no rows ("no data loaded", never 0). */
	count: number | null;
	/** The key of the step this one is counted out of (api.md `of`). */
	of: string | null;
	denominator: number | null;
	rate: number | null;
	/** The extract kind the step reads. */
	kind: string;
}

export interface JourneyResult {
	filters: Filters;
	settings: { risk_assessment_days: number; order_types: string[] };
	/** recorded, identified_at_first_contact, risk_assessed, advocacy_referred, arrested, charged. */
	steps: JourneyStep[];
	/** applied, granted, breached. */
	orders: JourneyStep[];
}
