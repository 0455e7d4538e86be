// Each kind's CSV template: the contract's full header and two plainly made-up example rows that pass
// validation (tests/integration/extract-templates.test.ts loads every one into a real DuckDB).
import { KINDS, KIND_NAMES, type ColumnType, type KindName } from './contract';
import { csvCell } from './report';

/** Example cells by column; a column not named here is left empty (it is optional). */
const EXAMPLES: Record<KindName, [Record<string, string>, Record<string, string>]> = {
	crimes: [
		{
			crime_ref: 'EXAMPLE-CR-0001',
			recorded_date: '2024-04-02',
			offence_code: '8Q',
			area: 'Example North',
			domestic_abuse: 'Y',
			relationship: 'ex_partner',
			victim_sex: 'F',
			victim_age_band: '25_34',
			incident_ref: 'EXAMPLE-IN-0001',
			first_offence_code: '8L'
		},
		{
			crime_ref: 'EXAMPLE-CR-0002',
			recorded_date: '2024-04-15',
			offence_code: '8Q',
			area: 'Example South',
			domestic_abuse: 'N'
		}
	],
	arrests: [
		{ arrest_ref: 'EXAMPLE-AR-0001', crime_ref: 'EXAMPLE-CR-0001', arrest_date: '2024-04-05' },
		{ arrest_ref: 'EXAMPLE-AR-0002', crime_ref: 'EXAMPLE-CR-0002', arrest_date: '2024-04-20' }
	],
	outcomes: [
		{ crime_ref: 'EXAMPLE-CR-0001', outcome_type: '1', outcome_date: '2024-05-10' },
		{ crime_ref: 'EXAMPLE-CR-0002', outcome_type: '16', outcome_date: '2024-05-20' }
	],
	incidents: [
		{
			incident_ref: 'EXAMPLE-IN-0001',
			opened_at: '2024-04-01T21:30:00',
			area: 'Example North',
			domestic_abuse: 'Y',
			stalking_identified: 'Y',
			handler_ref: 'EXAMPLE-ST-0001'
		},
		{
			incident_ref: 'EXAMPLE-IN-0002',
			opened_at: '2024-04-03T09:05:00',
			area: 'Example South',
			domestic_abuse: 'N',
			stalking_identified: 'N'
		}
	],
	risk_assessments: [
		{
			assessment_ref: 'EXAMPLE-RA-0001',
			crime_ref: 'EXAMPLE-CR-0001',
			tool: 's_dash',
			completed_at: '2024-04-03T10:00:00',
			risk_level: 'high',
			marac_referral: 'Y',
			advocacy_referral: 'Y'
		},
		{
			assessment_ref: 'EXAMPLE-RA-0002',
			incident_ref: 'EXAMPLE-IN-0002',
			tool: 'dash',
			completed_at: '2024-04-04T14:20:00',
			risk_level: 'standard'
		}
	],
	protective_orders: [
		{
			order_ref: 'EXAMPLE-PO-0001',
			order_type: 'spo',
			crime_ref: 'EXAMPLE-CR-0001',
			area: 'Example North',
			applied_date: '2024-04-10',
			status: 'granted',
			decision_date: '2024-04-24',
			expires_date: '2026-04-24',
			breach_count: '0'
		},
		{
			order_ref: 'EXAMPLE-PO-0002',
			order_type: 'interim_spo',
			area: 'Example South',
			applied_date: '2024-04-18',
			status: 'pending'
		}
	],
	workforce: [
		{
			staff_ref: 'EXAMPLE-ST-0001',
			role: 'control_room',
			area: 'Example North',
			start_date: '2021-09-01'
		},
		{
			staff_ref: 'EXAMPLE-ST-0002',
			role: 'response_officer',
			area: 'Example South',
			start_date: '2019-03-04',
			end_date: '2024-03-31'
		}
	],
	training: [
		{ staff_ref: 'EXAMPLE-ST-0001', course: 'stalking', completed_date: '2023-11-20' },
		{ staff_ref: 'EXAMPLE-ST-0002', course: 'stalking', completed_date: '2022-06-14' }
	],
	population: [
		{
			area: 'Example North',
			year: '2023',
			population_16plus: '120000',
			source: 'Made-up example figure'
		},
		{
			area: 'Example South',
			year: '2023',
			population_16plus: '95000',
			source: 'Made-up example figure'
		}
	],
	prevalence: [
		{
			year: '2022',
			rate_pct: '3.3',
			lower_pct: '3.0',
			upper_pct: '3.6',
			source: 'Made-up example figure'
		},
		{ year: '2023', rate_pct: '3.1', source: 'Made-up example figure' }
	]
};

/** The template's header (every contract column, in the contract's order) and its two rows. */
export function templateRows(kind: KindName): { header: string[]; rows: string[][] } {
	const header = KINDS[kind].columns.map((c) => c.name);
	return { header, rows: EXAMPLES[kind].map((r) => header.map((h) => r[h] ?? '')) };
}

/** The template as a CSV file (CRLF line ends, as spreadsheets write them). */
export function templateCsv(kind: KindName): string {
	const { header, rows } = templateRows(kind);
	return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Each type in words (extracts.md "General rules"). */
const TYPE_WORDS: Record<ColumnType, string> = {
	ref: 'reference: a pseudonymised identifier of 1 to 128 letters, digits, -, _, / or .',
	text: 'text',
	enum: 'one of a fixed list of values',
	date: 'date: YYYY-MM-DD or DD/MM/YYYY, not after the upload day nor before 2000',
	timestamp:
		'date and time: YYYY-MM-DDTHH:MM[:SS] (with an optional offset), YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM, read as UK local time when no offset is given; a date alone also does',
	flag: 'yes or no: Y, N, Yes, No, TRUE, FALSE, 1 or 0',
	integer: 'whole number',
	decimal: 'number, a decimal point allowed'
};

export interface ColumnHelp {
	name: string;
	required: boolean;
	type: string;
	values: string[] | null;
	description: string;
}

/** Every kind's columns in plain words, for the Extracts page's help: type, required, values, meaning. */
export function kindHelp(): { kind: KindName; label: string; columns: ColumnHelp[] }[] {
	return KIND_NAMES.map((k) => ({
		kind: k,
		label: KINDS[k].label,
		columns: KINDS[k].columns.map((c) => ({
			name: c.name,
			required: c.required,
			type: TYPE_WORDS[c.type],
			values: c.values ? [...c.values] : null,
			description: c.description
		}))
	}));
}
