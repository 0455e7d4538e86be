// Refused uploads' reports, kept whole (migration 11): stored when an upload is refused, read back a
// page at a time (filtered by rule or column) for the API and the page, and every problem as CSV.
// A refused report is not an upload: nothing of the file's rows, and no archive, is kept.
import type { Db, Queryable } from '../db';
import { contentDisposition } from '../download';
import { HttpError } from '../http';
import { csvCell, toCsv } from '../../csv';
import type { Refusal } from './refusals';
import {
	MAX_PROBLEMS,
	PAGE_SIZE,
	problem,
	type Problem,
	type StoredReportRef,
	type SummaryLine,
	type ValidationReport
} from './report';

/** Most problems one GET lists. */
export const MAX_PER_PAGE = 1000;

const REF = /^rf[1-9][0-9]{0,9}$/;

/** The addresses of a stored report, as answers and the page give them. */
export function refusedLinks(ref: string): Pick<StoredReportRef, 'href' | 'csv' | 'page'> {
	return {
		href: `/api/v1/extracts/refused/${ref}`,
		csv: `/api/v1/extracts/refused/${ref}?format=csv`,
		page: `/extracts/refused/${ref}`
	};
}

/**
 * Keep a refused upload's report with every problem it found (inside the refusal's audit
 * transaction, so the audit row can name it) and return its ref.
 */
export async function storeRefused(
	tx: Queryable,
	refusal: Refusal & { report: ValidationReport },
	by: string
): Promise<StoredReportRef> {
	const { report } = refusal;
	const row = await tx.one<{ seq: number }>(`SELECT nextval('refused_seq')::INTEGER AS seq`);
	const seq = row!.seq;
	const ref = `rf${seq}`;
	const capped =
		report.errorCount > report.problems.length && report.problems.length >= MAX_PROBLEMS;
	await tx.run(
		`INSERT INTO refused_reports (ref, seq, kind, file_name, bytes, sha256, refused_by, refused_at,
			code, status, message, rows, error_count, problem_count, capped, summary, warnings, mapping)
		 VALUES ($ref, $seq, $kind, $file, $bytes, $sha, $by, $at::TIMESTAMPTZ, $code, $status, $message,
			$rows, $errors, $problems, $capped, $summary::JSON, $warnings::JSON, $mapping::JSON)`,
		{
			ref,
			seq,
			kind: report.kind,
			file: report.fileName,
			bytes: report.bytes,
			sha: report.sha256,
			by,
			at: new Date().toISOString(),
			code: refusal.error.code,
			status: refusal.status,
			message: refusal.error.message,
			rows: report.rows,
			errors: report.errorCount,
			problems: report.problems.length,
			capped,
			summary: JSON.stringify(report.summary),
			warnings: JSON.stringify(report.warnings),
			mapping: report.mapping ? JSON.stringify(report.mapping) : null
		}
	);
	// An appender on the transaction's connection: 100,000 rows in well under a second.
	const appender = await tx.connection.createAppender('refused_problems');
	report.problems.forEach((p, i) => {
		appender.appendInteger(seq);
		appender.appendInteger(i + 1);
		appender.appendInteger(p.line);
		appender.appendVarchar(p.column);
		appender.appendVarchar(p.value);
		appender.appendVarchar(p.reason);
		appender.appendBoolean(p.personal === true);
		if (p.rule) appender.appendInteger(p.rule);
		else appender.appendNull();
		appender.endRow();
	});
	appender.closeSync();
	return {
		ref,
		problems: report.problems.length,
		capped,
		per_page: PAGE_SIZE,
		...refusedLinks(ref)
	};
}

/** A refusal as answered: its report with the first page of problems and where the rest are. */
export function firstPage(refusal: Refusal, stored: StoredReportRef): Refusal {
	const report = refusal.report!;
	const problems = report.problems.slice(0, PAGE_SIZE);
	return {
		...refusal,
		error: { ...refusal.error, details: problems },
		report: {
			...report,
			problems,
			truncated: report.errorCount > problems.length || report.problems.length > problems.length,
			stored
		}
	};
}

interface ReportRow {
	ref: string;
	seq: number;
	kind: string | null;
	file_name: string | null;
	bytes: number;
	sha256: string;
	refused_by: string;
	refused_at: string;
	code: string;
	status: number;
	message: string;
	rows: number;
	/** Problems counted (a repeated key counts each row that repeats it). */
	error_count: number;
	/** Problems stored: every one listed, unless capped. */
	problem_count: number;
	capped: boolean;
	/** JSON text, read back as the report's summary, warnings and mapping. */
	summary: string;
	warnings: string;
	mapping: string | null;
}

/** A summary line of a stored report, with its rule number and how many problems it lists. */
export interface StoredSummaryLine extends SummaryLine {
	rule: number;
	listed: number;
}

/** A stored report without its problems: its row, with the JSON columns read back. */
export interface RefusedReport extends Omit<ReportRow, 'seq' | 'summary' | 'warnings' | 'mapping'> {
	cap: number;
	personal: boolean;
	summary: StoredSummaryLine[];
	warnings: string[];
	mapping: { name: string; version: number } | null;
	links: Pick<StoredReportRef, 'href' | 'csv' | 'page'>;
}

/** The page of problems asked for. */
export interface ProblemPage {
	page: number;
	per_page: number;
	/** Problems matching the filter. */
	total: number;
	pages: number;
	/** The rule (summary line) and column asked for, or null. */
	rule: number | null;
	column: string | null;
	/** Where the first and last problem listed stand in the filtered list (1-based; 0 when empty). */
	from: number;
	to: number;
}

const parse = <T>(text: string | null, fallback: T): T =>
	text === null ? fallback : (JSON.parse(text) as T);

/** A stored report by its ref, or 404. */
export async function getRefused(db: Queryable, ref: string): Promise<RefusedReport> {
	const r = REF.test(ref)
		? await db.one<ReportRow>(
				`SELECT ref, seq, kind, file_name, bytes, sha256, refused_by, refused_at::VARCHAR AS refused_at,
				code, status, message, rows, error_count, problem_count, capped, summary::VARCHAR AS summary,
				warnings::VARCHAR AS warnings, mapping::VARCHAR AS mapping
			 FROM refused_reports WHERE ref = $ref`,
				{ ref }
			)
		: undefined;
	if (!r) {
		throw new HttpError(
			404,
			'not_found',
			`There is no refused report ${ref.slice(0, 40)}; the Extracts page's history lists the refused uploads.`
		);
	}
	const listed = await db.all<{ rule: number; n: number }>(
		`SELECT rule, count(*)::INTEGER AS n
		 FROM refused_problems WHERE report_seq = $seq AND rule IS NOT NULL GROUP BY rule`,
		{ seq: r.seq }
	);
	const byRule = new Map(listed.map((l) => [l.rule, l.n]));
	const summary = parse<SummaryLine[]>(r.summary, []).map((s, i) => ({
		...s,
		rule: i + 1,
		listed: byRule.get(i + 1) ?? 0
	}));
	return {
		ref: r.ref,
		kind: r.kind,
		file_name: r.file_name,
		bytes: r.bytes,
		sha256: r.sha256,
		refused_by: r.refused_by,
		refused_at: new Date(r.refused_at).toISOString(),
		code: r.code,
		status: r.status,
		message: r.message,
		rows: r.rows,
		error_count: r.error_count,
		problem_count: r.problem_count,
		capped: r.capped,
		cap: MAX_PROBLEMS,
		personal: r.code === 'personal_data',
		summary,
		warnings: parse<string[]>(r.warnings, []),
		mapping: parse(r.mapping, null),
		links: refusedLinks(r.ref)
	};
}

function bad(parameter: string, value: string, message: string): HttpError {
	return new HttpError(
		400,
		'bad_parameter',
		`${parameter} ${message}, not "${value.slice(0, 40)}".`,
		[{ parameter, value: value.slice(0, 40), message }]
	);
}

function whole(
	params: URLSearchParams,
	name: string,
	min: number,
	max: number
): number | undefined {
	const raw = params.get(name);
	if (raw === null || raw === '') return undefined;
	const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
	if (!(n >= min && n <= max)) {
		throw bad(name, raw, `must be a whole number from ${min} to ${max.toLocaleString('en-GB')}`);
	}
	return n;
}

/** The filter a URL asks for: ?rule= (a summary line's number) and ?column= (a column named). */
export function readFilter(
	report: RefusedReport,
	params: URLSearchParams
): { rule: number | null; column: string | null } {
	const rule = report.summary.length ? whole(params, 'rule', 1, report.summary.length) : undefined;
	if (!report.summary.length && params.get('rule')) {
		throw bad('rule', params.get('rule')!, 'names no rule: this report has no summary');
	}
	const column = params.get('column') || null;
	if (column !== null && !report.summary.some((s) => s.column === column)) {
		throw bad(
			'column',
			column,
			`must be a column the report names (${[...new Set(report.summary.map((s) => s.column))].join(', ')})`
		);
	}
	return { rule: rule ?? null, column };
}

function where(seq: number, f: { rule: number | null; column: string | null }) {
	const conds = ['report_seq = $seq'];
	const params: Record<string, unknown> = { seq };
	if (f.rule !== null) {
		conds.push('rule = $rule');
		params.rule = f.rule;
	}
	if (f.column !== null) {
		conds.push('col = $column');
		params.column = f.column;
	}
	return { sql: conds.join(' AND '), params };
}

interface ProblemRow {
	line: number;
	col: string;
	value: string;
	reason: string;
	personal: boolean;
	rule: number | null;
}

const toProblem = (r: ProblemRow): Problem => ({
	...problem(r.line, r.col, r.value, r.reason, r.personal),
	...(r.rule ? { rule: r.rule } : {})
});

async function seqOf(db: Queryable, ref: string): Promise<number> {
	const row = await db.one<{ seq: number }>(`SELECT seq FROM refused_reports WHERE ref = $ref`, {
		ref
	});
	return row!.seq;
}

/** One page of a stored report's problems, in file order, as `?page=&per_page=&rule=&column=` ask. */
export async function readProblems(
	db: Queryable,
	report: RefusedReport,
	params: URLSearchParams
): Promise<{ page: ProblemPage; problems: Problem[] }> {
	const filter = readFilter(report, params);
	const perPage = whole(params, 'per_page', 1, MAX_PER_PAGE) ?? PAGE_SIZE;
	const seq = await seqOf(db, report.ref);
	const w = where(seq, filter);
	const total =
		(
			await db.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM refused_problems WHERE ${w.sql}`,
				w.params
			)
		)?.n ?? 0;
	const pages = Math.max(1, Math.ceil(total / perPage));
	const page = whole(params, 'page', 1, 1e9) ?? 1;
	if (page > pages) {
		throw bad(
			'page',
			String(page),
			`must be from 1 to ${pages} (the last page at ${perPage} a page)`
		);
	}
	const rows = await db.all<ProblemRow>(
		`SELECT line, col, value, reason, personal, rule FROM refused_problems WHERE ${w.sql}
		 ORDER BY n LIMIT $limit OFFSET $offset`,
		{ ...w.params, limit: perPage, offset: (page - 1) * perPage }
	);
	const from = total ? (page - 1) * perPage + 1 : 0;
	return {
		page: {
			page,
			per_page: perPage,
			total,
			pages,
			rule: filter.rule,
			column: filter.column,
			from,
			to: total ? from + rows.length - 1 : 0
		},
		problems: rows.map(toProblem)
	};
}

const CSV_HEADER = ['severity', 'line', 'column', 'value', 'problem'] as const;

/**
 * Every stored problem (of the filter) as CSV, in the columns of an upload's report, then a line
 * when the report was capped and the warnings; read and sent 5,000 rows at a time.
 */
export function problemsCsv(
	db: Queryable,
	report: RefusedReport,
	filter: { rule: number | null; column: string | null }
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const batch = 5000;
	let offset = 0;
	let seq: number | undefined;
	let done = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (done) return;
			if (seq === undefined) {
				seq = await seqOf(db, report.ref);
				controller.enqueue(encoder.encode(toCsv(CSV_HEADER, [])));
			}
			const w = where(seq, filter);
			const rows = await db.all<ProblemRow>(
				`SELECT line, col, value, reason, personal, rule FROM refused_problems WHERE ${w.sql}
				 ORDER BY n LIMIT $limit OFFSET $offset`,
				{ ...w.params, limit: batch, offset }
			);
			offset += rows.length;
			const lines = rows.map((r) =>
				['error', r.line, r.col, r.value, `${r.col} ${r.reason}`].map(csvCell).join(',')
			);
			if (rows.length < batch) {
				done = true;
				const whole = filter.rule === null && filter.column === null;
				if (whole && report.capped) {
					lines.push(
						[
							'error',
							'',
							'',
							'',
							`More problems were found than a report keeps: these are the first ${report.problem_count} in file order; the summary counts all ${report.error_count}`
						]
							.map(csvCell)
							.join(',')
					);
				}
				if (whole)
					for (const w of report.warnings)
						lines.push(['warning', '', '', '', w].map(csvCell).join(','));
			}
			if (lines.length) controller.enqueue(encoder.encode(lines.join('\r\n') + '\r\n'));
			if (done) controller.close();
		}
	});
}

/** The columns whose values the guard found to look like personal data, in file order. */
export async function personalColumns(db: Queryable, report: RefusedReport): Promise<string[]> {
	const seq = await seqOf(db, report.ref);
	const rows = await db.all<{ col: string }>(
		`SELECT col FROM refused_problems WHERE report_seq = $seq AND personal GROUP BY col ORDER BY min(n)`,
		{ seq }
	);
	return rows.map((r) => r.col);
}

/** The ref an upload_refused audit row names, for the history's link (history.ts). */
export function refusedHref(ref: unknown): string | null {
	return typeof ref === 'string' && REF.test(ref) ? refusedLinks(ref).page : null;
}

const json = (body: unknown, status = 200) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});

/**
 * GET /api/v1/extracts/refused/<ref>[?page=&per_page=&rule=&column=] — a refused upload's stored
 * report with one page of its problems; `?format=csv` gives every problem (of the filter) as CSV.
 */
export async function getRefusedReport(db: Db, ref: string, url: URL): Promise<Response> {
	const report = await getRefused(db, ref);
	const format = url.searchParams.get('format');
	if (format === 'csv') {
		const filter = readFilter(report, url.searchParams);
		const name = (report.file_name ?? 'upload').replace(/\.csv$/i, '');
		return new Response(problemsCsv(db, report, filter), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': contentDisposition(`${name}-report.csv`),
				'cache-control': 'no-store'
			}
		});
	}
	if (format !== null && format !== 'json') throw bad('format', format, 'must be json or csv');
	const { page, problems } = await readProblems(db, report, url.searchParams);
	return json({ report, page, problems });
}
