// The OpenAPI 3.1 description of the HTTP API (api.md), served at GET /api/v1/openapi.json. Written
// from the code the routes call (metrics/*, extracts/api.ts, publish/api.ts), not from api.md alone:
// tests/e2e/openapi.test.ts calls every operation for real and validates each answer against these
// schemas, so a field, status or route added without its description here fails the build.
// Response objects whose shape the code fixes say `additionalProperties: false`.
import { KIND_NAMES, ORDER_TYPES } from './extracts/contract';
import { NAME_MAX } from './extracts/mappings';
import { MAX_PER_PAGE } from './extracts/refused';
import { MAX_PROBLEMS, PAGE_SIZE } from './extracts/report';
import { VERSION } from './health';
import { WORKFORCE_ROLES } from './metrics/training';
import { SPC_METRICS } from './metrics/types';
import { AREA_LEVELS, PERIOD_KINDS, SECTION_IDS } from './publish/request';

/** A JSON Schema (2020-12) or OpenAPI object, typed loosely. */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The schema, or null. */
function nullable(s: Schema): Schema {
	if ('$ref' in s) return { anyOf: [s, { type: 'null' }] };
	const out: Schema = { ...s, type: [s.type, 'null'] };
	if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
	return out;
}

/**
 * An object with exactly these properties, all required except `optional`. `open` leaves it open to
 * properties not listed (where the code's shape is not fixed).
 */
function object(
	properties: Record<string, Schema>,
	opts: { optional?: string[]; open?: boolean; description?: string } = {}
): Schema {
	const required = Object.keys(properties).filter((k) => !opts.optional?.includes(k));
	return {
		type: 'object',
		...(opts.description ? { description: opts.description } : {}),
		properties,
		...(required.length ? { required } : {}),
		...(opts.open ? {} : { additionalProperties: false })
	};
}

const arrayOf = (items: Schema, description?: string): Schema => ({
	type: 'array',
	items,
	...(description ? { description } : {})
});

const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const count: Schema = { type: 'integer', minimum: 0 };
const month: Schema = { type: 'string', pattern: MONTH_PATTERN, examples: ['2024-04'] };
const date: Schema = { type: 'string', format: 'date' };
const timestamp: Schema = { type: 'string', format: 'date-time' };
/** A rate or other fraction: null when its denominator is 0 (never 0 in its place). */
const rate: Schema = {
	type: ['number', 'null'],
	minimum: 0,
	description: 'A fraction (0.25 = 25%); null when the denominator is 0.'
};
const numberOrNull: Schema = { type: ['number', 'null'] };

// ---------------------------------------------------------------------------------------------
// Component schemas

const crimeFigures: Record<string, Schema> = {
	recorded: count,
	arrests: count,
	arrested_crimes: count,
	arrest_rate: rate,
	charges: count,
	charged_recorded: count,
	charge_rate: rate,
	outcome_assigned: count,
	charge_rate_assigned: rate,
	open: count,
	median_days_to_charge: { ...numberOrNull, minimum: 0 },
	charged_before_recorded: {
		...count,
		description: 'Charges dated before their crime was recorded: left out of the median.'
	}
};

const identificationFigures: Record<string, Schema> = {
	da_incidents: count,
	da_stalking_identified: count,
	da_identification_rate: rate,
	linked_crimes: count,
	identified_at_first_contact: count,
	first_contact_rate: rate,
	trained_handler_incidents: count,
	trained_handler_identified: count,
	untrained_handler_incidents: count,
	untrained_handler_identified: count
};

const coverageFigures: Record<string, Schema> = {
	in_scope: count,
	trained: count,
	coverage: rate
};

const safeguardingFigures: Record<string, Schema> = {
	recorded: count,
	risk_assessed: count,
	risk_assessment_rate: rate,
	risk_standard: count,
	risk_medium: count,
	risk_high: count,
	marac_referred_high: count,
	marac_rate: rate,
	advocacy_referred: count,
	advocacy_rate: rate,
	orders_applied: count,
	orders_granted: count,
	orders_refused: count,
	orders_withdrawn: count,
	orders_pending: count,
	grant_rate: rate,
	median_days_to_application: {
		...numberOrNull,
		description: 'Over orders applied for whose crime is loaded; null when there are none.'
	},
	orders_with_crime: { ...count, description: 'How many orders the median is over.' },
	harassment_type_crimes: count,
	stalking_recorded: count,
	stalking_share: rate,
	first_code_known: count,
	reclassified_to_stalking: count,
	reclassified_rate: rate
};

/** The settings a safeguarding answer was counted with (admin settings). */
const safeguardingSettings: Schema = object({
	risk_assessment_days: { type: 'integer', minimum: 0 },
	order_types: arrayOf({ type: 'string', enum: [...ORDER_TYPES] })
});

/** An upload as the history lists it; `Upload` adds its validation report. */
const uploadFields: Record<string, Schema> = {
	id: { type: 'string', examples: ['up12'] },
	kind: { type: 'string', enum: [...KIND_NAMES] },
	mode: { type: 'string', enum: ['merge', 'replace'] },
	active: bool,
	rows: count,
	inserted: count,
	replaced: count,
	warnings: arrayOf(str),
	sha256: {
		type: 'string',
		pattern: '^[0-9a-f]{64}$',
		description: 'Of the file as sent.'
	},
	archive_sha256: {
		type: 'string',
		pattern: '^[0-9a-f]{64}$',
		description:
			'Of the archived file (GET …/file): the file itself, or without its extra columns when it had any.'
	},
	file_name: nullable(str),
	bytes: count,
	uploaded_at: timestamp,
	uploaded_by: str,
	as_of: { ...date, description: 'The day the extract was taken from the source system.' },
	changed_at: { ...nullable(timestamp), description: 'When it was last rolled back or restored.' },
	changed_by: nullable(str),
	file_purged_at: nullable(timestamp),
	file_purged_by: nullable(str),
	file_purge_reason: nullable(str)
};

const summaryRequestFields: Record<string, Schema> = {
	title: { type: 'string', minLength: 3, maxLength: 120 },
	period: object({
		kind: { type: 'string', enum: [...PERIOD_KINDS] },
		to: {
			...month,
			description:
				'The last month: a complete month; a quarter ends in Jun, Sep, Dec or Mar, a financial year in March.'
		}
	}),
	area_level: { type: 'string', enum: [...AREA_LEVELS], default: 'force' },
	sections: {
		type: 'array',
		items: { type: 'string', enum: [...SECTION_IDS] },
		minItems: 1,
		uniqueItems: true
	},
	commentary: {
		type: 'string',
		maxLength: 5000,
		default: '',
		description: 'Plain text or the small Markdown subset (paragraphs, emphasis, lists, links).'
	},
	support_lines: {
		type: 'array',
		maxItems: 10,
		default: [],
		items: object({
			name: { type: 'string', minLength: 1, maxLength: 100 },
			phone: { type: 'string', pattern: '^\\s*[0-9 +()-]{3,20}\\s*$' }
		})
	}
};

/** The filters every metrics answer echoes, as validated and applied (defaults filled in). */
const filtersFields: Record<string, Schema> = {
	from: month,
	to: month,
	area: { type: 'string', description: 'An area name as the data spells it, or `all`.' },
	offences: {
		type: 'string',
		description: 'The offence group name, or the custom code list as given (`8Q,8L`).'
	},
	codes: arrayOf({ type: 'string', pattern: '^\\d{1,3}[A-Z]{0,2}$' }),
	domestic_abuse: { type: 'string', enum: ['all', 'Y', 'N'] },
	as_of: {
		...nullable(date),
		description: "The dataset's as-at date; null when no police data is loaded."
	},
	complete_to: { ...month, description: 'The latest complete month.' }
};

/** A column mapping as it is sent and saved (protocol.md "Mappings"). */
const mappingFields: Record<string, Schema> = {
	name: {
		type: 'string',
		minLength: 1,
		maxLength: NAME_MAX,
		description: 'The source it is for, e.g. "Niche crimes export".'
	},
	kind: { type: 'string', enum: [...KIND_NAMES] },
	header: arrayOf(str, "The source file's header it was made for (to recognise the next file by)."),
	columns: {
		type: 'object',
		description: 'Source column → contract column, or null to ignore the column.',
		additionalProperties: { type: ['string', 'null'] }
	},
	values: {
		type: 'object',
		description: 'Contract column (enum or flag) → source value → contract value.',
		additionalProperties: { type: 'object', additionalProperties: str }
	}
};

const schemas: Record<string, Schema> = {
	Backup: object({
		id: str,
		created_at: timestamp,
		created_by: str,
		method: { type: 'string', enum: ['direct', 'server'] },
		folder: nullable(str),
		bytes: count,
		tables: count,
		rows: count,
		files: count,
		schema_version: count,
		manifest_sha256: str,
		seconds: numberOrNull,
		verified: nullable(bool),
		verified_at: nullable(timestamp),
		problem: nullable(str)
	}),
	Filters: object(filtersFields, {
		description: 'The filters as validated and applied, defaults filled in.'
	}),
	CrimeFigures: object(crimeFigures, {
		description: 'Crime, arrest and charge figures over a month or the whole period.'
	}),
	MonthlyRow: object(
		{
			month,
			...crimeFigures,
			provisional: {
				...bool,
				description:
					'The month ended less than 90 days before the as-at date: its charge rate will still rise.'
			},
			incomplete: {
				...bool,
				description: 'After the latest complete month: shown only when asked for, never judged.'
			}
		},
		{ description: 'One month of the monthly series; every month of the period is present.' }
	),
	MonthlyResult: object({
		filters: ref('Filters'),
		months: arrayOf(ref('MonthlyRow')),
		totals: ref('CrimeFigures')
	}),
	OutcomesResult: object({
		filters: ref('Filters'),
		groups: arrayOf(str, 'Group names in display order (reference groups, then `none`).'),
		months: arrayOf(
			object({
				month,
				incomplete: bool,
				groups: {
					type: 'object',
					description:
						'Crimes recorded in the month by the group of their current outcome; `none` = no outcome yet.',
					additionalProperties: count
				}
			})
		)
	}),
	ReportingYear: object({
		fy: { type: 'string', pattern: '^\\d{4}/\\d{2}$', examples: ['2023/24'] },
		complete: { ...bool, description: 'False for a part year (its March is not complete).' },
		last_month: month,
		recorded: count,
		population_16plus: nullable(count),
		prevalence_pct: { ...numberOrNull, minimum: 0 },
		carried_forward: bool,
		estimated_victims: { ...numberOrNull, minimum: 0 },
		estimated_victims_lower: { ...numberOrNull, minimum: 0 },
		estimated_victims_upper: { ...numberOrNull, minimum: 0 },
		reporting_ratio: { ...numberOrNull, minimum: 0, description: 'Null for a part year.' },
		estimated_unreported: { ...numberOrNull, minimum: 0, description: 'Null for a part year.' }
	}),
	ReportingResult: object({ filters: ref('Filters'), years: arrayOf(ref('ReportingYear')) }),
	IdentificationFigures: object(identificationFigures),
	IdentificationResult: object({
		filters: ref('Filters'),
		months: arrayOf(object({ month, incomplete: bool, ...identificationFigures })),
		totals: ref('IdentificationFigures')
	}),
	TrainingResult: object({
		filters: object(
			{ ...filtersFields, role: arrayOf({ type: 'string', enum: [...WORKFORCE_ROLES] }) },
			{ description: 'The filters, plus the roles counted.' }
		),
		target: object({ date, coverage: { type: 'number', minimum: 0, maximum: 1 } }),
		months: arrayOf(object({ month, incomplete: bool, ...coverageFigures, total_trained: count })),
		by_role: arrayOf(
			object({ role: { type: 'string', enum: [...WORKFORCE_ROLES] }, ...coverageFigures }),
			'At the last month end of the period.'
		),
		by_area: arrayOf(
			object({ area: str, ...coverageFigures }),
			'At the last month end of the period; staff with no area are under `unknown`.'
		)
	}),
	SpcPoint: object({
		month,
		value: count,
		centre: { ...numberOrNull, description: 'Null while the segment has fewer than 12 points.' },
		ucl: numberOrNull,
		lcl: numberOrNull,
		signals: {
			type: 'array',
			uniqueItems: true,
			items: { type: 'string', enum: ['outside', 'shift', 'trend', 'two_of_three'] }
		},
		incomplete: bool
	}),
	SpcResult: object({
		filters: ref('Filters'),
		metric: { type: 'string', enum: [...SPC_METRICS] },
		points: arrayOf(ref('SpcPoint')),
		summary: { type: 'string', description: 'One plain-English sentence about the series.' }
	}),
	SafeguardingResult: object({
		filters: ref('Filters'),
		settings: safeguardingSettings,
		months: arrayOf(
			object({
				month,
				incomplete: bool,
				...safeguardingFigures,
				orders_in_force: {
					...count,
					description:
						"Granted orders of the counted types in force at the month's last day (a stock, not summed)."
				}
			})
		),
		totals: object(
			{
				...safeguardingFigures,
				breaches: count,
				orders_in_force_at_end: count
			},
			{
				description:
					'Summed from the months; the median over the whole period; breaches in the totals only.'
			}
		)
	}),
	JourneyStep: object({
		key: str,
		label: str,
		count: { ...nullable(count), description: 'Null when the kind the step reads holds no rows.' },
		of: { ...nullable(str), description: 'The key of the step this one is counted out of.' },
		denominator: nullable(count),
		rate,
		kind: { type: 'string', enum: [...KIND_NAMES], description: 'The extract kind it reads.' }
	}),
	JourneyResult: object({
		filters: ref('Filters'),
		settings: safeguardingSettings,
		steps: arrayOf(
			ref('JourneyStep'),
			'recorded, identified_at_first_contact, risk_assessed, advocacy_referred, arrested, charged.'
		),
		orders: arrayOf(ref('JourneyStep'), 'applied, granted, breached.')
	}),
	Areas: object({ areas: arrayOf(str) }),
	OffenceGroups: object({
		groups: arrayOf(object({ name: str, codes: arrayOf(str) }))
	}),

	ErrorDetail: object(
		{
			message: str,
			parameter: { type: 'string', description: 'The query parameter or body field at fault.' },
			line: { type: 'integer', minimum: 1, description: 'File line (the header is line 1).' },
			column: str,
			value: { type: 'string', description: 'The value as sent (masked when personal data).' },
			reason: str,
			personal: bool,
			rule: { type: 'integer', minimum: 1, description: "A problem's summary line (Problem.rule)." }
		},
		{
			optional: ['parameter', 'line', 'column', 'value', 'reason', 'personal', 'rule'],
			open: true,
			description:
				'One problem. Extract refusals give line, column, value; bad parameters give parameter (and value); an already-loaded file names the upload it duplicates.'
		}
	),
	Error: object({
		code: {
			type: 'string',
			description: 'A stable code, e.g. bad_parameter, unauthenticated, forbidden, not_found.'
		},
		message: { type: 'string', description: 'A sentence a person can act on.' },
		details: arrayOf(ref('ErrorDetail'))
	}),
	ErrorResponse: object(
		{ error: ref('Error') },
		{ description: 'Every API error: `{"error": {"code", "message", "details": [...]}}`.' }
	),
	Problem: object(
		{
			line: { type: 'integer', minimum: 1 },
			column: str,
			value: str,
			reason: str,
			message: str,
			personal: bool,
			rule: {
				type: 'integer',
				minimum: 1,
				description:
					"The report's summary line (1-based) the problem is counted in: the `rule` filter of GET /extracts/refused/{ref}."
			}
		},
		{ optional: ['personal', 'rule'] }
	),
	ValidationReport: object(
		{
			kind: nullable(str),
			fileName: nullable(str),
			bytes: count,
			sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
			encoding: { type: 'string', enum: ['utf-8', 'windows-1252'] },
			rows: count,
			errorCount: count,
			problems: arrayOf(
				ref('Problem'),
				"In file order; in a refused upload's answer, its first page (see `stored`)."
			),
			truncated: bool,
			summary: arrayOf(ref('SummaryLine')),
			warnings: arrayOf(str),
			mapping: {
				...nullable(object({ name: str, version: { type: 'integer', minimum: 1 } })),
				description:
					'The column mapping the file was read with, and its version; null when none (absent from reports of uploads made before mappings).'
			},
			stored: {
				...object({
					ref: { type: 'string', pattern: '^rf[1-9][0-9]*$' },
					problems: { ...count, description: 'Problems stored: every one, unless capped.' },
					capped: {
						...bool,
						description: `More than ${MAX_PROBLEMS.toLocaleString('en-GB')} problems were found; the first ${MAX_PROBLEMS.toLocaleString('en-GB')} in file order are kept.`
					},
					per_page: { ...count, description: 'Problems this answer lists (its first page).' },
					href: { ...str, description: 'The stored report as JSON, a page at a time.' },
					csv: { ...str, description: 'Every stored problem as CSV.' },
					page: { ...str, description: "The report's page on the site." }
				}),
				description:
					"A refused upload's report is kept whole: this answer lists its first page of problems, and these say where every one can be read."
			}
		},
		{ optional: ['mapping', 'stored'] }
	),
	SummaryLine: object(
		{
			column: str,
			reason: str,
			count: { ...count, description: 'Rows with this problem.' },
			firstLines: arrayOf({ type: 'integer', minimum: 1 }),
			message: { ...str, examples: ['412 rows: recorded_date is DD/MM/YYYY with month 13'] }
		},
		{ description: 'One rule broken: its column, reason and how many rows break it.' }
	),
	RefusedReport: object(
		{
			ref: str,
			kind: nullable(str),
			file_name: nullable(str),
			bytes: count,
			sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
			refused_by: str,
			refused_at: timestamp,
			code: { ...str, description: 'The refusal code, e.g. invalid_extract or personal_data.' },
			status: { type: 'integer', description: 'The status the upload was answered with.' },
			message: str,
			rows: count,
			error_count: { ...count, description: 'Problems counted in the file.' },
			problem_count: { ...count, description: 'Problems stored (all, unless capped).' },
			capped: bool,
			cap: { ...count, description: 'Most problems a report keeps.' },
			personal: { ...bool, description: 'Refused for personal data.' },
			summary: arrayOf(
				object({
					column: str,
					reason: str,
					count,
					firstLines: arrayOf({ type: 'integer', minimum: 1 }),
					message: str,
					rule: { type: 'integer', minimum: 1, description: 'The `rule` filter for this line.' },
					listed: { ...count, description: 'Problems stored under this rule.' }
				})
			),
			warnings: arrayOf(str),
			mapping: nullable(object({ name: str, version: { type: 'integer', minimum: 1 } })),
			links: object({ href: str, csv: str, page: str })
		},
		{ description: "A refused upload's stored report, without its problems." }
	),
	RefusedReportPage: object(
		{
			report: ref('RefusedReport'),
			page: object({
				page: { type: 'integer', minimum: 1 },
				per_page: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE },
				total: { ...count, description: 'Problems matching the filter.' },
				pages: { type: 'integer', minimum: 1 },
				rule: nullable({ type: 'integer', minimum: 1 }),
				column: nullable(str),
				from: { ...count, description: 'Position of the first problem listed (0 when none).' },
				to: { ...count, description: 'Position of the last problem listed.' }
			}),
			problems: arrayOf(ref('Problem'), 'This page of problems, in file order.')
		},
		{ description: 'One page of a refused report.' }
	),
	ExtractRefusal: object(
		{
			error: ref('Error'),
			report: ref('ValidationReport')
		},
		{
			optional: ['report'],
			description:
				'A refused extract: the error, and the validation report when the rows were read.'
		}
	),
	UploadSummary: object(uploadFields, {
		description: 'An upload as the history lists it (without its full report).'
	}),
	UploadProgress: {
		description:
			'One line of the streamed answer to an upload (Accept: application/x-ndjson): a stage begun or progressing, or the one last line, the result.',
		oneOf: [
			object(
				{
					type: { const: 'stage' },
					stage: {
						type: 'string',
						enum: ['stored', 'reading', 'validating', 'guard', 'loading', 'done'],
						description:
							'stored: the body is on disk; reading: the scan and staging into DuckDB; validating: the rules; guard: the personal-data check over every column; loading: the commit transaction; done. A stage may repeat with more rows or bytes; a stage the load never reaches is not sent.'
					},
					rows: { ...count, description: 'Rows of the file, once known.' },
					bytes: { ...count, description: 'Bytes received (stored) or read (reading).' },
					ms: { ...count, description: 'Milliseconds since the request started.' }
				},
				{ optional: ['rows', 'bytes'] }
			),
			object(
				{
					type: { const: 'result' },
					status: {
						type: 'integer',
						description:
							'The status the plain request would have had: 201, 400, 409, 413, 415, 422, 503 (or 500).'
					},
					body: {
						description: 'Exactly the JSON body the plain request answers with that status.'
					}
				},
				{}
			)
		]
	},
	Upload: object(
		{ ...uploadFields, report: ref('ValidationReport') },
		{ description: 'One upload with its validation report.' }
	),
	Mapping: object(
		{
			...mappingFields,
			version: { type: 'integer', minimum: 1 },
			created_by: str,
			created_at: timestamp
		},
		{ description: 'One version of a saved column mapping (versions are never changed).' }
	),
	MappingRequest: object(mappingFields, {
		optional: ['values'],
		description:
			'A mapping to save as the next version of its name: every required column of the kind mapped from one source column, value maps for enum and flag columns only.'
	}),
	MappingVersion: object({
		version: { type: 'integer', minimum: 1 },
		created_by: str,
		created_at: timestamp
	}),

	SummaryRequest: object(summaryRequestFields, {
		optional: ['area_level', 'commentary', 'support_lines'],
		open: true
	}),
	RevisionRequest: object(
		{
			...summaryRequestFields,
			revision_note: {
				type: 'string',
				minLength: 3,
				maxLength: 1000,
				description: 'What the revision corrects.'
			}
		},
		{ optional: ['area_level', 'commentary', 'support_lines'], open: true }
	),
	WithdrawRequest: object(
		{ reason: { type: 'string', minLength: 3, maxLength: 500 } },
		{ open: true }
	),
	Column: object(
		{
			key: str,
			label: str,
			type: {
				type: 'string',
				enum: ['count', 'rate', 'ratio', 'estimate', 'median', 'month', 'fy', 'text']
			},
			measure: str,
			numerator: str,
			denominator: str,
			depends: arrayOf(str),
			cases: str
		},
		{ optional: ['measure', 'numerator', 'denominator', 'depends', 'cases'] }
	),
	Cell: {
		type: ['number', 'string', 'null'],
		description:
			'A count is an integer at or above the threshold, 0, the marker `<5` (below the threshold) or `[c]` (withheld); a rate is a fraction or null when withheld.'
	},
	PublicTable: object(
		{
			id: str,
			title: str,
			columns: arrayOf(ref('Column')),
			rows: arrayOf({ type: 'object', additionalProperties: ref('Cell') }),
			total_row: bool,
			chart: nullable(
				object({
					kind: { type: 'string', enum: ['bars', 'lines'] },
					x: str,
					y: arrayOf(str)
				})
			),
			row_notes: {
				...arrayOf(nullable(str)),
				description:
					'Per row, a word after its label ("provisional": its charge rate will still rise), or null.'
			}
		},
		{ optional: ['row_notes'] }
	),
	PublicSummary: object(
		{
			slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
			version: { type: 'integer', minimum: 1 },
			title: str,
			published_at: { ...nullable(timestamp), description: 'Null in a preview.' },
			period: object({
				kind: { type: 'string', enum: [...PERIOD_KINDS] },
				from: month,
				to: month,
				label: str
			}),
			data_to: { ...nullable(date), description: 'The date the extracts were taken.' },
			area_level: { type: 'string', enum: [...AREA_LEVELS] },
			disclosure: object({
				threshold: { type: 'integer', minimum: 1 },
				rounding: { type: ['integer', 'null'], enum: [5, null] },
				rate_min_denominator: count,
				note: str
			}),
			commentary: str,
			support_lines: arrayOf(object({ name: str, phone: str })),
			revision: nullable(object({ note: str, supersedes: { type: 'integer', minimum: 1 } })),
			sections: arrayOf(
				object({
					id: { type: 'string', enum: [...SECTION_IDS] },
					title: str,
					summary: str,
					method: str,
					tables: arrayOf(ref('PublicTable'))
				})
			),
			superseded_by: {
				type: 'integer',
				minimum: 2,
				description: 'On an earlier version only: the latest version.'
			}
		},
		{
			optional: ['superseded_by'],
			description:
				'A published summary as frozen at publication, disclosure-controlled: the public JSON.'
		}
	),
	Withdrawn: object({
		withdrawn: object({ slug: str, withdrawn_at: timestamp, reason: str })
	}),
	PublishedSummary: object({
		summary: object({
			slug: str,
			version: { type: 'integer', minimum: 1 },
			url: { type: 'string', pattern: '^/summaries/' },
			title: str,
			period: object({
				kind: { type: 'string', enum: [...PERIOD_KINDS] },
				from: month,
				to: month,
				label: str
			})
		})
	}),
	SummaryList: object({
		summaries: arrayOf(
			object({
				slug: str,
				version: { type: 'integer', minimum: 1 },
				title: str,
				published_at: timestamp,
				published_by: str,
				period_from: month,
				period_to: month,
				revision_note: nullable(str),
				withdrawal: nullable(object({ withdrawn_at: timestamp, withdrawn_by: str, reason: str }))
			})
		)
	})
};

// ---------------------------------------------------------------------------------------------
// Parameters

const query = (name: string, schema: Schema, description: string, extra: Schema = {}): Schema => ({
	name,
	in: 'query',
	required: false,
	description,
	schema,
	...extra
});

const parameters: Record<string, Schema> = {
	from: query(
		'from',
		month,
		'First month, inclusive (YYYY-MM, 2000-01 to 2099-12). Default: 23 months before `to`.'
	),
	to: query(
		'to',
		month,
		'Last month, inclusive. Default: the latest complete month (or `from`, when that is later).'
	),
	area: query(
		'area',
		{ type: 'string', default: 'all', examples: ['all', 'Ashfield'] },
		'An area name as GET /areas lists it (case and repeated spaces ignored), or `all`.'
	),
	offences: query(
		'offences',
		{ type: 'string', default: 'stalking', examples: ['stalking', '8Q,8L'] },
		'An offence group name (GET /offence-groups) or comma-separated Home Office offence codes.'
	),
	domestic_abuse: query(
		'domestic_abuse',
		{ type: 'string', enum: ['all', 'Y', 'N'], default: 'all' },
		'Domestic-abuse flag (case ignored).'
	),
	format: query(
		'format',
		{ type: 'string', enum: ['json', 'csv'] },
		'`csv` for a CSV download; without it, `Accept: text/csv` also gives CSV.'
	),
	id: {
		name: 'id',
		in: 'path',
		required: true,
		description: 'The upload id, as POST /extracts or GET /extracts gives it.',
		schema: { type: 'string', examples: ['up12'] }
	},
	mappingName: {
		name: 'name',
		in: 'path',
		required: true,
		description: "The mapping's name (URL-encoded).",
		schema: { type: 'string', minLength: 1, maxLength: NAME_MAX, examples: ['Niche crimes export'] }
	},
	slug: {
		name: 'slug',
		in: 'path',
		required: true,
		description: 'The published summary, as its url names it.',
		schema: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 }
	},
	preview: query(
		'preview',
		{ type: 'string', enum: ['1'] },
		'`1`: answer the public JSON that would be published (200), and publish nothing.'
	)
};
const pref = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });
const FILTERS = ['from', 'to', 'area', 'offences', 'domestic_abuse', 'format'].map(pref);

// ---------------------------------------------------------------------------------------------
// Responses

const JSON_TYPE = 'application/json';
const json = (schema: Schema) => ({ [JSON_TYPE]: { schema } });
const csv = (description: string) => ({
	'text/csv': { schema: { type: 'string', description } }
});
const errorResponse = (description: string, schema = ref('ErrorResponse'), headers?: Schema) => ({
	description,
	...(headers ? { headers } : {}),
	content: json(schema)
});
const rref = (name: string): Schema => ({ $ref: `#/components/responses/${name}` });

const responses: Record<string, Schema> = {
	BadRequest: errorResponse(
		"A bad parameter or body (`bad_parameter`, `bad_request`, `empty_body`, `no_file`, `invalid_mapping`): the message names the parameter, and `details` lists every problem (a mapping's by `field`)."
	),
	Unauthorized: errorResponse(
		'No credentials (`unauthenticated`), or a bearer token that is mistyped, revoked or whose user is disabled (`invalid_token`).',
		ref('ErrorResponse'),
		{ 'WWW-Authenticate': { schema: { type: 'string' } } }
	),
	Forbidden: errorResponse(
		"The caller's role lacks the right (`forbidden`), the session's password must be changed first (`password_change_required`), or a cookie-borne POST came without this site's Origin (`cross_site`)."
	),
	NotFound: errorResponse('Nothing by that id or slug (`not_found`, `file_missing`).'),
	Conflict: errorResponse(
		'The state does not allow it (`already_loaded`, `already_active`, `already_rolled_back`, `withdrawn`, `data_changed`, `revised_meanwhile`).'
	),
	Gone: errorResponse('The archived file was purged (`file_purged`); its record is kept.'),
	TooLarge: errorResponse(
		'The body is over the limit (`too_large`): 1 MB for everything but an extract upload, MAX_UPLOAD_MB for that.'
	),
	NotCsv: errorResponse(
		'Not a CSV (`not_csv`, `not_text`, `bad_encoding`, `no_header`): send text/csv or a multipart form with a `file` field.',
		ref('ExtractRefusal')
	),
	OutOfMemory: errorResponse(
		"The database ran out of memory loading the extract (`out_of_memory`): the server's DUCKDB_MEMORY_LIMIT is too low for this file. The message names the stage and the setting. Nothing was loaded or kept; raise the limit, or split the file."
	),
	InvalidExtract: errorResponse(
		'The extract was refused (`invalid_extract`, `personal_data`, `empty_file`, `missing_columns`, `unknown_kind`, `ambiguous_kind`); `details` lists the problems (line, column, value) and `report` is the validation report. Nothing was loaded.',
		ref('ExtractRefusal')
	)
};

/** The errors every signed-in API operation can answer. */
const AUTH_ERRORS = { 401: rref('Unauthorized'), 403: rref('Forbidden') };

const csvDownload = {
	'Content-Disposition': {
		description: 'An attachment with a file name naming the figures and period.',
		schema: { type: 'string' }
	}
};

// ---------------------------------------------------------------------------------------------
// Operations

const VIEW = ['viewer', 'analyst', 'publisher', 'admin'];
const ANALYST = ['analyst', 'admin'];
const PUBLISHER = ['publisher', 'admin'];
const ADMIN = ['admin'];

function rolesText(roles: string[]): string {
	return roles.length === VIEW.length
		? 'Any signed-in role.'
		: `Roles: ${roles.filter((r) => r !== 'admin').join(', ')} (or admin).`;
}

function metrics(
	operationId: string,
	summary: string,
	description: string,
	result: string,
	extra: Schema[] = []
): Schema {
	return {
		get: {
			operationId,
			tags: ['metrics'],
			summary,
			description: `${description}\n\n${rolesText(VIEW)} CSV with \`?format=csv\` or \`Accept: text/csv\`.`,
			'x-roles': VIEW,
			parameters: [...FILTERS, ...extra],
			responses: {
				200: {
					description: 'The figures.',
					headers: csvDownload,
					content: {
						...json(ref(result)),
						...csv('The same figures as CSV (UTF-8, CRLF, one header row).')
					}
				},
				400: rref('BadRequest'),
				...AUTH_ERRORS
			}
		}
	};
}

const publicHeaders = {
	ETag: { description: 'Of the frozen bytes.', schema: { type: 'string' } },
	'Cache-Control': { description: '`public, max-age=300`.', schema: { type: 'string' } }
};
const ifNoneMatch = {
	name: 'If-None-Match',
	in: 'header',
	required: false,
	description: 'An ETag from an earlier answer: 304 when it still matches.',
	schema: { type: 'string' }
};
const publicNotFound = {
	description: 'No published summary at this address (plain text).',
	content: { 'text/plain': { schema: { type: 'string' } } }
};
const SITE_ROOT = [{ url: '/', description: 'The site root: public pages, no sign-in.' }];

function publicSummaryJson(operationId: string, summary: string, extra: Schema[]): Schema {
	return {
		get: {
			operationId,
			tags: ['public'],
			summary,
			description:
				'Public, no sign-in. Frozen at publication and disclosure-controlled; a withdrawn summary answers 410 with its notice.',
			security: [],
			parameters: [pref('slug'), ...extra, ifNoneMatch],
			responses: {
				200: {
					description: 'The public JSON.',
					headers: publicHeaders,
					content: json(ref('PublicSummary'))
				},
				304: { description: 'Not modified (If-None-Match matched).', headers: publicHeaders },
				404: publicNotFound,
				410: {
					description: 'Withdrawn: the notice.',
					headers: publicHeaders,
					content: json(ref('Withdrawn'))
				}
			}
		}
	};
}

const extractIdOp = (
	operationId: string,
	summary: string,
	description: string,
	extra: Schema = {}
): Schema => ({
	operationId,
	tags: ['extracts'],
	summary,
	description: `${description}\n\n${rolesText(ANALYST)}`,
	'x-roles': ANALYST,
	parameters: [pref('id')],
	...extra
});

const summaryCompose = (
	operationId: string,
	summary: string,
	description: string,
	body: string,
	slug: boolean
): Schema => ({
	post: {
		operationId,
		tags: ['summaries'],
		summary,
		description: `${description}\n\n${rolesText(PUBLISHER)}`,
		'x-roles': PUBLISHER,
		parameters: [...(slug ? [pref('slug')] : []), pref('preview')],
		requestBody: { required: true, content: json(ref(body)) },
		responses: {
			200: {
				description: 'With `?preview=1`: the public JSON it would publish.',
				content: json(object({ preview: ref('PublicSummary') }))
			},
			201: { description: 'Published.', content: json(ref('PublishedSummary')) },
			400: rref('BadRequest'),
			...AUTH_ERRORS,
			...(slug ? { 404: rref('NotFound') } : {}),
			409: rref('Conflict'),
			413: rref('TooLarge')
		}
	}
});

const paths: Record<string, Schema> = {
	'/metrics/monthly': metrics(
		'getMonthly',
		'Recorded, arrests, charges and rates per month, with totals',
		'Every month of the period is present, with zeros where nothing happened.',
		'MonthlyResult'
	),
	'/metrics/outcomes': metrics(
		'getOutcomes',
		'Crimes recorded per month by outcome group',
		'Every reference group is present, with zeros; `none` = no outcome yet (or outcome 0).',
		'OutcomesResult'
	),
	'/metrics/reporting': metrics(
		'getReporting',
		'Recorded crimes against estimated victims, per financial year',
		'One row per financial year whose April falls in the period and is complete; a part year counts April to the latest complete month, with no ratio.',
		'ReportingResult'
	),
	'/metrics/identification': metrics(
		'getIdentification',
		'Stalking identified at first contact, per month',
		'From incidents, with trained and untrained call handlers.',
		'IdentificationResult'
	),
	'/metrics/training': metrics(
		'getTraining',
		'Training coverage at each month end, by role and by area',
		'Coverage of the chosen roles at every month end; by role and by area at the last month end.',
		'TrainingResult',
		[
			query(
				'role',
				{ type: 'string', examples: ['all', 'response_officer,control_room'] },
				`Comma-separated roles (${WORKFORCE_ROLES.join(', ')}) or \`all\`. Default: the target roles (admin settings).`
			)
		]
	),
	'/metrics/spc': metrics(
		'getSpc',
		'XmR control chart of a monthly series',
		'Limits per segment (split at rebase months) and signals; incomplete months are drawn but never judged.',
		'SpcResult',
		[
			query(
				'metric',
				{ type: 'string', enum: [...SPC_METRICS], default: 'recorded' },
				'The series.'
			)
		]
	),
	'/metrics/safeguarding': metrics(
		'getSafeguarding',
		'Risk assessment, referrals, protective orders and recognition, per month',
		'Every month of the period, with totals; orders in force are a stock at each month end.',
		'SafeguardingResult'
	),
	'/metrics/journey': metrics(
		'getJourney',
		"The period's funnel from report to charge, and for protective orders",
		'Each step counted out of the one before it; a step whose data kind holds no rows has a null count ("no data loaded"), never 0.',
		'JourneyResult'
	),
	'/areas': {
		get: {
			operationId: 'getAreas',
			tags: ['reference'],
			summary: 'Every area named in the data',
			description: rolesText(VIEW),
			'x-roles': VIEW,
			responses: {
				200: { description: 'The areas, sorted.', content: json(ref('Areas')) },
				...AUTH_ERRORS
			}
		}
	},
	'/offence-groups': {
		get: {
			operationId: 'getOffenceGroups',
			tags: ['reference'],
			summary: 'The offence groups with their codes',
			description: rolesText(VIEW),
			'x-roles': VIEW,
			responses: {
				200: { description: 'The groups.', content: json(ref('OffenceGroups')) },
				...AUTH_ERRORS
			}
		}
	},
	'/extracts': {
		get: {
			operationId: 'listExtracts',
			tags: ['extracts'],
			summary: 'Upload history, newest first',
			description: rolesText(ANALYST),
			'x-roles': ANALYST,
			parameters: [
				query('kind', { type: 'string', enum: [...KIND_NAMES] }, 'Only uploads of this kind.')
			],
			responses: {
				200: {
					description: 'The uploads (without their full reports).',
					content: json(object({ uploads: arrayOf(ref('UploadSummary')) }))
				},
				400: rref('BadRequest'),
				...AUTH_ERRORS
			}
		},
		post: {
			operationId: 'uploadExtract',
			tags: ['extracts'],
			summary: 'Upload an extract',
			description: `The CSV as the body (\`Content-Type: text/csv\`; text/plain, application/csv, application/vnd.ms-excel and application/octet-stream are read the same), or a multipart form with a \`file\` field (and optionally \`kind\`, \`mode\`, \`as_of\`, \`mapping\`, \`mapping_version\`). A multipart or text/plain body must carry this site's \`Origin\` header even with a token: SvelteKit refuses cross-site form submissions with 403 (plain text) before the API reads them, so scripts should send text/csv. Validated whole; loaded only when every rule passes.\n\n${rolesText(ANALYST)}`,
			'x-roles': ANALYST,
			parameters: [
				query(
					'kind',
					{ type: 'string', enum: [...KIND_NAMES] },
					'The kind of extract; may be left out when the header identifies it.'
				),
				query(
					'mode',
					{ type: 'string', enum: ['merge', 'replace'], default: 'merge' },
					'`merge`: rows replace rows with the same key; `replace`: the file becomes the whole dataset.'
				),
				query(
					'as_of',
					date,
					'The day the extract was taken. Default: the day after the latest date in the file, never after the upload day.'
				),
				query('filename', str, 'The file name to record (a text/csv body has none).'),
				query(
					'mapping',
					{ type: 'string', minLength: 1, maxLength: NAME_MAX },
					'A saved column mapping to read the file with (its latest version); an unknown name is refused with 400 naming it. The report says which mapping and version was used.'
				),
				query(
					'mapping_version',
					{ type: 'integer', minimum: 1 },
					'With `mapping`: that version instead of the latest.'
				)
			],
			requestBody: {
				required: true,
				content: {
					'text/csv': { schema: { type: 'string' } },
					'multipart/form-data': {
						schema: object(
							{
								file: { type: 'string', contentMediaType: 'text/csv' },
								kind: { type: 'string', enum: [...KIND_NAMES] },
								mode: { type: 'string', enum: ['merge', 'replace'] },
								as_of: date,
								mapping: { type: 'string', maxLength: NAME_MAX },
								mapping_version: { type: 'string', pattern: '^[1-9][0-9]*$' }
							},
							{ optional: ['kind', 'mode', 'as_of', 'mapping', 'mapping_version'], open: true }
						)
					}
				}
			},
			responses: {
				200: {
					description:
						"With `Accept: application/x-ndjson`: the upload's progress as it happens, one JSON object per line (UploadProgress): `stage` lines for the body reaching the disk and each stage of the load, then one `result` line with the status and body the plain request answers. Refusals before the body is read (token, role, Origin, parameters, a declared size over the limit, a content type) stay ordinary HTTP errors. Closing the connection before the commit cancels the upload: nothing is loaded or kept, and the audit log records upload_cancelled.",
					content: {
						'application/x-ndjson': {
							schema: { type: 'string', description: 'Lines of UploadProgress.' }
						}
					}
				},
				201: {
					description: 'Loaded.',
					content: json(object({ upload: ref('Upload') }))
				},
				400: rref('BadRequest'),
				401: rref('Unauthorized'),
				403: {
					description:
						"As for every operation (JSON); or, as plain text sent without a Content-Type, a multipart or text/plain body without this site's Origin (SvelteKit's cross-site form check).",
					content: {
						...json(ref('ErrorResponse')),
						'text/plain': { schema: { type: 'string' } }
					}
				},
				409: rref('Conflict'),
				413: rref('TooLarge'),
				415: rref('NotCsv'),
				422: rref('InvalidExtract'),
				503: rref('OutOfMemory')
			}
		}
	},
	'/extracts/{id}': {
		get: extractIdOp(
			'getExtract',
			'One upload with its validation report',
			'With `?format=csv`, the validation report as CSV.',
			{
				parameters: [
					pref('id'),
					query('format', { type: 'string', enum: ['csv'] }, '`csv`: the validation report as CSV.')
				],
				responses: {
					200: {
						description: 'The upload.',
						content: {
							...json(object({ upload: ref('Upload') })),
							...csv('The validation report: one row per problem.')
						}
					},
					...AUTH_ERRORS,
					404: rref('NotFound')
				}
			}
		)
	},
	'/extracts/refused/{ref}': {
		get: {
			operationId: 'getRefusedReport',
			tags: ['extracts'],
			summary: "A refused upload's report, a page at a time",
			description: `A refused upload's validation report is kept whole (up to ${MAX_PROBLEMS.toLocaleString('en-GB')} problems); the upload's answer names it (\`report.stored.ref\`) and so does its upload_refused audit row. Pages in file order, filtered by rule (a summary line's number) or column; \`?format=csv\` gives every problem of the filter as CSV. Nothing of the file's rows is kept.\n\n${rolesText(ANALYST)}`,
			'x-roles': ANALYST,
			parameters: [
				{
					name: 'ref',
					in: 'path',
					required: true,
					description: "The report's ref, as the refused upload's answer gives it.",
					schema: { type: 'string', examples: ['rf3'] }
				},
				query('page', { type: 'integer', minimum: 1, default: 1 }, 'The page, from 1.'),
				query(
					'per_page',
					{ type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: PAGE_SIZE },
					'Problems a page.'
				),
				query(
					'rule',
					{ type: 'integer', minimum: 1 },
					'Only the problems of this summary line (its `rule`).'
				),
				query('column', str, 'Only the problems of this column.'),
				query(
					'format',
					{ type: 'string', enum: ['json', 'csv'] },
					'`csv`: every problem (of the filter) as CSV.'
				)
			],
			responses: {
				200: {
					description: 'The report and one page of its problems, or every problem as CSV.',
					content: {
						...json(ref('RefusedReportPage')),
						...csv('One row per problem: severity, line, column, value, problem.')
					}
				},
				400: rref('BadRequest'),
				...AUTH_ERRORS,
				404: rref('NotFound')
			}
		}
	},
	'/extracts/{id}/file': {
		get: extractIdOp(
			'getExtractFile',
			'The archived file',
			"The upload's file as sent (or without its extra columns, when it had any), decompressed.",
			{
				responses: {
					200: {
						description: 'The file.',
						headers: {
							'Content-Disposition': { schema: { type: 'string' } },
							'X-Checksum-SHA256': {
								description: "Of these bytes (the upload's `archive_sha256`).",
								schema: { type: 'string' }
							}
						},
						content: csv('The archived CSV.')
					},
					...AUTH_ERRORS,
					404: rref('NotFound'),
					410: rref('Gone')
				}
			}
		)
	},
	'/extracts/{id}/rollback': {
		post: extractIdOp(
			'rollbackExtract',
			'Make an upload inactive',
			'Its dataset returns to what it was without it. Nothing is deleted.',
			{
				responses: {
					200: { description: 'Rolled back.', content: json(object({ upload: ref('Upload') })) },
					...AUTH_ERRORS,
					404: rref('NotFound'),
					409: rref('Conflict'),
					413: rref('TooLarge')
				}
			}
		)
	},
	'/extracts/{id}/restore': {
		post: extractIdOp('restoreExtract', 'Undo a rollback', 'The upload is active again.', {
			responses: {
				200: { description: 'Restored.', content: json(object({ upload: ref('Upload') })) },
				...AUTH_ERRORS,
				404: rref('NotFound'),
				409: rref('Conflict'),
				413: rref('TooLarge')
			}
		})
	},
	'/extracts/templates/{kind}.csv': {
		get: {
			operationId: 'getExtractTemplate',
			tags: ['extracts'],
			summary: "A kind's CSV template",
			description: `The contract's header for the kind and two made-up example rows that pass every check, as a download. The Extracts page links each kind's template beside its columns in plain words.\n\n${rolesText(ANALYST)}`,
			'x-roles': ANALYST,
			parameters: [
				{
					name: 'kind',
					in: 'path',
					required: true,
					description: 'The kind of extract.',
					schema: { type: 'string', enum: [...KIND_NAMES] }
				}
			],
			responses: {
				200: {
					description: 'The template.',
					headers: {
						'Content-Disposition': {
							description: 'An attachment named `KIND-template.csv`.',
							schema: { type: 'string' }
						}
					},
					content: csv('The header and two example rows (UTF-8).')
				},
				...AUTH_ERRORS,
				404: rref('NotFound')
			}
		}
	},
	'/mappings': {
		get: {
			operationId: 'listMappings',
			tags: ['mappings'],
			summary: 'Saved column mappings, the latest version of each',
			description: rolesText(ANALYST),
			'x-roles': ANALYST,
			responses: {
				200: {
					description: 'The mappings, by name.',
					content: json(object({ mappings: arrayOf(ref('Mapping')) }))
				},
				...AUTH_ERRORS
			}
		},
		post: {
			operationId: 'saveMapping',
			tags: ['mappings'],
			summary: 'Save a column mapping as its next version',
			description: `Checked against the contract: a known kind, targets that are columns of it, one source per target, every required column mapped, value targets the enum or flag allows. Saving under an existing name makes the next version; earlier versions stay as they were. Audited (\`mapping_saved\`).\n\n${rolesText(ANALYST)}`,
			'x-roles': ANALYST,
			requestBody: { required: true, content: json(ref('MappingRequest')) },
			responses: {
				201: { description: 'Saved.', content: json(object({ mapping: ref('Mapping') })) },
				400: rref('BadRequest'),
				...AUTH_ERRORS,
				413: rref('TooLarge')
			}
		}
	},
	'/mappings/{name}': {
		get: {
			operationId: 'getMapping',
			tags: ['mappings'],
			summary: 'One mapping: its latest version and the list of its versions',
			description: rolesText(ANALYST),
			'x-roles': ANALYST,
			parameters: [pref('mappingName')],
			responses: {
				200: {
					description: 'The mapping.',
					content: json(
						object({ mapping: ref('Mapping'), versions: arrayOf(ref('MappingVersion')) })
					)
				},
				...AUTH_ERRORS,
				404: rref('NotFound')
			}
		}
	},
	'/admin/backup': {
		get: {
			operationId: 'getBackup',
			tags: ['admin'],
			summary: 'A consistent backup, streamed as a tar',
			description: `The snapshot (the database exported in one transaction, with every table's rows and content checksum) is taken before the answer starts, while the dashboard goes on serving. The tar holds \`database/schema.sql\`, \`database/<table>.parquet\`, \`uploads/<archived file>\` and, last, \`manifest.json\` (versions, tables, files with bytes and sha256), so a cut-off stream has no manifest and is refused on restore. \`npm run cli -- backup create <folder> --url URL --token TOKEN\` receives it, writes the folder and checks it.\n\n${rolesText(ADMIN)}`,
			'x-roles': ADMIN,
			responses: {
				200: {
					description: 'The backup.',
					headers: {
						'X-Backup-Id': { description: "The backup's id, as in its manifest.", schema: str },
						'Content-Disposition': { schema: str }
					},
					content: {
						'application/x-tar': {
							schema: { type: 'string', contentMediaType: 'application/x-tar' }
						}
					}
				},
				...AUTH_ERRORS
			}
		},
		post: {
			operationId: 'confirmBackup',
			tags: ['admin'],
			summary: 'Say whether a received backup checked out against its manifest',
			description: `Sent by \`backup create --url\` once it has checked the folder; the Admin page shows the result.\n\n${rolesText(ADMIN)}`,
			'x-roles': ADMIN,
			requestBody: {
				required: true,
				content: json(
					object(
						{
							id: { type: 'string', pattern: '^bk-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$' },
							verified: bool,
							problem: { type: 'string', maxLength: 2000 }
						},
						{ optional: ['problem'] }
					)
				)
			},
			responses: {
				200: { description: 'Recorded.', content: json(object({ backup: ref('Backup') })) },
				400: rref('BadRequest'),
				...AUTH_ERRORS,
				404: rref('NotFound'),
				413: rref('TooLarge')
			}
		}
	},
	'/summaries': {
		...summaryCompose(
			'publishSummary',
			'Compose and publish a summary (or preview it)',
			'A period that ends in an incomplete month, or a quarter or year that does not end where one ends, is refused with 400. 409 `data_changed` when an upload commits while it is composed.',
			'SummaryRequest',
			false
		),
		get: {
			operationId: 'listSummaries',
			tags: ['summaries'],
			summary: "Every summary's latest version, withdrawn ones included",
			description: rolesText(PUBLISHER),
			'x-roles': PUBLISHER,
			responses: {
				200: { description: 'Newest first.', content: json(ref('SummaryList')) },
				...AUTH_ERRORS
			}
		}
	},
	'/summaries/{slug}/revise': summaryCompose(
		'reviseSummary',
		'Publish version N+1 (or preview it)',
		'The same body as publishing, plus `revision_note`. The earlier version stays readable at /summaries/<slug>/v<N>, marked superseded. 409 `withdrawn` for a withdrawn summary.',
		'RevisionRequest',
		true
	),
	'/summaries/{slug}/withdraw': {
		post: {
			operationId: 'withdrawSummary',
			tags: ['summaries'],
			summary: 'Withdraw a summary (every version)',
			description: `Its pages are replaced by a notice giving the reason (410).\n\n${rolesText(PUBLISHER)}`,
			'x-roles': PUBLISHER,
			parameters: [pref('slug')],
			requestBody: { required: true, content: json(ref('WithdrawRequest')) },
			responses: {
				200: { description: 'Withdrawn.', content: json(ref('Withdrawn')) },
				400: rref('BadRequest'),
				...AUTH_ERRORS,
				404: rref('NotFound'),
				409: rref('Conflict'),
				413: rref('TooLarge')
			}
		}
	},
	'/openapi.json': {
		get: {
			operationId: 'getOpenApi',
			tags: ['meta'],
			summary: 'This document',
			description: 'Public, no sign-in.',
			security: [],
			responses: {
				200: {
					description: 'The OpenAPI 3.1 document.',
					headers: { 'Cache-Control': { schema: { type: 'string' } } },
					content: json(
						object(
							{
								openapi: { type: 'string', pattern: '^3\\.1\\.' },
								info: { type: 'object' },
								paths: { type: 'object' }
							},
							{ open: true }
						)
					)
				}
			}
		}
	},
	'/summaries/{slug}.json': {
		servers: SITE_ROOT,
		...publicSummaryJson('getPublicSummary', 'A published summary (latest version) as JSON', [])
	},
	'/summaries/{slug}/v{version}.json': {
		servers: SITE_ROOT,
		...publicSummaryJson('getPublicSummaryVersion', 'One version of a published summary as JSON', [
			{
				name: 'version',
				in: 'path',
				required: true,
				description: 'The version number; an earlier one carries `superseded_by`.',
				schema: { type: 'integer', minimum: 1 }
			}
		])
	},
	'/summaries/{slug}.csv': {
		servers: SITE_ROOT,
		get: {
			operationId: 'getPublicSummaryCsv',
			tags: ['public'],
			summary: 'A published summary (latest version) as CSV',
			description:
				'Public, no sign-in. The same tables as the JSON, one block per table, spreadsheet-safe.',
			security: [],
			parameters: [pref('slug'), ifNoneMatch],
			responses: {
				200: {
					description: 'The tables.',
					headers: { ...publicHeaders, ...csvDownload },
					content: csv('One block per table.')
				},
				304: { description: 'Not modified (If-None-Match matched).', headers: publicHeaders },
				404: publicNotFound,
				410: {
					description: 'Withdrawn: the reason, as plain text.',
					content: { 'text/plain': { schema: { type: 'string' } } }
				}
			}
		}
	}
};

/** The document served at GET /api/v1/openapi.json. */
export const openApiDocument: Schema = {
	openapi: '3.1.0',
	jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
	info: {
		title: 'Stalking performance dashboard API',
		version: VERSION,
		description:
			'Figures for analysts\' own tools (Excel, Power BI, R) and extract uploads from scheduled jobs. JSON, UTF-8. Dates `YYYY-MM-DD`, months `YYYY-MM`; rates are fractions or null; counts are integers. Every error is `{"error": {"code", "message", "details": [...]}}`.'
	},
	servers: [{ url: '/api/v1', description: "The API, on the dashboard's own address." }],
	security: [{ bearerToken: [] }, { sessionCookie: [] }],
	tags: [
		{ name: 'metrics', description: 'Figures (viewer or above); JSON or CSV.' },
		{ name: 'reference', description: 'Areas and offence groups for the filters.' },
		{ name: 'extracts', description: 'Uploads (analyst or admin).' },
		{
			name: 'mappings',
			description: "Column mappings for records systems' exports (analyst or admin)."
		},
		{ name: 'summaries', description: 'Publishing (publisher or admin).' },
		{ name: 'public', description: 'Published summaries: public, frozen, disclosure-controlled.' },
		{ name: 'admin', description: 'Backups (admin).' },
		{ name: 'meta', description: 'This document.' }
	],
	paths,
	components: {
		securitySchemes: {
			bearerToken: {
				type: 'http',
				scheme: 'bearer',
				description:
					"A personal API token (`Authorization: Bearer spd_…`), created by an admin, shown once; it carries its user's roles."
			},
			sessionCookie: {
				type: 'apiKey',
				in: 'cookie',
				name: 'session',
				description:
					"The session from signing in (named `__Host-session` over HTTPS). A POST with it must carry this site's `Origin`."
			}
		},
		parameters,
		responses,
		schemas
	}
};
