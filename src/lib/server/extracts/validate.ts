// Staging and validation: DuckDB reads the CSV as text into a temp table, then every rule of the
// contract is SQL over it, each producing problems (line, column, value, reason), listed with the
// personal-data guard's findings (guard.ts) as one report. Temp tables live on the writer
// connection only and never touch the database file.
import path from 'node:path';
import { isOutOfMemory, type Queryable } from '../db';
import { areaWarning, canonicaliseAreas, collapsedSql, courseSql, enumKeySql } from './canonical';
import { KINDS, type Column, type KindName } from './contract';
import type { HeaderMatch } from './header';
import { cellFindingsSql, type CellFindings } from './guard';
import { maskValue, safeValue } from './pii';
import { MAX_PROBLEMS, problem, summaryLine, type Problem, type SummaryLine } from './report';
import { ISO_DATE, ISO_TS, UK_DATE, UK_TS } from '../../dates';

/** Names of one upload's temp tables; generated here, never from input. */
export interface Staging {
	stg: string;
	typ: string;
	lines?: string;
	/** The personal-data guard's findings per cell (guard.ts), once it has run. */
	pii?: string;
	/** Staging column per file position (contract name, or x<position> for extra columns). */
	columns: string[];
	/** What the report calls each staging column (the header as written for extra columns). */
	labels: Map<string, string>;
}

/** DuckDB's reader refused the file (malformed quoting the byte scan did not catch). */
export class CsvReadError extends Error {
	constructor(readonly duckdbMessage: string) {
		super(duckdbMessage);
		this.name = 'CsvReadError';
	}
}

let counter = 0;

const q = (identifier: string) => `"${identifier}"`;
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

// A cell is trimmed of surrounding whitespace; an empty cell is NULL.
const TRIM = `' \t\r\n'`;

/** Read the CSV into a temp table of trimmed text, one column per header field, in file order. */
export async function stageCsv(
	conn: Queryable,
	csvPath: string,
	match: HeaderMatch,
	headerLength: number,
	recordLines?: Int32Array
): Promise<Staging> {
	const n = ++counter;
	const columns: string[] = [];
	const labels = new Map<string, string>();
	const byPosition = new Map([...match.positions].map(([name, at]) => [at, name]));
	const extras = new Map(match.extra.map((e) => [e.position, e.name]));
	for (let i = 0; i < headerLength; i++) {
		const name = byPosition.get(i) ?? `x${i}`;
		columns.push(name);
		labels.set(name, byPosition.get(i) ?? (extras.get(i) || `column ${i + 1}`));
	}
	const staging: Staging = { stg: `stg_${n}`, typ: `typ_${n}`, columns, labels };
	const spec = columns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ');
	// Most cells have nothing to trim: one whose first and last characters are above the space is
	// kept as it is, which costs DuckDB far less than trimming it (the result is the same).
	const trimmed = columns
		.map(
			(c) =>
				`CASE WHEN ascii(${q(c)}) > 32 AND ascii(right(${q(c)}, 1)) > 32 THEN ${q(c)}
				 ELSE nullif(trim(${q(c)}, ${TRIM}), '') END AS ${q(c)}`
		)
		.join(', ');
	try {
		await conn.run(
			`CREATE TEMP TABLE ${staging.stg} AS SELECT ${trimmed} FROM read_csv($path, header = true,
			 auto_detect = false, columns = {${spec}}, delim = ',', quote = '"', escape = '"',
			 strict_mode = true, null_padding = false, all_varchar = true)`,
			// Absolute, as DuckDB's allowed directories are (db/index.ts).
			{ path: path.resolve(csvPath) }
		);
	} catch (err) {
		// Memory running out is the database's limit, not the file's shape (pipeline.ts says so).
		if (isOutOfMemory(err)) throw err;
		throw new CsvReadError((err as Error).message);
	}
	if (recordLines) {
		// Quoted newlines or skipped blank lines: the file's own line of each record, from the scan.
		staging.lines = `lines_${n}`;
		await conn.run(`CREATE TEMP TABLE ${staging.lines} (rec BIGINT, line INTEGER)`);
		const appender = await conn.connection.createAppender(staging.lines, 'main', 'temp');
		for (let i = 0; i < recordLines.length; i++) {
			appender.appendBigInt(BigInt(i));
			appender.appendInteger(recordLines[i]);
			appender.endRow();
		}
		appender.closeSync();
	}
	return staging;
}

export async function dropStaging(conn: Queryable, staging: Staging): Promise<void> {
	// The guard's findings are a view of the typed table: dropped first.
	if (staging.pii) await conn.run(`DROP VIEW IF EXISTS temp.${staging.pii}`);
	for (const t of [staging.stg, staging.typ, staging.lines]) {
		if (t) await conn.run(`DROP TABLE IF EXISTS temp.${t}`);
	}
}

const REF = String.raw`[A-Za-z0-9_/.-]{1,128}`;
const OUTCOME = String.raw`([0-9]|1[0-9]|2[0-2]) ?[A-Za-z]?`;
const TEXT_MAX = 200;

// Text columns stored in a canonical form (canonical.ts); areas are respelt after typing.
const TEXT_VALUE: Record<string, (v: string) => string> = {
	offence_code: (v) => `upper(${v})`,
	first_offence_code: (v) => `upper(${v})`,
	course: courseSql,
	area: collapsedSql
};

/** SQL for one contract column: its parts (dates), its typed value, and its problem (or NULL). */
interface ColumnSql {
	/** Expressions computed in an inner layer, by alias (date and timestamp parts). */
	parts: [string, string][];
	/** Expressions over `parts`, computed in the next layer. */
	layer2?: [string, string][];
	value: string;
	error: string;
}

function empty(col: Column): string {
	return col.required ? `'is empty but it is required'` : 'NULL';
}

function dateSql(col: Column, timestamp: boolean): ColumnSql {
	const v = q(col.name);
	const p = (part: string) => q(`${col.name}__${part}`);
	const iso = timestamp
		? `regexp_extract(${v}, ${lit(ISO_TS)}, ['y','m','d','hh','mi','ss','tz'])`
		: `regexp_extract(${v}, ${lit(ISO_DATE)}, ['y','m','d'])`;
	const uk = timestamp
		? `regexp_extract(${v}, ${lit(UK_TS)}, ['d','m','y','hh','mi','ss'])`
		: `regexp_extract(${v}, ${lit(UK_DATE)}, ['d','m','y'])`;
	const time = (f: string) => (timestamp ? `${pick(f, "'0'")}::INTEGER` : '0');
	const pick = (f: string, fallback = 'NULL') =>
		`coalesce(nullif(${p('iso')}.${f}, ''), nullif(${p('uk')}.${f}, ''), ${fallback})`;
	const day = `make_date(${p('y')}, ${p('m')}, ${p('d')})`;
	const naive = `make_timestamp(${p('y')}, ${p('m')}, ${p('d')}, ${p('hh')}, ${p('mi')}, ${p('ss')}::DOUBLE)`;
	const tz = p('tz');
	const offsetMinutes = `(CASE WHEN left(${tz}, 1) = '-' THEN -1 ELSE 1 END) *
		(substr(${tz}, 2, 2)::INTEGER * 60 + right(${tz}, 2)::INTEGER)`;
	// Without an offset the time is Europe/London local time; with one it is that instant.
	const instant = `CASE WHEN ${tz} IS NULL THEN timezone('Europe/London', ${naive})
		WHEN ${tz} = 'Z' THEN timezone('UTC', ${naive})
		ELSE timezone('UTC', ${naive} - to_minutes(${offsetMinutes})) END`;
	const localDay = timestamp ? `timezone('Europe/London', ${instant})::DATE` : day;
	const what = timestamp
		? `'is not a date and time (use YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS])'`
		: `'is not a date (use YYYY-MM-DD or DD/MM/YYYY)'`;
	const error = `CASE WHEN ${v} IS NULL THEN ${empty(col)}
		WHEN ${p('fmt')} IS NULL THEN ${what}
		WHEN ${p('m')} NOT BETWEEN 1 AND 12 THEN 'is ' || ${p('fmt')} || ' with month ' || ${p('m')}
		WHEN ${p('d')} NOT BETWEEN 1 AND day(last_day(make_date(${p('y')}, ${p('m')}, 1)))
			THEN 'is ' || ${p('fmt')} || ' with day ' || ${p('d')} || ', but month ' || ${p('m')} || ' of ' ||
				${p('y')} || ' has ' || day(last_day(make_date(${p('y')}, ${p('m')}, 1))) || ' days'
		WHEN ${p('hh')} > 23 OR ${p('mi')} > 59 OR ${p('ss')} > 59 THEN 'has a time of day that does not exist'
		WHEN ${localDay} < DATE '2000-01-01' THEN 'is before 2000-01-01'
		${col.ahead ? '' : `WHEN ${localDay} > $today::DATE THEN 'is after the upload day (' || $today || '): dates cannot be in the future'`}
		END`;
	return {
		parts: [
			[`${col.name}__iso`, iso],
			[`${col.name}__uk`, uk]
		],
		// Only a real date or time is built (make_date fails on month 13); range rules null the rest.
		value: `CASE WHEN ${p('fmt')} IS NOT NULL AND ${p('m')} BETWEEN 1 AND 12
			AND ${p('d')} BETWEEN 1 AND day(last_day(make_date(${p('y')}, ${p('m')}, 1)))
			AND ${p('hh')} <= 23 AND ${p('mi')} <= 59 AND ${p('ss')} <= 59 THEN ${timestamp ? instant : day} END`,
		error,
		// Second layer: numbers out of the matched text.
		layer2: [
			[
				`${col.name}__fmt`,
				`CASE WHEN ${p('iso')}.y <> '' THEN ${timestamp ? `CASE WHEN ${p('iso')}.hh = '' THEN 'YYYY-MM-DD' WHEN strpos(${v}, 'T') > 0 THEN 'ISO 8601' ELSE 'YYYY-MM-DD HH:MM' END` : `'YYYY-MM-DD'`}
					 WHEN ${p('uk')}.y <> '' THEN ${timestamp ? `CASE WHEN ${p('uk')}.hh = '' THEN 'DD/MM/YYYY' ELSE 'DD/MM/YYYY HH:MM' END` : `'DD/MM/YYYY'`} END`
			],
			[`${col.name}__y`, `${pick('y')}::INTEGER`],
			[`${col.name}__m`, `${pick('m')}::INTEGER`],
			[`${col.name}__d`, `${pick('d')}::INTEGER`],
			[`${col.name}__hh`, time('hh')],
			[`${col.name}__mi`, time('mi')],
			[`${col.name}__ss`, time('ss')],
			[`${col.name}__tz`, timestamp ? `nullif(${p('iso')}.tz, '')` : 'NULL::VARCHAR']
		]
	};
}

function columnSql(kind: KindName, col: Column): ColumnSql {
	const v = q(col.name);
	// The test is worked out once per cell, in the inner layer, for both the value and the error.
	const ok = q(`${col.name}__ok`);
	const simple = (test: string, value: string, reason: string): ColumnSql => ({
		parts: [[`${col.name}__ok`, test]],
		value: `CASE WHEN ${ok} THEN ${value} END`,
		error: `CASE WHEN ${v} IS NULL THEN ${empty(col)} WHEN NOT ${ok} THEN ${lit(reason)} END`
	});
	// A column whose value is NULL exactly when the cell fails (flags, enums): one expression, once.
	const valued = (value: string, reason: string): ColumnSql => ({
		parts: [[`${col.name}__ok`, value]],
		value: ok,
		error: `CASE WHEN ${v} IS NULL THEN ${empty(col)} WHEN ${ok} IS NULL THEN ${lit(reason)} END`
	});
	switch (col.type) {
		case 'date':
			return dateSql(col, false);
		case 'timestamp':
			return dateSql(col, true);
		case 'ref':
			return simple(
				`regexp_full_match(${v}, ${lit(REF)})`,
				v,
				'is not a reference: use 1 to 128 letters, digits, -, _, / or .'
			);
		case 'flag':
			// Spelt out as a CASE: DuckDB turns a list of constants after IN into a join.
			return valued(
				`CASE lower(${v}) ${['y', 'yes', 'true', '1'].map((x) => `WHEN '${x}' THEN true`).join(' ')}
					${['n', 'no', 'false', '0'].map((x) => `WHEN '${x}' THEN false`).join(' ')} END`,
				'is not a Y/N flag: use Y, N, Yes, No, TRUE, FALSE, 1 or 0'
			);
		case 'enum': {
			// Matched ignoring case, spaces and hyphens (canonical.ts); stored as the contract spells it.
			const values = col.values ?? [];
			// A value already spelt as the contract spells it is itself (a kind's values differ in
			// their keys), and is most values: only the others go through the key.
			const canonical = `CASE ${v} ${values.map((x) => `WHEN ${lit(x)} THEN ${lit(x)}`).join(' ')}
				ELSE CASE ${enumKeySql(v)} ${values.map((x) => `WHEN ${enumKeySql(lit(x))} THEN ${lit(x)}`).join(' ')} END END`;
			return valued(
				canonical,
				`is not one of the allowed values: ${values.join(', ')} (case, spaces and hyphens do not matter)`
			);
		}
		case 'integer':
			return simple(
				String.raw`regexp_full_match(${v}, '[+-]?\d{1,9}')`,
				`${v}::INTEGER`,
				'is not a whole number'
			);
		case 'decimal':
			return simple(
				String.raw`regexp_full_match(${v}, '[+-]?(\d+(\.\d*)?|\.\d+)')`,
				`${v}::DOUBLE`,
				'is not a number'
			);
		case 'text':
			if (kind === 'outcomes' && col.name === 'outcome_type') {
				return simple(
					`regexp_full_match(${v}, ${lit(OUTCOME)})`,
					`upper(replace(${v}, ' ', ''))`,
					'is not a Home Office outcome number 0 to 22 (optionally with a letter, e.g. 1A)'
				);
			}
			return simple(
				`length(${v}) <= ${TEXT_MAX}`,
				TEXT_VALUE[col.name]?.(v) ?? v,
				`is longer than ${TEXT_MAX} characters`
			);
	}
}

/** A rule across columns or about a value's range, on the typed values of a row. */
export interface RowRule {
	/** The column the report names (it may be missing from the file, as an optional one can be). */
	column: string;
	/** SQL condition over the typed table: true where the row breaks the rule. */
	when: string;
	reason: string;
}

/**
 * The kind's row rules for a file with these contract columns. A value that failed its type is
 * NULL by now (and reported already), so a rule never reports it a second time.
 */
function rowRules(kind: KindName, today: string, has: (column: string) => boolean): RowRule[] {
	const year = Number(today.slice(0, 4));
	const rule = (column: string, when: string, reason: string): RowRule => ({
		column,
		when,
		reason
	});
	const yearRule = (col: string) =>
		rule(col, `${q(col)} NOT BETWEEN 2000 AND ${year}`, `is not a year from 2000 to ${year}`);
	// Empty in the file (or no such column), as opposed to a value that failed its type.
	const blank = (col: string) =>
		has(col) ? `(${q(col)} IS NULL AND ${q(`${col}__err`)} IS NULL)` : 'true';
	const only = (col: string, rules: RowRule[]) => (has(col) ? rules : []);
	switch (kind) {
		case 'workforce':
			return only('end_date', [rule('end_date', `end_date < start_date`, 'is before start_date')]);
		case 'population':
			return [
				yearRule('year'),
				rule('population_16plus', `population_16plus <= 0`, 'must be more than 0')
			];
		case 'prevalence':
			return [
				yearRule('year'),
				rule(
					'rate_pct',
					`rate_pct <= 0 OR rate_pct >= 100`,
					'must be more than 0 and less than 100'
				),
				...only('lower_pct', [
					rule('lower_pct', `lower_pct < 0 OR lower_pct > rate_pct`, 'must be from 0 to rate_pct')
				]),
				...only('upper_pct', [
					rule(
						'upper_pct',
						`upper_pct >= 100 OR upper_pct < rate_pct`,
						'must be from rate_pct to below 100'
					)
				])
			];
		case 'risk_assessments':
			// An assessment is of a crime or of the call it came from; with neither it links to nothing.
			return [
				rule(
					'crime_ref',
					`${blank('crime_ref')} AND ${blank('incident_ref')}`,
					'is empty, and so is incident_ref: give the crime or the incident the assessment was of (one of crime_ref or incident_ref is required)'
				)
			];
		case 'protective_orders':
			return [
				rule(
					'decision_date',
					`status <> 'pending' AND ${blank('decision_date')}`,
					'is empty, but the status says the court has decided (granted, refused or withdrawn): give the decision date, or set the status to pending'
				),
				...only('decision_date', [
					rule(
						'decision_date',
						`decision_date < applied_date`,
						'is before applied_date: a court decides after the application'
					)
				]),
				// Not in the contract's words, but an order cannot end before it was made: an expiry
				// before the decision (or, while pending, before the application) is a typing error.
				...only('expires_date', [
					rule(
						'expires_date',
						has('decision_date')
							? `expires_date < coalesce(decision_date, applied_date)`
							: `expires_date < applied_date`,
						'is before decision_date (or applied_date while there is no decision): an order cannot end before it was made'
					)
				]),
				...only('breach_count', [
					rule(
						'breach_count',
						`breach_count < 0`,
						'must be 0 or more (leave it empty when breaches are not recorded)'
					)
				])
			];
		default:
			return [];
	}
}

export interface Validation {
	errorCount: number;
	problems: Problem[];
	summary: SummaryLine[];
	personal: boolean;
	warnings: string[];
}

/** What the rules left in the typed table, for the report once the guard has looked too. */
export interface Checked {
	kind: KindName;
	today: string;
	/** The kind's columns the file has, with their SQL. */
	columns: Column[];
	/** Rows with a cell that failed its type or is empty but required. */
	flagged: number;
	rules: RowRule[];
	/** Rows breaking a row rule. */
	ruleHits: number;
	/** Areas respelt to the first loaded spelling (canonical.ts). */
	respelt: Awaited<ReturnType<typeof canonicaliseAreas>>;
}

/** Type every contract column into the typed temp table and apply every rule to it. */
export async function checkRules(
	conn: Queryable,
	staging: Staging,
	kind: KindName,
	today: string
): Promise<Checked> {
	const columns = KINDS[kind].columns.filter((c) => staging.columns.includes(c.name));
	const sqls = new Map(columns.map((c) => [c.name, columnSql(kind, c)]));

	const layer1 = [
		'rowid AS rec',
		...staging.columns.map(q),
		...[...sqls.values()].flatMap((s) => s.parts.map(([alias, expr]) => `${expr} AS ${q(alias)}`))
	];
	const layer2 = [
		'*',
		...[...sqls.values()].flatMap((s) =>
			(s.layer2 ?? []).map(([alias, expr]) => `${expr} AS ${q(alias)}`)
		)
	];
	const line = staging.lines ? 'l.line' : '(b.rec + 2)::INTEGER';
	const typed = [
		'b.rec',
		`${line} AS line`,
		...columns.map((c) => `${sqls.get(c.name)!.value} AS ${q(c.name)}`),
		...columns.map((c) => `${sqls.get(c.name)!.error} AS ${q(`${c.name}__err`)}`)
	];
	const join = staging.lines ? `JOIN ${staging.lines} l ON l.rec = b.rec` : '';
	// The personal-data guard searches the cells as read in the same pass (guard.ts): each column's
	// text is carried through as <column>__raw for it, and left out of the table.
	const raw = (c: string) => q(`${c}__raw`);
	const findings = cellFindingsSql(staging, kind, raw, (c) => q(`${c}__err`));
	await conn.run(
		`CREATE TEMP TABLE ${staging.typ} AS SELECT * EXCLUDE (${staging.columns.map(raw).join(', ')}),
			${findings.join(', ')}
		 FROM (SELECT ${[...typed, ...staging.columns.map((c) => `b.${q(c)} AS ${raw(c)}`)].join(', ')}
		 FROM (SELECT ${layer2.join(', ')} FROM (SELECT ${layer1.join(', ')} FROM ${staging.stg})) b ${join})`,
		typed.some((t) => t.includes('$today')) ? { today } : undefined
	);
	const flagged = columns.length
		? await conn.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM ${staging.typ} WHERE ${columns.map((c) => `${q(`${c.name}__err`)} IS NOT NULL`).join(' OR ')}`
			)
		: undefined;
	// A value with a problem is NULL, so range rules and key checks skip it.
	for (const c of flagged?.n ? columns : []) {
		await conn.run(
			`UPDATE ${staging.typ} SET ${q(c.name)} = NULL WHERE ${q(`${c.name}__err`)} IS NOT NULL AND ${q(c.name)} IS NOT NULL`
		);
	}

	// One spelling per area, before the key check (population's key holds the area).
	const respelt = columns.some((c) => c.name === 'area')
		? await canonicaliseAreas(conn, staging.typ)
		: [];

	const rules = rowRules(kind, today, (c) => sqls.has(c));
	const rangeHits = rules.length
		? await conn.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM ${staging.typ} WHERE ${rules.map((r) => `(${r.when})`).join(' OR ')}`
			)
		: undefined;
	return {
		kind,
		today,
		columns,
		flagged: flagged?.n ?? 0,
		rules,
		ruleHits: rangeHits?.n ?? 0,
		respelt
	};
}

const PERSONAL_REASON = (what: string) =>
	`has a value that looks like ${what}: the dashboard takes anonymised data only — remove or pseudonymise this column in the export`;

/**
 * Every problem the rules and the personal-data guard (guard.ts) found, as the report lists them:
 * each cell once, in file order, personal data winning over a type error in the same cell; then
 * repeated keys and extra columns of free text. Warnings only for a file with no problem.
 */
export async function listProblems(
	conn: Queryable,
	staging: Staging,
	checked: Checked,
	guarded: CellFindings
): Promise<Validation> {
	const { kind, columns, rules } = checked;
	const contract = new Set(columns.map((c) => c.name));
	const pii = staging.pii!;
	const piiCols = staging.columns.map((c) => `p.${q(`${c}__pii`)}`).join(', ');
	const cells = `(SELECT t.*, ${piiCols} FROM ${staging.typ} t JOIN ${pii} p ON p.rec = t.rec)`;

	// Every cell problem, one SELECT per column; personal data wins over a type error in a cell.
	const selects: string[] = [];
	staging.columns.forEach((c, colNo) => {
		const label = lit(staging.labels.get(c) ?? c);
		const err = contract.has(c) ? q(`${c}__err`) : 'NULL';
		selects.push(`SELECT rec, line, ${colNo} AS col_no, ${lit(c)} AS col, ${label} AS label,
			CASE WHEN ${q(`${c}__pii`)} IS NOT NULL THEN ${q(`${c}__pii`)} ELSE ${err} END AS reason,
			${q(`${c}__pii`)} IS NOT NULL AS personal
			FROM ${cells} WHERE ${q(`${c}__pii`)} IS NOT NULL OR ${err} IS NOT NULL`);
	});
	for (const r of rules) {
		selects.push(`SELECT rec, line, ${staging.columns.indexOf(r.column)} AS col_no, ${lit(r.column)} AS col,
			${lit(r.column)} AS label, ${lit(r.reason)} AS reason, false AS personal
			FROM ${staging.typ} WHERE ${r.when}`);
	}
	const problemsSql = selects.join(' UNION ALL ');
	const clean = !checked.flagged && !guarded.rows && !checked.ruleHits;

	const counts = clean
		? { n: 0, personal: 0 }
		: await conn.one<{ n: number; personal: number }>(
				`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE personal)::INTEGER AS personal FROM (${problemsSql})`
			);
	const groups = clean
		? []
		: await conn.all<{
				label: string;
				reason: string;
				personal: boolean;
				n: number;
				lines: number[];
			}>(
				`SELECT label, reason, personal, count(*)::INTEGER AS n, min_by(line, line, 5) AS lines
		 FROM (${problemsSql}) GROUP BY ALL ORDER BY n DESC, label, reason`
			);
	const rawValue = `CASE p.col ${staging.columns.map((c) => `WHEN ${lit(c)} THEN s.${q(c)}`).join(' ')} END`;
	const detail = clean
		? []
		: await conn.all<{
				line: number;
				label: string;
				value: string | null;
				reason: string;
				personal: boolean;
			}>(
				`SELECT p.line, p.label, ${rawValue} AS value, p.reason, p.personal
		 FROM (SELECT * FROM (${problemsSql}) ORDER BY line, col_no LIMIT ${MAX_PROBLEMS}) p
		 JOIN ${staging.stg} s ON s.rowid = p.rec ORDER BY p.line, p.col_no`
			);
	const reasonText = (r: { reason: string; personal: boolean }) =>
		r.personal ? PERSONAL_REASON(r.reason) : r.reason;
	// A cell the SQL guard flagged is masked without running the patterns again.
	const problems = detail.map((r) =>
		problem(
			r.line,
			r.label,
			r.personal ? maskValue(r.value ?? '') : safeValue(r.value),
			reasonText(r),
			r.personal
		)
	);
	const summary = groups.map((g) => summaryLine(g.label, reasonText(g), g.n, g.lines));
	let errorCount = counts?.n ?? 0;
	// Each problem's summary line, where it is not the line of its own column and reason.
	const ruleOf = new Map<Problem, SummaryLine>();

	// Keys unique within the file: every repeated key, with its lines.
	const key = KINDS[kind].key;
	const keyCols = key.map(q).join(', ');
	// The repeated keys are found by counting alone, and only their lines are listed: a list per key
	// of a large file would hold every line of it in memory at once.
	const keyed = `${staging.typ} WHERE ${key.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')}`;
	const dups = await conn.all<{ lines: number[]; n: number; total: number; k: string }>(
		`WITH repeated AS (SELECT ${keyCols} FROM ${keyed} GROUP BY ${keyCols} HAVING count(*) > 1)
		 SELECT lines, n, (count(*) OVER ())::INTEGER AS total, k FROM (
			SELECT list(t.line ORDER BY t.line) AS lines, count(*)::INTEGER AS n,
				concat_ws(' + ', ${key.map((c) => `t.${q(c)}::VARCHAR`).join(', ')}) AS k
			FROM ${staging.typ} t SEMI JOIN repeated r ON ${key.map((c) => `r.${q(c)} = t.${q(c)}`).join(' AND ')}
			GROUP BY ${key.map((c) => `t.${q(c)}`).join(', ')})
		 ORDER BY lines[1] LIMIT ${MAX_PROBLEMS}`
	);
	if (dups.length > 0) {
		const keyLabel = key.join(' + ');
		const repeatedRows = await conn.one<{ n: number }>(
			`SELECT coalesce(sum(n - 1), 0)::INTEGER AS n FROM (SELECT count(*) AS n FROM ${staging.typ}
			 WHERE ${key.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${keyCols} HAVING count(*) > 1)`
		);
		const shown = (lines: number[]) =>
			lines.length > 10
				? `${lines.slice(0, 10).join(', ')} and ${lines.length - 10} more`
				: lines.join(', ');
		const dupLine = summaryLine(
			keyLabel,
			'repeats a key already used earlier in the file (keys must be unique)',
			repeatedRows?.n ?? 0,
			dups.slice(0, 5).map((d) => d.lines[1])
		);
		for (const d of dups) {
			const p = problem(
				d.lines[0],
				keyLabel,
				safeValue(d.k),
				`repeats on lines ${shown(d.lines)}: a key must be unique within the file`
			);
			// One problem per repeated key, counted in the summary's line for repeated keys.
			ruleOf.set(p, dupLine);
			problems.push(p);
		}
		errorCount += dupLine.count;
		summary.push(dupLine);
		problems.sort((a, b) => a.line - b.line);
		problems.splice(MAX_PROBLEMS);
		summary.sort((a, b) => b.count - a.count);
	}

	for (const f of guarded.freeText) {
		ruleOf.set(f.problem, f.summary);
		problems.push(f.problem);
		summary.push(f.summary);
		errorCount += 1;
	}
	if (guarded.freeText.length) {
		problems.sort((a, b) => a.line - b.line);
		problems.splice(MAX_PROBLEMS);
	}
	numberRules(problems, summary, ruleOf);

	return {
		errorCount,
		problems,
		summary,
		personal: (counts?.personal ?? 0) > 0 || guarded.freeText.length > 0,
		warnings:
			errorCount === 0
				? [
						...[areaWarning(checked.respelt)].filter((w): w is string => w !== null),
						...(await refWarnings(conn, staging, kind)),
						...(await dateOrderWarnings(conn, staging, kind))
					]
				: []
	};
}

/** Each problem gets the number (1-based) of its summary line, so a report can be filtered by rule. */
function numberRules(
	problems: Problem[],
	summary: SummaryLine[],
	ruleOf: Map<Problem, SummaryLine>
): void {
	const key = (column: string, reason: string) => `${column}\u0000${reason}`;
	const byKey = new Map(summary.map((s, i) => [key(s.column, s.reason), i + 1]));
	const byLine = new Map(summary.map((s, i) => [s, i + 1]));
	for (const p of problems) {
		const own = ruleOf.get(p);
		const rule = own ? byLine.get(own) : byKey.get(key(p.column, p.reason));
		if (rule) p.rule = rule;
	}
}

// Refs to other kinds: accepted when unknown (extracts arrive in any order), with a warning.
const REFERS: Partial<Record<KindName, { column: string; kind: KindName; key: string }[]>> = {
	crimes: [{ column: 'incident_ref', kind: 'incidents', key: 'incident_ref' }],
	arrests: [{ column: 'crime_ref', kind: 'crimes', key: 'crime_ref' }],
	outcomes: [{ column: 'crime_ref', kind: 'crimes', key: 'crime_ref' }],
	incidents: [{ column: 'handler_ref', kind: 'workforce', key: 'staff_ref' }],
	risk_assessments: [
		{ column: 'crime_ref', kind: 'crimes', key: 'crime_ref' },
		{ column: 'incident_ref', kind: 'incidents', key: 'incident_ref' }
	],
	protective_orders: [{ column: 'crime_ref', kind: 'crimes', key: 'crime_ref' }],
	training: [{ column: 'staff_ref', kind: 'workforce', key: 'staff_ref' }]
};

async function refWarnings(conn: Queryable, staging: Staging, kind: KindName): Promise<string[]> {
	const out: string[] = [];
	for (const ref of REFERS[kind] ?? []) {
		if (!staging.columns.includes(ref.column)) continue;
		const row = await conn.one<{ n: number; examples: { line: number; ref: string }[] }>(
			`SELECT count(*)::INTEGER AS n, min_by({'line': line, 'ref': ${q(ref.column)}}, line, 3) AS examples
			 FROM ${staging.typ} t WHERE ${q(ref.column)} IS NOT NULL
			 AND NOT EXISTS (SELECT 1 FROM ${ref.kind} c WHERE c.${q(ref.key)} = t.${q(ref.column)})`
		);
		if (row && row.n > 0) {
			const examples = row.examples.map((e) => `${e.ref} on line ${e.line}`).join(', ');
			out.push(
				`${row.n} ${row.n === 1 ? 'row refers' : 'rows refer'} to ${ref.column} values that are not in the current ${ref.kind} dataset (e.g. ${examples}); ` +
					`they are kept and will link up once that ${ref.kind} extract is loaded.`
			);
		}
	}
	return out;
}

// An outcome dated before its crime was recorded is accepted (either date may be the one to fix)
// and warned about; such outcomes are left out of the days to charge (metrics.md).
async function dateOrderWarnings(
	conn: Queryable,
	staging: Staging,
	kind: KindName
): Promise<string[]> {
	if (kind !== 'outcomes' && kind !== 'crimes') return [];
	// The file's rows against the current dataset of the other kind; lines are the file's.
	const [outcomes, crimes, line] =
		kind === 'outcomes' ? [staging.typ, 'crimes', 'o.line'] : ['outcomes', staging.typ, 'c.line'];
	const row = await conn.one<{
		n: number;
		examples: { line: number; ref: string; outcome: string; recorded: string }[];
	}>(
		`SELECT count(*)::INTEGER AS n,
			min_by({'line': ${line}, 'ref': o.crime_ref, 'outcome': strftime(o.outcome_date, '%Y-%m-%d'),
				'recorded': strftime(c.recorded_date, '%Y-%m-%d')}, ${line}, 3) AS examples
		 FROM ${outcomes} o JOIN ${crimes} c ON c.crime_ref = o.crime_ref
		 WHERE o.outcome_date < c.recorded_date`
	);
	if (!row || row.n === 0) return [];
	const examples = row.examples
		.map((e) => `${e.ref} on line ${e.line}: outcome ${e.outcome}, recorded ${e.recorded}`)
		.join('; ');
	const subject =
		kind === 'outcomes'
			? `${row.n} ${row.n === 1 ? 'outcome is' : 'outcomes are'} dated before ${row.n === 1 ? 'its crime was' : 'their crimes were'} recorded in the current crimes dataset`
			: `${row.n} ${row.n === 1 ? 'crime is' : 'crimes are'} recorded after the date of ${row.n === 1 ? 'its outcome' : 'their outcomes'} in the current outcomes dataset`;
	return [
		`${subject} (e.g. ${examples}). They are kept, but those outcomes are left out of the days to charge until the dates are corrected; check the outcome_date and recorded_date in the exports.`
	];
}
