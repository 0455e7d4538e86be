// Loading extracts: the one road from a file on disk to the current dataset (extracts.md), and the
// upload history (list, rollback, restore, the archived original).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { audit } from '../audit';
import type { Config } from '../config';
import type { Db, Queryable } from '../db';
import { safeFileName } from '../download';
import { recordUpload } from '../ops-metrics';
import { HttpError, type ErrorDetail } from '../http';
import { ALL_COLUMN_NAMES, columnNames, KINDS, KIND_NAMES, type KindName } from './contract';
import {
	detectKind,
	knownColumnCount,
	matchHeader,
	normaliseHeader,
	type HeaderMatch
} from './header';
import { columnLooksPersonal } from './pii';
import {
	describeProblems,
	problem,
	summarise,
	type Problem,
	type ValidationReport
} from './report';
import { defaultAsOf } from '../../dates';
import { asOfProblem, completeTo, latestDateSql, POLICE_KINDS } from './as-of';
import { ScanError, scanFile, transcode1252, type ScanResult } from './scan';
import { CsvReadError, dropStaging, stage, validate, type Staging } from './validate';

export type { ValidationReport, Problem } from './report';
export { reportToCsv } from './report';

export type UploadMode = 'merge' | 'replace';

/** api.md's "upload" object, plus whether it is active and its validation report. */
export interface UploadInfo {
	id: string;
	kind: KindName;
	mode: UploadMode;
	active: boolean;
	rows: number;
	inserted: number;
	replaced: number;
	warnings: string[];
	/** The file's checksum: a later upload with the same one is the same file. */
	sha256: string;
	/**
	 * The checksum of the archived file's contents (the download): the file itself, or, when it had
	 * extra columns, the file without them.
	 */
	archive_sha256: string;
	file_name: string | null;
	bytes: number;
	uploaded_at: string;
	uploaded_by: string;
	/** The day the extract was taken from the source system (api.md "Uploads"), YYYY-MM-DD. */
	as_of: string;
	/** When and by whom it was last rolled back or restored. */
	changed_at: string | null;
	changed_by: string | null;
	/** When and by whom the archived file's bytes were deleted (retention or an admin), and why. */
	file_purged_at: string | null;
	file_purged_by: string | null;
	file_purge_reason: string | null;
	report: ValidationReport;
}

/** An upload as the history lists it: everything but the full validation report. */
export type UploadSummary = Omit<UploadInfo, 'report'>;

export type LoadOutcome =
	| { ok: true; upload: UploadInfo }
	| {
			ok: false;
			status: 400 | 409 | 413 | 415 | 422;
			error: { code: string; message: string; details: ErrorDetail[] };
			report?: ValidationReport;
	  };

export interface LoadOptions {
	kind?: KindName;
	mode?: UploadMode;
	user: string;
	address?: string;
	config: Config;
	/** The upload day, YYYY-MM-DD (Europe/London); dates after it are refused. Tests inject it. */
	today?: string;
	/**
	 * The day the extract was taken, YYYY-MM-DD; default the day after the latest date in the file,
	 * never after the upload day.
	 */
	asOf?: string;
}

/** Today's date in Europe/London as YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

export function archivedFilePath(
	config: Config,
	upload: Pick<UploadInfo, 'id' | 'sha256'>
): string {
	return path.join(config.dataDir, 'uploads', `${upload.id}_${upload.sha256}.csv.gz`);
}

function tmpDir(config: Config): string {
	const dir = path.join(config.dataDir, 'tmp');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** A temp file path under DATA_DIR/tmp (uploads stream there before loading). */
export function tempFilePath(config: Config, suffix = '.csv'): string {
	return path.join(tmpDir(config), `${crypto.randomUUID()}${suffix}`);
}

const article = (word: string, capital = false) => {
	const a = /^[aeiou]/.test(word) ? 'an' : 'a';
	return capital ? a[0].toUpperCase() + a.slice(1) : a;
};

const fmtBytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function columnList(kind: KindName): string {
	return KINDS[kind].columns.map((c) => (c.required ? c.name : `${c.name} (optional)`)).join(', ');
}

type Refusal = Extract<LoadOutcome, { ok: false }>;

function refusal(
	status: Refusal['status'],
	code: string,
	message: string,
	details: ErrorDetail[] = [],
	report?: ValidationReport
): Refusal {
	return { ok: false, status, error: { code, message, details }, report };
}

function scanRefusal(err: ScanError, fileName: string): Refusal {
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

/** Header fields whose names look like personal data, the `contract` column names excepted. */
function personalColumns(header: string[], contract: ReadonlySet<string>) {
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

/** Header-level problems: personal-data names, no header, unknown kind, missing or repeated columns. */
function checkHeader(
	scan: ScanResult,
	given: KindName | undefined,
	fileName: string
): { ok: true; match: HeaderMatch; warnings: string[] } | Refusal {
	// Every field's name is checked, extra ones included; until the kind is known, a column of any
	// kind is let through, and once it is, only that kind's own columns are (extracts.md).
	let { personal, named } = personalColumns(
		scan.header,
		given ? columnNames(given) : ALL_COLUMN_NAMES
	);
	const personalRefusal = (extra: Problem[] = []) =>
		refusal(
			422,
			'personal_data',
			`${fileName} looks like it holds personal data: ${named.join(', ')}. Remove or pseudonymise ${personal.length === 1 ? 'that column' : 'those columns'} in the export and upload again.`,
			[...personal, ...extra]
		);

	if (knownColumnCount(scan.header) === 0) {
		if (personal.length) return personalRefusal();
		return refusal(
			415,
			'no_header',
			`Line 1 of ${fileName} names no column of any extract, so the file seems to have no header row. The first line must name the columns, e.g. for crimes: ${columnList('crimes')}.`,
			[{ line: 1, message: 'no recognised column names in the header row' }]
		);
	}
	let kind = given;
	if (!kind) {
		const detected = detectKind(scan.header);
		if (!detected.ok) {
			if (personal.length) return personalRefusal();
			if (detected.reason === 'ambiguous') {
				return refusal(
					422,
					'ambiguous_kind',
					`The header of ${fileName} fits more than one kind of extract (${detected.candidates.join(', ')}). Say which one it is (kind=…).`
				);
			}
			const closest = KIND_NAMES.map((k) => matchHeader(k, scan.header)).sort(
				(a, b) => a.missing.length - b.missing.length
			)[0];
			return refusal(
				422,
				'unknown_kind',
				`The header of ${fileName} does not match any kind of extract. Closest is ${closest.kind}, which also needs ${closest.missing.join(', ')}. Say which kind it is (kind=…) or fix the header.`,
				closest.missing.map((c) => ({ line: 1, column: c, message: `${c} is missing` }))
			);
		}
		kind = detected.kind;
	}
	const match = matchHeader(kind, scan.header);
	if (!given) {
		({ personal, named } = personalColumns(scan.header, columnNames(kind)));
	}
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
	if (personal.length) return personalRefusal(details);
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
		return refusal(
			422,
			'missing_columns',
			`${fileName} does not have the columns of ${article(kind)} ${kind} extract: ${parts.join('; ')}.${hint} ${article(kind, true)} ${kind} extract has: ${columnList(kind)}.`,
			details
		);
	}
	const warnings = match.extra.map(
		(e) =>
			`Column "${e.name || `(blank header, column ${e.position + 1})`}" (column ${e.position + 1}) is not part of the ${kind} extract and was ignored.`
	);
	return { ok: true, match, warnings };
}

interface UploadRow {
	id: string;
	seq: number;
	kind: KindName;
	mode: UploadMode;
	active: boolean;
	sha256: string;
	archive_sha256: string | null;
	file_name: string | null;
	bytes: number;
	rows: number;
	inserted: number;
	replaced: number;
	uploaded_by: string;
	uploaded_at: string;
	as_of: string;
	report: string;
	changed_at: string | null;
	changed_by: string | null;
	file_purged_at: string | null;
	file_purged_by: string | null;
	file_purge_reason: string | null;
}

function toSummary(row: Omit<UploadRow, 'report'>, warnings: string[]): UploadSummary {
	return {
		id: row.id,
		kind: row.kind,
		mode: row.mode,
		active: row.active,
		rows: row.rows,
		inserted: row.inserted,
		replaced: row.replaced,
		warnings,
		sha256: row.sha256,
		archive_sha256: row.archive_sha256 ?? row.sha256,
		file_name: row.file_name,
		bytes: row.bytes,
		uploaded_at: row.uploaded_at,
		uploaded_by: row.uploaded_by,
		as_of: row.as_of,
		changed_at: row.changed_at,
		changed_by: row.changed_by,
		file_purged_at: row.file_purged_at,
		file_purged_by: row.file_purged_by,
		file_purge_reason: row.file_purge_reason
	};
}

function toInfo(row: UploadRow): UploadInfo {
	const report = JSON.parse(row.report) as ValidationReport;
	return { ...toSummary(row, report.warnings), report };
}

const SUMMARY_COLUMNS = `id, seq, kind, mode, active, sha256, archive_sha256, file_name, bytes, rows,
	inserted, replaced, uploaded_by, uploaded_at, as_of, changed_at, changed_by, file_purged_at,
	file_purged_by, file_purge_reason`;
const UPLOAD_COLUMNS = `${SUMMARY_COLUMNS}, report::VARCHAR AS report`;

async function activeSameFile(conn: Queryable, kind: KindName, sha256: string) {
	return conn.one<UploadRow>(
		`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE kind = $kind AND sha256 = $sha AND active ORDER BY seq DESC LIMIT 1`,
		{ kind, sha: sha256 }
	);
}

function sameFileRefusal(row: UploadRow, fileName: string): Refusal {
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

/**
 * Rebuild the current table of a kind from its history: for each key, the row from the newest
 * active upload that has it, ignoring everything before the newest active `replace` upload.
 */
export async function refreshCurrent(tx: Queryable, kind: KindName): Promise<void> {
	const k = KINDS[kind];
	const cols = k.columns.map((c) => c.name).join(', ');
	await tx.run(`DELETE FROM ${kind}`);
	await tx.run(
		`INSERT INTO ${kind} (upload_seq, ${cols})
		 SELECT upload_seq, ${cols} FROM h_${kind}
		 WHERE upload_seq IN (
			SELECT seq FROM uploads WHERE kind = $kind AND active AND seq >= (
				SELECT coalesce(max(seq), 0) FROM uploads WHERE kind = $kind AND active AND mode = 'replace'))
		 QUALIFY row_number() OVER (PARTITION BY ${k.key.join(', ')} ORDER BY upload_seq DESC) = 1`,
		{ kind }
	);
}

async function gzipTo(src: string, dest: string): Promise<void> {
	await pipeline(
		fs.createReadStream(src),
		zlib.createGzip({ level: 1 }),
		fs.createWriteStream(dest)
	);
}

/**
 * Write the archive of a file that has extra columns: its header and rows with the contract's
 * columns only, in the file's column order, named as the contract names them, each cell as read
 * (trimmed; an empty cell stays empty). The extra columns never reach the disk again.
 */
async function archiveContractColumns(
	conn: Queryable,
	staging: Staging,
	kind: KindName,
	dest: string
): Promise<void> {
	const contract = columnNames(kind);
	const cols = staging.columns.filter((c) => contract.has(c)).map((c) => `"${c}"`);
	// COPY takes no parameters; the path is ours (DATA_DIR/uploads and a random UUID).
	const target = `'${path.resolve(dest).replace(/'/g, "''")}'`;
	await conn.run(
		`COPY (SELECT ${cols.join(', ')} FROM ${staging.stg} ORDER BY rowid) TO ${target}
		 (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', COMPRESSION gzip)`
	);
}

async function gunzippedSha256(file: string): Promise<string> {
	const hash = crypto.createHash('sha256');
	for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) hash.update(chunk);
	return hash.digest('hex');
}

/**
 * The warning for a police-data upload taken before the kind's current newest upload: it becomes the
 * newest, so the dashboard's complete months move back (a file of old corrections does this).
 */
async function asOfMovesBack(tx: Queryable, kind: KindName, asOf: string): Promise<string | null> {
	if (!(POLICE_KINDS as readonly string[]).includes(kind)) return null;
	const row = await tx.one<{ as_of: string | null }>(
		`SELECT arg_max(as_of, seq)::VARCHAR AS as_of FROM uploads WHERE kind = $kind AND active`,
		{ kind }
	);
	const current = row?.as_of ?? null;
	if (!current || asOf >= current) return null;
	return `This file was taken on ${asOf}, before the current ${kind} data (taken ${current}). As the newest ${kind} upload it sets the ${kind} as-at date back to ${asOf}, so the dashboard's complete months end at ${completeTo(asOf)} until a newer extract is loaded; give the day it was really taken (as_of) if that is later.`;
}

/** Validate a CSV file and, when it passes every rule, load it as one upload (extracts.md). */
export async function loadExtract(
	db: Db,
	input: { path: string; fileName?: string },
	opts: LoadOptions
): Promise<LoadOutcome> {
	const started = performance.now();
	const outcome = await checkAndLoad(db, input, opts);
	recordUpload(
		outcome.ok ? outcome.upload.kind : (opts.kind ?? 'unknown'),
		outcome.ok ? 'loaded' : outcome.error.code,
		performance.now() - started
	);
	return outcome;
}

async function checkAndLoad(
	db: Db,
	input: { path: string; fileName?: string },
	opts: LoadOptions
): Promise<LoadOutcome> {
	// Every stored name is sanitised here, whoever sent it (API, page, CLI, sample).
	const fileName =
		safeFileName(input.fileName) ?? safeFileName(path.basename(input.path)) ?? 'upload.csv';
	const mode = opts.mode ?? 'merge';
	const today = opts.today ?? londonToday();
	const temps: string[] = [];
	const refuse = async (r: Refusal, extra: Record<string, unknown> = {}): Promise<Refusal> => {
		// The refusal is audited (who tried to load what, and why); the datasets stay untouched.
		await db.write((tx) =>
			audit(tx, {
				actor: opts.user,
				action: 'upload_refused',
				target: opts.kind ?? null,
				address: opts.address,
				details: {
					file_name: fileName,
					code: r.error.code,
					status: r.status,
					problems: r.report?.errorCount,
					...extra
				}
			})
		);
		return r;
	};

	let scan: ScanResult;
	try {
		scan = await scanFile(input.path, opts.config.maxUploadBytes);
	} catch (err) {
		if (err instanceof ScanError) return refuse(scanRefusal(err, fileName));
		throw err;
	}
	const base = { sha256: scan.sha256, bytes: scan.bytes };
	if (scan.raggedCount > 0 || scan.unterminatedQuoteLine) {
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
		return refuse(
			refusal(
				415,
				'not_csv',
				`${fileName} is not a regular CSV file: ${scan.raggedCount ? `${scan.raggedCount} ${scan.raggedCount === 1 ? 'row has' : 'rows have'} a different number of fields than the header (first: ${first.message})` : first.message}. Check for unquoted commas in values, and export again.`,
				details
			),
			base
		);
	}
	const header = checkHeader(scan, opts.kind, fileName);
	if (!header.ok) return refuse(header, base);
	const { match } = header;
	const kind = match.kind;
	if (scan.records === 0) {
		return refuse(
			refusal(422, 'empty_file', `${fileName} has a header row but no data rows.`),
			base
		);
	}
	const same = await activeSameFile(db, kind, scan.sha256);
	if (same) return refuse(sameFileRefusal(same, fileName), base);

	const warnings = [...header.warnings];
	if (!db.mayRead(path.join(opts.config.dataDir, 'tmp', 'upload.csv'))) {
		throw new Error(
			`DuckDB may not read DATA_DIR ${opts.config.dataDir}: open the database with this DATA_DIR (openDb's dataDir)`
		);
	}
	let csvPath = input.path;
	if (scan.encoding === 'windows-1252') {
		csvPath = tempFilePath(opts.config);
		temps.push(csvPath);
		await transcode1252(input.path, csvPath);
		warnings.unshift(
			'The file is not UTF-8; it was read as Windows-1252 (Excel\'s default "CSV (Comma delimited)") and converted. Saving as "CSV UTF-8" avoids this.'
		);
	} else if (!db.mayRead(csvPath)) {
		// DuckDB reads only the app's own folders (db/index.ts): a file from elsewhere (the CLI's
		// argument, a test fixture) is copied under DATA_DIR/tmp first.
		csvPath = tempFilePath(opts.config);
		temps.push(csvPath);
		await fs.promises.copyFile(input.path, csvPath);
	}
	// The archive keeps the contract's columns only (extracts.md "File rules"). A file that has no
	// other column is archived as it is, compressed while DuckDB validates; a file with extra columns
	// is written without them once it has passed (archiveContractColumns). Either is kept only if
	// the upload commits.
	const uploadsDir = path.join(opts.config.dataDir, 'uploads');
	fs.mkdirSync(uploadsDir, { recursive: true });
	const partial = path.join(uploadsDir, `.partial-${crypto.randomUUID()}.gz`);
	temps.push(partial);
	const wholeFile = match.extra.length === 0;
	const archiving = wholeFile ? gzipTo(input.path, partial) : Promise.resolve();
	archiving.catch(() => undefined);

	let staging: Staging | undefined;
	try {
		const checked = await db.exclusive(async (conn) => {
			try {
				staging = await stage(conn, csvPath, match, scan.header.length, scan.recordLines);
			} catch (err) {
				if (err instanceof CsvReadError) return { csvError: err };
				throw err;
			}
			const validation = await validate(conn, staging, kind, today);
			if (!wholeFile && validation.errorCount === 0) {
				await archiveContractColumns(conn, staging, kind, partial);
			}
			// The latest date in the file, for its as-at date (staging tables live on this connection).
			const latest = latestDateSql(kind, 't', staging.columns);
			const latestInFile = latest
				? ((await conn.one<{ d: string | null }>(`SELECT ${latest} AS d FROM ${staging.typ} t`))
						?.d ?? null)
				: null;
			return { validation, latestInFile };
		});
		if (checked.csvError) {
			const text = checked.csvError.message;
			const line = Number(/Line: (\d+)/.exec(text)?.[1]) || undefined;
			// DuckDB's message quotes the offending line; only its reason is passed on (no values).
			const reason =
				text
					.split('\n')
					.find(
						(l) => /quote|column|delimiter|value|newline/i.test(l) && !l.startsWith('Original Line')
					) ?? 'the file could not be read as CSV';
			return refuse(
				refusal(
					415,
					'not_csv',
					`${fileName} is not a regular CSV file${line ? ` near line ${line}` : ''}: ${reason.trim()} Check quoting in that row and export again.`,
					[{ line, message: reason.trim() }]
				),
				base
			);
		}
		const v = checked.validation!;
		const report: ValidationReport = {
			kind,
			fileName,
			bytes: scan.bytes,
			sha256: scan.sha256,
			encoding: scan.encoding,
			rows: scan.records,
			errorCount: v.errorCount,
			problems: v.problems,
			truncated: v.errorCount > v.problems.length,
			summary: v.summary.length || !v.problems.length ? v.summary : summarise(v.problems),
			warnings: [...warnings, ...v.warnings]
		};
		if (v.errorCount > 0) {
			const code = v.personal ? 'personal_data' : 'invalid_extract';
			const lead = v.personal
				? `${fileName} holds values that look like personal data, and was refused.`
				: `${fileName} was refused: ${v.errorCount} ${v.errorCount === 1 ? 'problem' : 'problems'} in the ${kind} extract.`;
			return refuse(
				refusal(
					422,
					code,
					`${lead} ${describeProblems(report)}. Nothing was loaded; fix the file and upload it again.`,
					report.problems,
					report
				),
				base
			);
		}

		const st = staging!;
		const cols = KINDS[kind].columns.map((c) => c.name).filter((c) => st.columns.includes(c));
		const latestInFile = checked.latestInFile ?? null;
		const asOf = opts.asOf ?? defaultAsOf(latestInFile, today);
		const asOfWrong = asOfProblem(asOf, latestInFile, today);
		if (asOfWrong) {
			return refuse(
				refusal(
					400,
					'bad_parameter',
					`Bad as_of for ${fileName}: ${asOfWrong}. Nothing was loaded.`,
					[{ parameter: 'as_of', value: asOf, message: asOfWrong }]
				),
				base
			);
		}
		await archiving;
		const archiveSha256 = wholeFile ? scan.sha256 : await gunzippedSha256(partial);
		const keyJoin = KINDS[kind].key.map((c) => `c.${c} = t.${c}`).join(' AND ');
		const committed = await db.write(async (tx) => {
			const again = await activeSameFile(tx, kind, scan.sha256);
			if (again) return { refused: sameFileRefusal(again, fileName) };
			const seqRow = await tx.one<{ seq: number }>(`SELECT nextval('upload_seq')::INTEGER AS seq`);
			const seq = seqRow!.seq;
			const id = `up${seq}`;
			const counts = await tx.one<{ replaced: number }>(
				`SELECT count(*)::INTEGER AS replaced FROM ${st.typ} t WHERE EXISTS (SELECT 1 FROM ${kind} c WHERE ${keyJoin})`
			);
			const replaced = counts?.replaced ?? 0;
			const before = await tx.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${kind}`);
			await tx.run(
				`INSERT INTO h_${kind} (upload_seq, line, ${cols.join(', ')}) SELECT $seq, line, ${cols.join(', ')} FROM ${st.typ}`,
				{ seq }
			);
			const finalReport: ValidationReport = { ...report };
			if (mode === 'replace') {
				const dropped = (before?.n ?? 0) - replaced;
				if (dropped > 0) {
					finalReport.warnings = [
						...report.warnings,
						`Replace: ${dropped} ${dropped === 1 ? 'row' : 'rows'} of the previous ${kind} dataset ${dropped === 1 ? 'is' : 'are'} not in this file and no longer current (kept in the history).`
					];
				}
			}
			const earlier = await asOfMovesBack(tx, kind, asOf);
			if (earlier) finalReport.warnings = [...finalReport.warnings, earlier];
			const uploadedAt = new Date().toISOString();
			const archive = archivedFilePath(opts.config, { id, sha256: scan.sha256 });
			await tx.run(
				`INSERT INTO uploads (id, seq, kind, mode, active, sha256, archive_sha256, file_name,
					archive_path, bytes, rows, inserted, replaced, uploaded_by, uploaded_at, as_of, report)
				 VALUES ($id, $seq, $kind, $mode, true, $sha, $archive_sha, $file, $archive, $bytes, $rows,
					$inserted, $replaced, $user, $at::TIMESTAMPTZ, $as_of::DATE, $report::JSON)`,
				{
					id,
					seq,
					kind,
					mode,
					sha: scan.sha256,
					archive_sha: archiveSha256,
					file: fileName,
					archive: path.relative(opts.config.dataDir, archive),
					bytes: scan.bytes,
					rows: scan.records,
					inserted: scan.records - replaced,
					replaced,
					user: opts.user,
					at: uploadedAt,
					as_of: asOf,
					report: JSON.stringify(finalReport)
				}
			);
			// The new upload is the newest: its rows win for their keys (merge) or alone (replace).
			// Rollback and restore rebuild from history instead (refreshCurrent).
			if (mode === 'replace') await tx.run(`DELETE FROM ${kind}`);
			else await tx.run(`DELETE FROM ${kind} c USING ${st.typ} t WHERE ${keyJoin}`);
			await tx.run(
				`INSERT INTO ${kind} (upload_seq, ${cols.join(', ')}) SELECT $seq, ${cols.join(', ')} FROM ${st.typ}`,
				{ seq }
			);
			await audit(tx, {
				actor: opts.user,
				action: 'upload',
				target: id,
				address: opts.address,
				details: {
					kind,
					mode,
					rows: scan.records,
					inserted: scan.records - replaced,
					replaced,
					sha256: scan.sha256,
					file_name: fileName,
					as_of: asOf
				}
			});
			await dropStaging(tx, st);
			staging = undefined;
			// The archive takes its name inside the transaction, as its last step: a crash before the
			// commit leaves a file no upload names, which start-up removes (leftovers.ts); a crash
			// after it leaves the upload and its file together. Never an upload without its file.
			fs.renameSync(partial, archive);
			return { id, archive };
		});
		if (committed.refused) return refuse(committed.refused, base);
		const upload = await getUpload(db, committed.id!);
		return { ok: true, upload: upload! };
	} finally {
		if (staging) {
			const st = staging;
			await db.exclusive((conn) => dropStaging(conn, st)).catch(() => undefined);
		}
		await archiving.catch(() => undefined);
		for (const t of temps) fs.rmSync(t, { force: true });
	}
}

/** The history, newest first; reports stay in the database (only their warnings come along). */
export async function listUploads(
	db: Db,
	filter: { kind?: KindName } = {}
): Promise<UploadSummary[]> {
	const rows = await db.all<Omit<UploadRow, 'report'> & { warnings: string }>(
		`SELECT ${SUMMARY_COLUMNS}, json_extract(report, '$.warnings')::VARCHAR AS warnings
		 FROM uploads WHERE $kind IS NULL OR kind = $kind ORDER BY seq DESC`,
		{ kind: filter.kind ?? null }
	);
	return rows.map((r) => toSummary(r, JSON.parse(r.warnings) as string[]));
}

export async function getUpload(db: Queryable, id: string): Promise<UploadInfo | undefined> {
	const row = await db.one<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $id`, {
		id
	});
	return row && toInfo(row);
}

async function setActive(
	db: Db,
	id: string,
	active: boolean,
	user: string,
	address?: string
): Promise<UploadInfo> {
	return db.write(async (tx) => {
		const row = await tx.one<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $id`, {
			id
		});
		if (!row)
			throw new HttpError(
				404,
				'not_found',
				`There is no upload ${id}. List uploads to find its id.`
			);
		if (row.active === active) {
			throw new HttpError(
				409,
				active ? 'already_active' : 'already_rolled_back',
				active
					? `Upload ${id} is already active; nothing to restore.`
					: `Upload ${id} is already rolled back.`
			);
		}
		if (active) {
			const same = await activeSameFile(tx, row.kind, row.sha256);
			if (same) {
				throw new HttpError(
					409,
					'already_loaded',
					`Upload ${same.id} holds the same file and is active; roll it back before restoring ${id}.`
				);
			}
		}
		await tx.run(
			`UPDATE uploads SET active = $active, changed_at = current_timestamp, changed_by = $user WHERE id = $id`,
			{ id, active, user }
		);
		await refreshCurrent(tx, row.kind);
		await audit(tx, {
			actor: user,
			action: active ? 'restore' : 'rollback',
			target: id,
			address,
			details: { kind: row.kind, mode: row.mode, rows: row.rows }
		});
		return toInfo(
			(await tx.one<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = $id`, { id }))!
		);
	});
}

/** Make an upload inactive: its kind's dataset returns to what it was without it. Nothing is deleted. */
export function rollbackUpload(
	db: Db,
	id: string,
	user: string,
	address?: string
): Promise<UploadInfo> {
	return setActive(db, id, false, user, address);
}

/** Undo a rollback. */
export function restoreUpload(
	db: Db,
	id: string,
	user: string,
	address?: string
): Promise<UploadInfo> {
	return setActive(db, id, true, user, address);
}

/** Rows in each current dataset. */
export async function datasetCounts(db: Db): Promise<Record<KindName, number>> {
	const row = await db.one<Record<KindName, number>>(
		`SELECT ${KIND_NAMES.map((k) => `(SELECT count(*)::INTEGER FROM ${k}) AS ${k}`).join(', ')}`
	);
	return row!;
}
