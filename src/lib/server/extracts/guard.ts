// The personal-data guard (extracts.md "Personal data guard"): every column of a file, the extra
// ones included, by its name and by its cells. Its cell search runs in the same pass over the rows
// as their typing (validate.ts checkRules; a valid date, flag, number or enum value cannot hold
// personal data, so those cells are searched only where they failed their type), and it wins over
// the rules: a refusal for personal data says how to remove it.
import type { Queryable } from '../db';
import { KINDS, type KindName } from './contract';
import { normaliseHeader } from './header';
import {
	ANY_CELL_PATTERN,
	CELL_PATTERNS,
	columnLooksPersonal,
	DATE_REF_PATTERN,
	PATTERN_CELL_CHARS
} from './pii';
import { refusal, type Refusal } from './refusals';
import { problem, summaryLine, type Problem, type SummaryLine } from './report';
import type { Staging } from './validate';

const q = (identifier: string) => `"${identifier}"`;
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Header fields whose names look like personal data, the `contract` column names excepted. */
export function personalColumns(header: string[], contract: ReadonlySet<string>) {
	const personal: Problem[] = [];
	const named: string[] = [];
	header.forEach((raw, i) => {
		const what = columnLooksPersonal(normaliseHeader(raw), contract);
		if (what) {
			named.push(`column "${raw.trim()}" (${what})`);
			personal.push(
				problem(
					1,
					raw.trim(),
					'',
					`(column ${i + 1}) looks like personal data (${what}): the dashboard takes anonymised data only — remove or pseudonymise this column in the export`,
					true
				)
			);
		}
	});
	return { personal, named };
}

/**
 * The refusal for header names that look like personal data, or undefined. `headerProblems` (missing
 * or repeated columns) are listed after them, so one answer says everything wrong with the header.
 */
export function personalNamesRefusal(
	header: string[],
	contract: ReadonlySet<string>,
	headerProblems: Problem[],
	fileName: string
): Refusal | undefined {
	const { personal, named } = personalColumns(header, contract);
	if (!personal.length) return undefined;
	return refusal(
		422,
		'personal_data',
		`${fileName} looks like it holds personal data: ${named.join(', ')}. Remove or pseudonymise ${personal.length === 1 ? 'that column' : 'those columns'} in the export and upload again.`,
		[...personal, ...headerProblems]
	);
}

/** `cell` is the SQL of a cell's text as read (trimmed; NULL when empty). */
function piiSql(cell: string): string {
	// The same first characters the JS side looks at (pii.ts), so both agree on every cell.
	const v = `left(${cell}, ${PATTERN_CELL_CHARS})`;
	const which = CELL_PATTERNS.map(
		(p) => `WHEN regexp_matches(${v}, ${lit(p.source)}, 'i') THEN ${lit(p.what)}`
	).join(' ');
	return `CASE WHEN regexp_matches(${v}, ${lit(ANY_CELL_PATTERN)}, 'i') THEN CASE ${which} END END`;
}

/** A ref that is a whole date is taken for a date of birth (extracts.md), then the cell patterns. */
function refPiiSql(cell: string): string {
	const v = `left(${cell}, ${PATTERN_CELL_CHARS})`;
	return `CASE WHEN regexp_matches(${v}, ${lit(DATE_REF_PATTERN.source)}) THEN ${lit(DATE_REF_PATTERN.what)}
		ELSE ${piiSql(cell)} END`;
}

// An extra column holds free text when more than half of its filled cells have three or more words.
const THREE_WORDS = String.raw`\S+\s+\S+\s+\S`;

// A valid date, time, flag, number or enum value cannot hold personal data, so those columns are
// searched only where the value failed its type (then the report must not echo it either).
const TYPED_SAFE = new Set(['date', 'timestamp', 'flag', 'integer', 'decimal', 'enum']);

/** What the guard found in the cells: its table of findings and the extra columns of free text. */
export interface CellFindings {
	/** Rows with at least one cell that looks like personal data (in `staging.pii`). */
	rows: number;
	/** One finding per extra column that holds free text, in the file's column order. */
	freeText: { problem: Problem; summary: SummaryLine }[];
}

/**
 * The guard's search of every cell, as one column per staging column (`<column>__pii`: what its cell
 * looks like, or NULL), for the typed table's SELECT (validate.ts checkRules), so the rows are read
 * once for both. `cell` gives the SQL of a column's text as read, `error` that of its type error.
 */
export function cellFindingsSql(
	staging: Staging,
	kind: KindName,
	cell: (column: string) => string,
	error: (column: string) => string
): string[] {
	const types = new Map(
		KINDS[kind].columns.filter((c) => staging.columns.includes(c.name)).map((c) => [c.name, c.type])
	);
	return staging.columns.map((c) => {
		const type = types.get(c);
		const expr =
			type && TYPED_SAFE.has(type)
				? `CASE WHEN ${error(c)} IS NOT NULL THEN ${piiSql(cell(c))} END`
				: type === 'ref'
					? refPiiSql(cell(c))
					: piiSql(cell(c));
		return `${expr} AS ${q(`${c}__pii`)}`;
	});
}

/**
 * What the guard found in the cells: `staging.pii` (a view of the typed table's `<column>__pii`
 * columns by record, which cellFindingsSql made) for the report (validate.ts listProblems); free
 * text in an extra column is one finding about the whole column.
 */
export async function guardCells(
	conn: Queryable,
	staging: Staging,
	kind: KindName
): Promise<CellFindings> {
	const types = new Map(
		KINDS[kind].columns.filter((c) => staging.columns.includes(c.name)).map((c) => [c.name, c.type])
	);
	const findings = staging.columns.map((c) => q(`${c}__pii`));
	staging.pii = staging.typ.replace(/^typ_/, 'pii_');
	await conn.run(
		`CREATE TEMP VIEW ${staging.pii} AS SELECT rec, ${findings.join(', ')} FROM ${staging.typ}`
	);
	const flagged = await conn.one<{ n: number }>(
		`SELECT count(*)::INTEGER AS n FROM ${staging.typ}
		 WHERE ${findings.map((f) => `${f} IS NOT NULL`).join(' OR ')}`
	);

	// Extra columns are never loaded, but free text in one is refused like any personal data.
	const freeText: CellFindings['freeText'] = [];
	for (const c of staging.columns.filter((name) => !types.has(name))) {
		const label = staging.labels.get(c) ?? c;
		const words = await conn.one<{ filled: number; wordy: number; line: number | null }>(
			`SELECT count(cell)::INTEGER AS filled, count(*) FILTER (WHERE wordy)::INTEGER AS wordy,
				min(line) FILTER (WHERE wordy)::INTEGER AS line
			 FROM (SELECT t.line, s.${q(c)} AS cell,
					regexp_matches(left(s.${q(c)}, ${PATTERN_CELL_CHARS}), ${lit(THREE_WORDS)}) AS wordy
				FROM ${staging.typ} t JOIN ${staging.stg} s ON s.rowid = t.rec)`
		);
		if (!words || words.filled === 0 || words.wordy * 2 <= words.filled) continue;
		const reason = `holds free text (${words.wordy} of its ${words.filled} filled cells have three or more words), which may describe people: the dashboard takes anonymised data only — remove this column from the export`;
		freeText.push({
			problem: problem(words.line ?? 2, label, '', reason, true),
			// One finding about the whole column, so the summary gives no row count.
			summary: {
				...summaryLine(label, reason, 1, [words.line ?? 2]),
				message: `${label} ${reason}`
			}
		});
	}
	return { rows: flagged?.n ?? 0, freeText };
}
