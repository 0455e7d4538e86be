// Refusals of an upload, in words an analyst can act on: what is wrong, where (line, column) and how
// to fix it. Each is built here once; the pipeline (pipeline.ts) decides which one applies.
import type { ErrorDetail } from '../http';
import { ALL_COLUMN_NAMES, columnNames, KINDS, KIND_NAMES, type KindName } from './contract';
import { detectKind, knownColumnCount, matchHeader, type HeaderMatch } from './header';
import { describeProblems, problem, type Problem, type ValidationReport } from './report';
import type { ScanError, ScanResult } from './scan';
import type { UploadRow } from './uploads';

/** A refused upload: the HTTP status the API answers with, the error, and the report if rows were checked. */
export interface Refusal {
	ok: false;
	status: 400 | 409 | 413 | 415 | 422;
	error: { code: string; message: string; details: ErrorDetail[] };
	report?: ValidationReport;
}

export function refusal(
	status: Refusal['status'],
	code: string,
	message: string,
	details: ErrorDetail[] = [],
	report?: ValidationReport
): Refusal {
	return { ok: false, status, error: { code, message, details }, report };
}

const article = (word: string, capital = false) => {
	const a = /^[aeiou]/.test(word) ? 'an' : 'a';
	return capital ? a[0].toUpperCase() + a.slice(1) : a;
};

const fmtBytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function columnList(kind: KindName): string {
	return KINDS[kind].columns.map((c) => (c.required ? c.name : `${c.name} (optional)`)).join(', ');
}

/** The byte scan found the file is not CSV text it can read. */
export function scanRefusal(err: ScanError, fileName: string): Refusal {
	const r = err.refusal;
	switch (r.reason) {
		case 'too_large':
			return refusal(
				413,
				'too_large',
				`${fileName} is ${fmtBytes(r.bytes)}, over the upload limit of ${fmtBytes(r.limit)} (MAX_UPLOAD_MB). Split the extract or ask the administrator to raise the limit.`
			);
		case 'empty':
			return refusal(
				422,
				'empty_file',
				`${fileName} is empty. Export the extract again with its header row and data rows.`
			);
		case 'control_char':
			return refusal(
				415,
				'not_text',
				`${fileName} is not a text CSV file: line ${r.line} holds a control character (byte ${r.byte}), which marks a binary, spreadsheet or UTF-16 file. Save it from Excel as "CSV UTF-8 (Comma delimited)" and upload that.`,
				[{ line: r.line, message: 'control character (NUL or similar) found' }]
			);
		case 'bad_encoding':
			return refusal(
				415,
				'bad_encoding',
				`${fileName} is neither UTF-8 nor Windows-1252 text: the first bad byte is on line ${r.line}. Save it as "CSV UTF-8 (Comma delimited)" and upload that.`,
				[{ line: r.line, message: 'byte that is not valid UTF-8 or Windows-1252' }]
			);
		case 'cr_line_ends':
			return refusal(
				415,
				'not_csv',
				`${fileName} ends its lines with CR alone (old Mac line ends), first on line ${r.line}, so it cannot be read as rows. Save it from Excel as "CSV UTF-8 (Comma delimited)", or with Windows (CRLF) or Unix (LF) line ends, and upload that.`,
				[{ line: r.line, message: 'line ends with CR alone; use LF or CRLF' }]
			);
	}
}

/** Rows with another number of fields than the header, or a quote never closed (from the scan). */
export function raggedRefusal(scan: ScanResult, fileName: string): Refusal | undefined {
	if (scan.raggedCount === 0 && !scan.unterminatedQuoteLine) return undefined;
	const details: ErrorDetail[] = scan.ragged.map((r) => ({
		line: r.line,
		message: `line ${r.line} has ${r.fields} ${r.fields === 1 ? 'field' : 'fields'} where the header has ${scan.header.length}`
	}));
	if (scan.unterminatedQuoteLine) {
		details.push({
			line: scan.unterminatedQuoteLine,
			message: `a quoted field opened on line ${scan.unterminatedQuoteLine} is never closed`
		});
	}
	const first = details[0];
	return refusal(
		415,
		'not_csv',
		`${fileName} is not a regular CSV file: ${scan.raggedCount ? `${scan.raggedCount} ${scan.raggedCount === 1 ? 'row has' : 'rows have'} a different number of fields than the header (first: ${first.message})` : first.message}. Check for unquoted commas in values, and export again.`,
		details
	);
}

/** What the header says: the kind and where its columns are, or why it cannot be loaded. */
export type HeaderCheck =
	| { ok: true; kind: KindName; match: HeaderMatch; warnings: string[] }
	| {
			ok: false;
			/** The kind, when it was given or the header told it. */
			kind?: KindName;
			/** The header's own problems (missing or repeated columns), as report rows. */
			problems: Problem[];
			refusal: Refusal;
	  };

/** The column names the personal-data guard lets through: the kind's own, or any kind's until it is known. */
export function contractNames(kind: KindName | undefined): ReadonlySet<string> {
	return kind ? columnNames(kind) : ALL_COLUMN_NAMES;
}

/** Header-level problems: no header, unknown kind, missing or repeated columns. */
export function checkHeader(
	scan: ScanResult,
	given: KindName | undefined,
	fileName: string
): HeaderCheck {
	const refused = (r: Refusal, kind = given, problems: Problem[] = []): HeaderCheck => ({
		ok: false,
		kind,
		problems,
		refusal: r
	});
	if (knownColumnCount(scan.header) === 0) {
		return refused(
			refusal(
				415,
				'no_header',
				`Line 1 of ${fileName} names no column of any extract, so the file seems to have no header row. The first line must name the columns, e.g. for crimes: ${columnList('crimes')}.`,
				[{ line: 1, message: 'no recognised column names in the header row' }]
			)
		);
	}
	let kind = given;
	if (!kind) {
		const detected = detectKind(scan.header);
		if (!detected.ok) {
			if (detected.reason === 'ambiguous') {
				return refused(
					refusal(
						422,
						'ambiguous_kind',
						`The header of ${fileName} fits more than one kind of extract (${detected.candidates.join(', ')}). Say which one it is (kind=…).`
					)
				);
			}
			const closest = KIND_NAMES.map((k) => matchHeader(k, scan.header)).sort(
				(a, b) => a.missing.length - b.missing.length
			)[0];
			return refused(
				refusal(
					422,
					'unknown_kind',
					`The header of ${fileName} does not match any kind of extract. Closest is ${closest.kind}, which also needs ${closest.missing.join(', ')}. Say which kind it is (kind=…) or fix the header.`,
					closest.missing.map((c) => ({ line: 1, column: c, message: `${c} is missing` }))
				)
			);
		}
		kind = detected.kind;
	}
	const match = matchHeader(kind, scan.header);
	const details: Problem[] = [];
	for (const c of match.missing) details.push(problem(1, c, '', 'is missing from the header'));
	for (const d of match.duplicated) {
		details.push(
			problem(
				1,
				d.column,
				'',
				`appears more than once (columns ${d.positions.map((p) => p + 1).join(', ')})`
			)
		);
	}
	if (details.length) {
		const parts: string[] = [];
		if (match.missing.length) parts.push(`missing ${match.missing.join(', ')}`);
		if (match.duplicated.length)
			parts.push(`repeated ${match.duplicated.map((d) => d.column).join(', ')}`);
		if (match.extra.length)
			parts.push(
				`unexpected ${match.extra.map((e) => e.name || `(blank, column ${e.position + 1})`).join(', ')}`
			);
		const looksLike = detectKind(scan.header);
		const hint =
			looksLike.ok && looksLike.kind !== kind
				? ` The header looks like ${article(looksLike.kind)} ${looksLike.kind} extract: was the wrong kind chosen?`
				: '';
		return refused(
			refusal(
				422,
				'missing_columns',
				`${fileName} does not have the columns of ${article(kind)} ${kind} extract: ${parts.join('; ')}.${hint} ${article(kind, true)} ${kind} extract has: ${columnList(kind)}.`,
				details
			),
			kind,
			details
		);
	}
	const warnings = match.extra.map(
		(e) =>
			`Column "${e.name || `(blank header, column ${e.position + 1})`}" (column ${e.position + 1}) is not part of the ${kind} extract and was ignored.`
	);
	return { ok: true, kind, match, warnings };
}

export function noRowsRefusal(fileName: string): Refusal {
	return refusal(422, 'empty_file', `${fileName} has a header row but no data rows.`);
}

export function sameFileRefusal(row: UploadRow, fileName: string): Refusal {
	return refusal(
		409,
		'already_loaded',
		`${fileName} was already loaded as ${row.kind} upload ${row.id} on ${row.uploaded_at.slice(0, 16).replace('T', ' ')} UTC by ${row.uploaded_by}, and that upload is active. Nothing changed. Roll upload ${row.id} back first if you mean to load the file again.`,
		[
			{
				message: 'same file already loaded',
				upload: row.id,
				uploaded_at: row.uploaded_at,
				uploaded_by: row.uploaded_by
			}
		]
	);
}

/** DuckDB's CSV reader refused the file (quoting the byte scan did not catch). */
export function csvReadRefusal(duckdbMessage: string, fileName: string): Refusal {
	const line = Number(/Line: (\d+)/.exec(duckdbMessage)?.[1]) || undefined;
	// DuckDB's message quotes the offending line; only its reason is passed on (no values).
	const reason =
		duckdbMessage
			.split('\n')
			.find(
				(l) => /quote|column|delimiter|value|newline/i.test(l) && !l.startsWith('Original Line')
			) ?? 'the file could not be read as CSV';
	return refusal(
		415,
		'not_csv',
		`${fileName} is not a regular CSV file${line ? ` near line ${line}` : ''}: ${reason.trim()} Check quoting in that row and export again.`,
		[{ line, message: reason.trim() }]
	);
}

/** Rows that break the contract's rules, or hold values that look like personal data. */
export function problemsRefusal(
	report: ValidationReport,
	personal: boolean,
	fileName: string
): Refusal {
	const code = personal ? 'personal_data' : 'invalid_extract';
	const lead = personal
		? `${fileName} holds values that look like personal data, and was refused.`
		: `${fileName} was refused: ${report.errorCount} ${report.errorCount === 1 ? 'problem' : 'problems'} in the ${report.kind} extract.`;
	return refusal(
		422,
		code,
		`${lead} ${describeProblems(report)}. Nothing was loaded; fix the file and upload it again.`,
		report.problems,
		report
	);
}

export function asOfRefusal(asOf: string, wrong: string, fileName: string): Refusal {
	return refusal(400, 'bad_parameter', `Bad as_of for ${fileName}: ${wrong}. Nothing was loaded.`, [
		{ parameter: 'as_of', value: asOf, message: wrong }
	]);
}
