// The reference rows the database is seeded with (copies of data/reference/*.csv), and migration 2.
import type { Migration } from '../db/migrations';

export interface OffenceCodeRow {
	offence_code: string;
	name: string;
	/** Offence groups, `;`-separated as in the CSV. */
	groups: string;
	source: string;
}

export interface OutcomeTypeRow {
	outcome_type: string;
	name: string;
	group: string;
}

/** data/reference/offence_codes.csv, row for row (a unit test compares them). */
export const OFFENCE_CODES: readonly OffenceCodeRow[] = [
	{
		offence_code: '8Q',
		name: 'Stalking',
		groups: 'stalking;stalking_harassment',
		source: 'Home Office Counting Rules class 8Q (separate class since April 2014)'
	},
	{
		offence_code: '8L',
		name: 'Harassment',
		groups: 'stalking_harassment',
		source: 'Home Office Counting Rules class 8L'
	},
	{
		offence_code: '8M',
		name: 'Racially or religiously aggravated harassment',
		groups: 'stalking_harassment',
		source: 'Home Office Counting Rules class 8M'
	},
	{
		offence_code: '8R',
		name: 'Malicious communications',
		groups: 'stalking_harassment',
		source: 'Home Office Counting Rules class 8R'
	}
];

/** data/reference/ho_outcome_types.csv, row for row. */
export const OUTCOME_TYPES: readonly OutcomeTypeRow[] = [
	{ outcome_type: '0', name: 'Not yet assigned an outcome', group: 'none' },
	{ outcome_type: '1', name: 'Charged/summonsed', group: 'charged_summonsed' },
	{ outcome_type: '2', name: 'Caution - youths', group: 'out_of_court_formal' },
	{ outcome_type: '3', name: 'Caution - adults', group: 'out_of_court_formal' },
	{ outcome_type: '4', name: 'Taken into consideration', group: 'taken_into_consideration' },
	{
		outcome_type: '5',
		name: 'Offender died',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{ outcome_type: '6', name: 'Penalty Notice for Disorder', group: 'out_of_court_formal' },
	{ outcome_type: '7', name: 'Cannabis/khat warning', group: 'out_of_court_formal' },
	{ outcome_type: '8', name: 'Community resolution', group: 'out_of_court_informal' },
	{
		outcome_type: '9',
		name: 'Prosecution not in the public interest (CPS)',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '10',
		name: 'Formal action not in the public interest (police)',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '11',
		name: 'Prosecution prevented - suspect under age',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '12',
		name: 'Prosecution prevented - suspect too ill',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '13',
		name: 'Prosecution prevented - victim or key witness dead or too ill',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '14',
		name: 'Evidential difficulties: suspect not identified; victim does not support further action',
		group: 'evidential_difficulties_victim_does_not_support'
	},
	{
		outcome_type: '15',
		name: 'Evidential difficulties: suspect identified; victim supports action',
		group: 'evidential_difficulties_victim_supports'
	},
	{
		outcome_type: '16',
		name: 'Evidential difficulties: suspect identified; victim does not support further action',
		group: 'evidential_difficulties_victim_does_not_support'
	},
	{
		outcome_type: '17',
		name: 'Prosecution time limit expired',
		group: 'prosecution_prevented_or_not_in_public_interest'
	},
	{
		outcome_type: '18',
		name: 'Investigation complete - no suspect identified',
		group: 'no_suspect_identified'
	},
	{
		outcome_type: '19',
		name: 'National Fraud Intelligence Bureau filed (fraud only)',
		group: 'fraud_nfib'
	},
	{
		outcome_type: '20',
		name: 'Further action by another body or agency',
		group: 'responsibility_transferred'
	},
	{
		outcome_type: '21',
		name: 'Further investigation to support formal action not in the public interest - police decision',
		group: 'not_in_public_interest_police_decision'
	},
	{
		outcome_type: '22',
		name: 'Diversionary educational or intervention activity',
		group: 'diversionary'
	}
];
/** A SQL string literal for a constant above (never used for user input, which is always bound). */
function lit(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Migration 2: reference tables. offence_codes and outcome_types describe the Home Office classes;
 * offence_groups (group -> codes) is the editable scope list that `offences=<group>` resolves to.
 */
export const referenceMigration: Migration = {
	version: 2,
	name: 'reference: offence codes and groups, outcome types',
	sql: `
CREATE TABLE offence_codes (
	offence_code VARCHAR PRIMARY KEY,
	name VARCHAR NOT NULL,
	source VARCHAR
);
CREATE TABLE offence_groups (
	group_name VARCHAR NOT NULL,
	offence_code VARCHAR NOT NULL,
	PRIMARY KEY (group_name, offence_code)
);
CREATE TABLE outcome_types (
	outcome_type INTEGER PRIMARY KEY,
	name VARCHAR NOT NULL,
	group_name VARCHAR NOT NULL
);
INSERT INTO offence_codes VALUES
${OFFENCE_CODES.map((r) => `(${lit(r.offence_code)}, ${lit(r.name)}, ${lit(r.source)})`).join(',\n')};
INSERT INTO offence_groups VALUES
${OFFENCE_CODES.flatMap((r) =>
	r.groups
		.split(';')
		.filter(Boolean)
		.map((g) => `(${lit(g.trim())}, ${lit(r.offence_code)})`)
).join(',\n')};
INSERT INTO outcome_types VALUES
${OUTCOME_TYPES.map((r) => `(${Number(r.outcome_type)}, ${lit(r.name)}, ${lit(r.group)})`).join(',\n')};
`
};
