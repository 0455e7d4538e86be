// Columns of the current tables worked out once, as rows enter them, so no query repeats the work per row.
import type { Queryable } from '../db';
import type { KindName } from '../extracts/contract';

/**
 * A derived column: its name, type and the SQL that makes it from the row's own contract columns
 * (written over bare column names, so it reads the same from a staging table, a history table or
 * the current table itself). The Europe/London conversion is the costly part of a query over
 * millions of incidents (issue 13): a London day is the same whenever it is worked out.
 */
export interface DerivedColumn {
	name: string;
	type: 'DATE' | 'INTEGER';
	sql: string;
}

export const DERIVED: Partial<Record<KindName, readonly DerivedColumn[]>> = {
	// The incident's day on the Europe/London clock (identification's months and training dates).
	incidents: [
		{
			name: 'opened_local_date',
			type: 'DATE',
			sql: `CAST(timezone('Europe/London', opened_at) AS DATE)`
		}
	],
	// The assessment's day on the Europe/London clock (within N days of the crime's record).
	risk_assessments: [
		{
			name: 'completed_local_date',
			type: 'DATE',
			sql: `CAST(timezone('Europe/London', completed_at) AS DATE)`
		}
	],
	// The outcome's number: `1A` -> 1, `16` -> 16; null when the text starts with no digits.
	outcomes: [
		{
			name: 'outcome_num',
			type: 'INTEGER',
			sql: `TRY_CAST(regexp_extract(outcome_type, '^\\s*(\\d+)', 1) AS INTEGER)`
		}
	]
};

/**
 * The derived part of an INSERT into a current table: `columns` to append to its column list and
 * `values` to its SELECT list (both empty, or starting with a comma).
 */
export function derivedInsert(kind: KindName): { columns: string; values: string } {
	const list = DERIVED[kind] ?? [];
	return {
		columns: list.map((d) => `, ${d.name}`).join(''),
		values: list.map((d) => `, ${d.sql}`).join('')
	};
}

/**
 * Work out the derived columns of rows put into a current table by other means than the two
 * INSERTs that fill them (a migration's old rows, a test's hand-made rows): only where unset.
 */
export async function fillDerived(tx: Queryable, kind: KindName): Promise<void> {
	for (const d of DERIVED[kind] ?? []) {
		await tx.run(`UPDATE ${kind} SET ${d.name} = ${d.sql} WHERE ${d.name} IS NULL`);
	}
}
