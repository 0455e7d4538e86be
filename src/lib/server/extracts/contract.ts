// The extract contract (extracts.md v1) as data: kinds, columns, types, allowed values, keys.

export type ColumnType =
	'ref' | 'text' | 'enum' | 'date' | 'timestamp' | 'flag' | 'integer' | 'decimal';

export interface Column {
	name: string;
	type: ColumnType;
	required: boolean;
	/**
	 * Allowed values for enums, in their stored spelling. A cell matches ignoring case, spaces and
	 * hyphens (`Response Officer` is `response_officer`; see canonical.ts).
	 */
	values?: readonly string[];
	/** A one-line description an analyst reads in a report or a template. */
	description: string;
	/**
	 * A date something is due to happen (an order's expiry), not a record of something done: it may
	 * be after the upload day, and it says nothing about when the extract was taken, so it is left
	 * out of the file's latest date (as-at date, freshness).
	 */
	ahead?: boolean;
}

export interface Kind {
	name: KindName;
	label: string;
	/** Reference kinds are uploaded rarely and describe the population, not police activity. */
	reference: boolean;
	columns: readonly Column[];
	key: readonly string[];
}

export const KIND_NAMES = [
	'crimes',
	'arrests',
	'outcomes',
	'incidents',
	'risk_assessments',
	'protective_orders',
	'workforce',
	'training',
	'population',
	'prevalence'
] as const;
export type KindName = (typeof KIND_NAMES)[number];

export const RELATIONSHIPS = [
	'intimate_partner',
	'ex_partner',
	'family',
	'acquaintance',
	'stranger',
	'unknown'
] as const;
export const VICTIM_SEXES = ['F', 'M', 'X', 'U'] as const;
export const AGE_BANDS = [
	'under_16',
	'16_24',
	'25_34',
	'35_44',
	'45_54',
	'55_64',
	'65_plus',
	'unknown'
] as const;
export const WORKFORCE_ROLES = [
	'response_officer',
	'control_room',
	'neighbourhood_officer',
	'investigator',
	'other'
] as const;

export const RISK_TOOLS = ['dash', 'dara', 's_dash', 'other'] as const;
export const RISK_LEVELS = ['standard', 'medium', 'high'] as const;
export const ORDER_TYPES = [
	'spo',
	'interim_spo',
	'dapo',
	'dvpo',
	'restraining_order',
	'other'
] as const;
export const ORDER_STATUSES = ['pending', 'granted', 'refused', 'withdrawn'] as const;

const col = (
	name: string,
	type: ColumnType,
	required: boolean,
	description: string,
	values?: readonly string[]
): Column => ({ name, type, required, description, values });

export const KINDS: Record<KindName, Kind> = {
	crimes: {
		name: 'crimes',
		label: 'Crimes',
		reference: false,
		key: ['crime_ref'],
		columns: [
			col('crime_ref', 'ref', true, 'pseudonymised crime reference'),
			col('recorded_date', 'date', true, 'date the crime was recorded'),
			col('offence_code', 'text', true, 'Home Office class code, e.g. 8Q stalking'),
			col('area', 'text', true, 'local policing area / district'),
			col('domestic_abuse', 'flag', true, 'crime flagged as domestic abuse'),
			col('relationship', 'enum', false, 'victim-suspect relationship', RELATIONSHIPS),
			col('victim_sex', 'enum', false, 'victim sex', VICTIM_SEXES),
			col('victim_age_band', 'enum', false, 'victim age band', AGE_BANDS),
			col('incident_ref', 'ref', false, 'control-room incident the crime came from'),
			col(
				'first_offence_code',
				'text',
				false,
				'the offence code the crime had when first recorded, if the records system keeps it (stalking recognised later shows as a change to 8Q)'
			)
		]
	},
	arrests: {
		name: 'arrests',
		label: 'Arrests',
		reference: false,
		key: ['arrest_ref'],
		columns: [
			col('arrest_ref', 'ref', true, 'pseudonymised arrest reference'),
			col('crime_ref', 'ref', true, 'the crime the arrest is for'),
			col('arrest_date', 'date', true, 'date of arrest')
		]
	},
	outcomes: {
		name: 'outcomes',
		label: 'Outcomes',
		reference: false,
		key: ['crime_ref'],
		columns: [
			col('crime_ref', 'ref', true, 'the crime'),
			col('outcome_type', 'text', true, 'Home Office outcome number 0-22, optional letter suffix'),
			col('outcome_date', 'date', true, 'date the outcome was assigned')
		]
	},
	incidents: {
		name: 'incidents',
		label: 'Control-room incidents',
		reference: false,
		key: ['incident_ref'],
		columns: [
			col('incident_ref', 'ref', true, 'pseudonymised incident reference'),
			col('opened_at', 'timestamp', true, 'when the call was received'),
			col('area', 'text', true, 'local policing area / district'),
			col('domestic_abuse', 'flag', true, 'incident flagged as domestic abuse'),
			col('stalking_identified', 'flag', true, 'handler identified stalking at first contact'),
			col('handler_ref', 'ref', false, 'pseudonymised staff ref of the call handler')
		]
	},
	risk_assessments: {
		name: 'risk_assessments',
		label: 'Risk assessments',
		reference: false,
		key: ['assessment_ref'],
		columns: [
			col('assessment_ref', 'ref', true, 'pseudonymised assessment reference'),
			col(
				'crime_ref',
				'ref',
				false,
				'the crime assessed (one of crime_ref or incident_ref is required)'
			),
			col('incident_ref', 'ref', false, 'the incident assessed'),
			col(
				'tool',
				'enum',
				true,
				'dash, dara (College of Policing domestic abuse risk assessment), s_dash (stalking screening) or other',
				RISK_TOOLS
			),
			col('completed_at', 'timestamp', true, 'when the assessment was completed'),
			col('risk_level', 'enum', true, 'risk level assessed', RISK_LEVELS),
			col(
				'marac_referral',
				'flag',
				false,
				'referred to the multi-agency risk assessment conference'
			),
			col(
				'advocacy_referral',
				'flag',
				false,
				'referred to a specialist stalking or domestic-abuse advocacy service'
			)
		]
	},
	protective_orders: {
		name: 'protective_orders',
		label: 'Protective orders',
		reference: false,
		key: ['order_ref'],
		columns: [
			col('order_ref', 'ref', true, 'pseudonymised order reference'),
			col(
				'order_type',
				'enum',
				true,
				'spo (Stalking Protection Order), interim_spo, dapo (Domestic Abuse Protection Order), dvpo, restraining_order or other',
				ORDER_TYPES
			),
			col('crime_ref', 'ref', false, 'the crime the application rests on, if any'),
			col('area', 'text', true, 'local policing area / district'),
			col('applied_date', 'date', true, 'the date the force applied to the court'),
			col('status', 'enum', true, 'where the application stands', ORDER_STATUSES),
			col('decision_date', 'date', false, 'required unless pending; not before applied_date'),
			{
				...col('expires_date', 'date', false, 'when a granted order ends, if it has an end'),
				ahead: true
			},
			col(
				'breach_count',
				'integer',
				false,
				'breaches recorded so far (≥ 0; empty means not recorded)'
			)
		]
	},
	workforce: {
		name: 'workforce',
		label: 'Workforce',
		reference: false,
		key: ['staff_ref'],
		columns: [
			col('staff_ref', 'ref', true, 'pseudonymised staff reference'),
			col('role', 'enum', true, 'role', WORKFORCE_ROLES),
			col('area', 'text', false, 'area the person works in'),
			col('start_date', 'date', true, 'start in post'),
			col('end_date', 'date', false, 'end in post; empty while in post')
		]
	},
	training: {
		name: 'training',
		label: 'Training',
		reference: false,
		key: ['staff_ref', 'course'],
		columns: [
			col('staff_ref', 'ref', true, 'pseudonymised staff reference'),
			col('course', 'text', true, 'course identifier, e.g. stalking'),
			col('completed_date', 'date', true, 'date the course was completed')
		]
	},
	population: {
		name: 'population',
		label: 'Population (reference)',
		reference: true,
		key: ['area', 'year'],
		columns: [
			col('area', 'text', true, 'same names as crimes.area'),
			col('year', 'integer', true, 'mid-year of the estimate'),
			col('population_16plus', 'integer', true, 'adults aged 16+'),
			col('ons_code', 'text', false, "the area's ONS code, e.g. E06000018"),
			col('source', 'text', false, 'citation of the estimate')
		]
	},
	prevalence: {
		name: 'prevalence',
		label: 'Survey prevalence (reference)',
		reference: true,
		key: ['year'],
		columns: [
			col('year', 'integer', true, 'first year of the financial year'),
			col('rate_pct', 'decimal', true, '% of adults 16+ stalked in the last 12 months'),
			col('lower_pct', 'decimal', false, 'lower bound of the confidence interval'),
			col('upper_pct', 'decimal', false, 'upper bound of the confidence interval'),
			col('source', 'text', false, 'citation shown on the page')
		]
	}
};

/** The names of a kind's contract columns. */
export function columnNames(kind: KindName): ReadonlySet<string> {
	return new Set(KINDS[kind].columns.map((c) => c.name));
}

/** Every column name of any kind of extract. */
export const ALL_COLUMN_NAMES: ReadonlySet<string> = new Set(
	KIND_NAMES.flatMap((k) => KINDS[k].columns.map((c) => c.name))
);

export function isKindName(value: string): value is KindName {
	return (KIND_NAMES as readonly string[]).includes(value);
}

/** A date or timestamp column that records something done, so the extract was taken after it. */
export function isRecordDate(c: Column): boolean {
	return (c.type === 'date' || c.type === 'timestamp') && !c.ahead;
}

/** Each kind's column lists as the Extracts page checks a header and finds its latest date. */
export function kindColumnLists(): {
	kind: KindName;
	label: string;
	required: string[];
	optional: string[];
	dates: string[];
}[] {
	return KIND_NAMES.map((k) => ({
		kind: k,
		label: KINDS[k].label,
		required: KINDS[k].columns.filter((c) => c.required).map((c) => c.name),
		optional: KINDS[k].columns.filter((c) => !c.required).map((c) => c.name),
		dates: KINDS[k].columns.filter(isRecordDate).map((c) => c.name)
	}));
}
