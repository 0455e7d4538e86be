// The one road of an extract (style.md "Data takes one road"): scan the file's bytes → stage its rows
// in DuckDB as text → validate them against the contract → the personal-data guard over every
// column → commit one upload in one transaction. Each stage reports its progress
// (LoadOptions.onProgress); a load cancelled (LoadOptions.signal) before its commit begins stops at
// the next stage boundary, its DuckDB work interrupted, and leaves nothing behind but an audit row.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { audit } from '../audit';
import type { Config } from '../config';
import { isOutOfMemory, type Db, type Queryable } from '../db';
import { safeFileName } from '../download';
import { HttpError } from '../http';
import { recordUpload } from '../ops-metrics';
import { derivedInsert } from '../metrics/derived';
import { noteChangedCrimes, refreshFacts } from '../metrics/facts';
import { defaultAsOf } from '../../dates';
import { archiveContractColumns, gunzippedSha256, gzipTo } from './archive';
import { asOfProblem, completeTo, latestDateSql, POLICE_KINDS } from './as-of';
import { KINDS, type KindName } from './contract';
import { guardCells, personalNamesRefusal } from './guard';
import {
	applyValueMaps,
	mapHeader,
	mappingKindRefusal,
	mappingWarning,
	type Mapping
} from './mappings';
import {
	asOfRefusal,
	checkHeader,
	contractNames,
	csvReadRefusal,
	noRowsRefusal,
	problemsRefusal,
	raggedRefusal,
	sameFileRefusal,
	scanRefusal,
	type HeaderCheck,
	type Refusal
} from './refusals';
import { firstPage, storeRefused } from './refused';
import { summarise, type ValidationReport } from './report';
import { ScanError, scanFile, transcode1252, type ScanResult } from './scan';
import {
	activeSameFile,
	archivedFilePath,
	getUpload,
	londonToday,
	tempFilePath,
	type UploadInfo,
	type UploadMode
} from './uploads';
import {
	checkRules,
	CsvReadError,
	dropStaging,
	listProblems,
	stageCsv,
	type Checked,
	type Staging
} from './validate';

/** The stages a load goes through, in order; `stored` is the HTTP body reaching the disk (api.ts). */
export const STAGES = ['stored', 'reading', 'validating', 'guard', 'loading', 'done'] as const;
export type StageName = (typeof STAGES)[number];

/** A stage begun, or progress within it (a stage may be reported again with more rows or bytes). */
export interface Progress {
	stage: StageName;
	rows?: number;
	bytes?: number;
}

export type LoadOutcome = { ok: true; upload: UploadInfo } | Refusal;

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
	/** Hears each stage as it begins, and progress within it. */
	onProgress?: (e: Progress) => void;
	/** Aborted (the client went away): stop before the commit and leave nothing behind. */
	signal?: AbortSignal;
	/**
	 * A saved column mapping to read the file with (mappings.ts): its columns renamed before the
	 * header check, its values rewritten before validation; the report names it and its version.
	 */
	mapping?: Mapping;
	/**
	 * Hears how long each step of the road took, in milliseconds, as it ends (the benchmark's
	 * per-stage figures); a step the load did not reach is not reported.
	 */
	onStepTime?: (step: RoadStep, ms: number) => void;
}

/** The road's steps as the benchmark times them (`stage` is DuckDB reading the rows in). */
export type RoadStep = 'scan' | 'stage' | 'validate' | 'guard' | 'commit';

/**
 * The load was cancelled before its commit began; nothing of it is left but the audit row. An
 * HttpError so an endpoint answers it (499, nginx's "client closed request") to a client that is gone.
 */
export class UploadCancelled extends HttpError {
	constructor(readonly stage: StageName) {
		super(499, 'cancelled', `The upload was cancelled (${stage}); nothing was loaded.`);
		this.name = 'UploadCancelled';
	}
}

/** One load on its way: what every stage needs, and what they leave to clear up. */
interface Load {
	db: Db;
	input: { path: string; fileName?: string };
	opts: LoadOptions;
	fileName: string;
	mode: UploadMode;
	today: string;
	/** The stage it is in (for the audit row of a cancelled load). */
	at: StageName;
	/** Files removed however the load ends: copies, transcodings, the partial archive. */
	temps: string[];
	/** The temp tables, while they exist. */
	staging?: Staging;
	/** The whole file being compressed into the archive while its rows are checked. */
	archiving: Promise<void>;
	/** What the mapping did to the header: fields renamed and ignored, sources the file lacks. */
	mapped?: { renamed: number; ignored: number; absent: string[] };
}

/** The scan's findings: the file's bytes, its header, and a refusal held until the guard has run. */
export interface Scanned {
	ok: true;
	file: ScanResult;
	header: HeaderCheck;
	/**
	 * Why the file cannot be loaded (no header, missing columns, no rows, already loaded), held
	 * back because a personal-data refusal wins over it (the guard runs on the names).
	 */
	held?: Refusal;
}

export type Staged =
	| {
			ok: true;
			staging: Staging;
			/** Rows staged: the file's records. */
			rows: number;
			wholeFile: boolean;
			partial: string;
			warnings: string[];
	  }
	| Refusal;

/** Validate a CSV file and, when it passes every rule and the guard, load it as one upload. */
export async function loadExtract(
	db: Db,
	input: { path: string; fileName?: string },
	opts: LoadOptions
): Promise<LoadOutcome> {
	const started = performance.now();
	const load: Load = {
		db,
		input,
		opts,
		// Every stored name is sanitised here, whoever sent it (API, page, CLI, sample).
		fileName:
			safeFileName(input.fileName) ?? safeFileName(path.basename(input.path)) ?? 'upload.csv',
		mode: opts.mode ?? 'merge',
		today: opts.today ?? londonToday(),
		// The body is on disk when a load begins; the scan is its first stage.
		at: 'stored',
		temps: [],
		archiving: Promise.resolve()
	};
	let outcome: LoadOutcome;
	try {
		outcome = await road(load);
	} catch (err) {
		if (isOutOfMemory(err)) {
			recordUpload(opts.kind ?? 'unknown', 'out_of_memory', performance.now() - started);
			throw outOfMemory(load, err as Error);
		}
		if (!(err instanceof UploadCancelled)) throw err;
		await clearUp(load);
		await auditCancelled(
			db,
			{ user: opts.user, address: opts.address, kind: opts.kind },
			{
				file_name: load.fileName,
				stage: err.stage
			}
		);
		recordUpload(opts.kind ?? 'unknown', 'cancelled', performance.now() - started);
		throw err;
	} finally {
		await clearUp(load);
	}
	recordUpload(
		outcome.ok ? outcome.upload.kind : (opts.kind ?? 'unknown'),
		outcome.ok ? 'loaded' : outcome.error.code,
		performance.now() - started
	);
	return outcome;
}

/** What the load was doing in each stage, as the out-of-memory message says it. */
const STAGE_WORDS: Record<StageName, string> = {
	stored: 'storing the file',
	reading: 'reading the rows',
	validating: 'checking every row',
	guard: 'checking for personal data',
	loading: 'loading the rows',
	done: 'finishing'
};

/**
 * The database's memory ran out during a load. The transaction is rolled back and the staging
 * dropped, so nothing changed; the file is not at fault, the setting is.
 */
function outOfMemory(load: Load, err: Error): HttpError {
	// DuckDB's own words: "could not allocate block of size 30.5 MiB (3.3 MiB/15.2 MiB used)" or
	// "failed to allocate data of size 16.0 MiB (240.6 MiB/244.1 MiB used)", then tuning hints.
	const m = /allocate \w+ of size ([^()]+?) \(([^()/]+)\/([^()/]+) used\)/.exec(err.message);
	const need = m ? `: it needed ${m[1]} more with ${m[2]} of its ${m[3]} in use` : '';
	const limit = load.opts.config.memoryLimit;
	const setting = limit
		? `DUCKDB_MEMORY_LIMIT is ${limit}: raise it (or remove it, so DuckDB may use 80% of the machine's memory)`
		: `DuckDB may already use 80% of the machine's memory: give the server more memory`;
	return new HttpError(
		503,
		'out_of_memory',
		`The database ran out of memory while ${STAGE_WORDS[load.at]} of ${load.fileName}${need}. ` +
			`Nothing was loaded and nothing changed. ${setting} and restart the server, then upload ` +
			`the file again; or split the extract into smaller files.`
	);
}

async function road(load: Load): Promise<LoadOutcome> {
	const timed = async <T>(step: RoadStep, work: () => Promise<T>): Promise<T> => {
		const started = performance.now();
		try {
			return await work();
		} finally {
			load.opts.onStepTime?.(step, performance.now() - started);
		}
	};
	const scanned = await timed('scan', () => scan(load));
	if (!scanned.ok) {
		const extra = scanned.file ? { sha256: scanned.file.sha256, bytes: scanned.file.bytes } : {};
		return refuse(load, scanned.refusal, extra);
	}
	const base = { sha256: scanned.file.sha256, bytes: scanned.file.bytes };
	// The rows are read only when they could be loaded: not when the scan holds a refusal, nor when
	// the guard refuses a column by its name alone (a large file with a Postcode column is refused
	// at once).
	const { header } = scanned;
	const staged =
		!scanned.held && header.ok && !personalNames(load, scanned)
			? await timed('stage', () => stage(load, scanned.file, header))
			: undefined;
	const checked =
		staged?.ok && header.ok
			? await timed('validate', () => validate(load, staged, header.kind))
			: undefined;
	const guarded = await timed('guard', () => guard(load, scanned, staged, checked));
	if (!guarded.ok) return refuse(load, guarded, base);
	return timed('commit', () =>
		commit(load, scanned.file, staged as Extract<Staged, { ok: true }>, guarded.report)
	);
}

/** Read the file's bytes once (encoding, shape, checksum, header) and check the header. */
export async function scan(
	load: Load
): Promise<Scanned | { ok: false; refusal: Refusal; file?: ScanResult }> {
	enter(load, 'reading');
	const every = throttle();
	let file: ScanResult;
	try {
		file = await scanFile(load.input.path, load.opts.config.maxUploadBytes, (bytes) => {
			checkpoint(load);
			if (every()) report(load, { stage: 'reading', bytes });
		});
	} catch (err) {
		if (err instanceof ScanError) return { ok: false, refusal: scanRefusal(err, load.fileName) };
		throw err;
	}
	// Rows the scan cannot split like the header are refused before any name is read.
	const ragged = raggedRefusal(file, load.fileName);
	if (ragged) return { ok: false, refusal: ragged, file };
	report(load, { stage: 'reading', bytes: file.bytes, rows: file.records });
	// A mapping is read before the header check: renamed fields are contract columns from here on,
	// ignored ones extra columns (not loaded, still guarded by name and cell).
	const { mapping } = load.opts;
	if (mapping) {
		const wrongKind = mappingKindRefusal(mapping, load.opts.kind, load.fileName);
		if (wrongKind) return { ok: false, refusal: wrongKind, file };
		const mapped = mapHeader(mapping, file.header);
		load.mapped = {
			renamed: mapped.header.filter((h, i) => h !== file.header[i]).length,
			ignored: file.header.filter((h, i) => mapped.ignored[i]).length,
			absent: mapped.absent
		};
		file = { ...file, header: mapped.header };
	}
	const header = checkHeader(file, load.opts.kind ?? mapping?.kind, load.fileName);
	const scanned: Scanned = { ok: true, file, header };
	if (!header.ok) scanned.held = header.refusal;
	else if (file.records === 0) scanned.held = noRowsRefusal(load.fileName);
	else {
		const same = await activeSameFile(load.db, header.kind, file.sha256);
		if (same) scanned.held = sameFileRefusal(same, load.fileName);
	}
	return scanned;
}

/** DuckDB reads the file as text into a temp table; the whole file starts compressing meanwhile. */
export async function stage(
	load: Load,
	file: ScanResult,
	header: Extract<HeaderCheck, { ok: true }>
): Promise<Staged> {
	enter(load, 'reading');
	const { config } = load.opts;
	const warnings = [...header.warnings];
	if (!load.db.mayRead(path.join(config.dataDir, 'tmp', 'upload.csv'))) {
		throw new Error(
			`DuckDB may not read DATA_DIR ${config.dataDir}: open the database with this DATA_DIR (openDb's dataDir)`
		);
	}
	let csvPath = load.input.path;
	if (file.encoding === 'windows-1252') {
		csvPath = tempFilePath(config);
		load.temps.push(csvPath);
		await transcode1252(load.input.path, csvPath);
		warnings.unshift(
			'The file is not UTF-8; it was read as Windows-1252 (Excel\'s default "CSV (Comma delimited)") and converted. Saving as "CSV UTF-8" avoids this.'
		);
	} else if (!load.db.mayRead(csvPath)) {
		// DuckDB reads only the app's own folders (db/index.ts): a file from elsewhere (the CLI's
		// argument, a test fixture) is copied under DATA_DIR/tmp first.
		csvPath = tempFilePath(config);
		load.temps.push(csvPath);
		await fs.promises.copyFile(load.input.path, csvPath);
	}
	checkpoint(load);
	// The archive keeps the contract's columns only (extracts.md "File rules"). A file that has no
	// other column is archived as it is, compressed while DuckDB validates; a file with extra columns
	// is written without them once it has passed (archiveContractColumns). Either is kept only if
	// the upload commits.
	const uploadsDir = path.join(config.dataDir, 'uploads');
	fs.mkdirSync(uploadsDir, { recursive: true });
	const partial = path.join(uploadsDir, `.partial-${crypto.randomUUID()}.gz`);
	load.temps.push(partial);
	const wholeFile = header.match.extra.length === 0;
	load.archiving = wholeFile ? gzipTo(load.input.path, partial) : Promise.resolve();
	load.archiving.catch(() => undefined);

	const read = await onWriter(load, async (conn) => {
		try {
			load.staging = await stageCsv(
				conn,
				csvPath,
				header.match,
				file.header.length,
				file.recordLines
			);
			// The mapping's value maps rewrite the staged text, so validation reads contract values.
			const { mapping } = load.opts;
			const rewritten = mapping
				? await applyValueMaps(conn, load.staging.stg, load.staging.columns, mapping)
				: undefined;
			return { staging: load.staging, rewritten };
		} catch (err) {
			if (err instanceof CsvReadError) return { csvError: err };
			throw err;
		}
	});
	if (read.csvError) return csvReadRefusal(read.csvError.message, load.fileName);
	if (load.opts.mapping && load.mapped) {
		warnings.unshift(mappingWarning(load.opts.mapping, load.mapped, read.rewritten ?? {}));
	}
	report(load, { stage: 'reading', rows: file.records });
	return { ok: true, staging: read.staging!, rows: file.records, wholeFile, partial, warnings };
}

/** Every rule of the contract as SQL over the staged rows: types, ranges, keys (validate.ts). */
export async function validate(
	load: Load,
	staged: Extract<Staged, { ok: true }>,
	kind: KindName
): Promise<Checked> {
	enter(load, 'validating', staged.rows);
	return onWriter(load, (conn) => checkRules(conn, staged.staging, kind, load.today));
}

/**
 * The personal-data guard over every column, by name and by cell, then the verdict: personal data
 * first, then what the scan held back, then the rules' problems.
 */
export async function guard(
	load: Load,
	scanned: Scanned,
	staged: Staged | undefined,
	checked: Checked | undefined
): Promise<{ ok: true; report: ValidationReport } | Refusal> {
	enter(load, 'guard', staged?.ok ? staged.rows : undefined);
	const names = personalNames(load, scanned);
	if (names) return names;
	if (scanned.held) return scanned.held;
	if (!staged) throw new Error('guard: nothing was staged'); // road() stages whatever it does not hold
	if (!staged.ok) return staged;
	const { file } = scanned;
	const { staging } = staged;
	const v = await onWriter(load, async (conn) =>
		listProblems(conn, staging, checked!, await guardCells(conn, staging, checked!.kind))
	);
	const report_: ValidationReport = {
		kind: checked!.kind,
		fileName: load.fileName,
		bytes: file.bytes,
		sha256: file.sha256,
		encoding: file.encoding,
		rows: file.records,
		errorCount: v.errorCount,
		problems: v.problems,
		truncated: v.errorCount > v.problems.length,
		summary: v.summary.length || !v.problems.length ? v.summary : summarise(v.problems),
		warnings: [...staged.warnings, ...v.warnings],
		mapping: load.opts.mapping
			? { name: load.opts.mapping.name, version: load.opts.mapping.version }
			: null
	};
	if (v.errorCount > 0) return problemsRefusal(report_, v.personal, load.fileName);
	return { ok: true, report: report_ };
}

/**
 * One transaction adds the rows to history under their upload id and refreshes the current dataset,
 * with the upload row, its audit row and its archive. Cancelling stops only before it begins.
 */
export async function commit(
	load: Load,
	file: ScanResult,
	staged: Extract<Staged, { ok: true }>,
	report_: ValidationReport
): Promise<LoadOutcome> {
	enter(load, 'loading', staged.rows);
	const { db, opts, fileName, mode, today } = load;
	const st = staged.staging;
	const kind = report_.kind as KindName;
	const base = { sha256: file.sha256, bytes: file.bytes };
	const latestInFile = await onWriter(load, async (conn) => {
		if (!staged.wholeFile) await archiveContractColumns(conn, st, kind, staged.partial);
		// The latest date in the file, for its as-at date (staging tables live on this connection).
		const latest = latestDateSql(kind, 't', st.columns);
		return latest
			? ((await conn.one<{ d: string | null }>(`SELECT ${latest} AS d FROM ${st.typ} t`))?.d ??
					null)
			: null;
	});
	const asOf = opts.asOf ?? defaultAsOf(latestInFile, today);
	const asOfWrong = asOfProblem(asOf, latestInFile, today);
	if (asOfWrong) return refuse(load, asOfRefusal(asOf, asOfWrong, fileName), base);
	await load.archiving;
	const archiveSha256 = staged.wholeFile ? file.sha256 : await gunzippedSha256(staged.partial);
	checkpoint(load);
	const cols = KINDS[kind].columns.map((c) => c.name).filter((c) => st.columns.includes(c));
	const keyJoin = KINDS[kind].key.map((c) => `c.${c} = t.${c}`).join(' AND ');
	const committed = await db.write(async (tx) => {
		// The last chance to cancel: once the first row is written the commit completes.
		checkpoint(load);
		const again = await activeSameFile(tx, kind, file.sha256);
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
		const finalReport: ValidationReport = { ...report_ };
		if (mode === 'replace') {
			const dropped = (before?.n ?? 0) - replaced;
			if (dropped > 0) {
				finalReport.warnings = [
					...report_.warnings,
					`Replace: ${dropped} ${dropped === 1 ? 'row' : 'rows'} of the previous ${kind} dataset ${dropped === 1 ? 'is' : 'are'} not in this file and no longer current (kept in the history).`
				];
			}
		}
		const earlier = await asOfMovesBack(tx, kind, asOf);
		if (earlier) finalReport.warnings = [...finalReport.warnings, earlier];
		const uploadedAt = new Date().toISOString();
		const archive = archivedFilePath(opts.config, { id, sha256: file.sha256 });
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
				sha: file.sha256,
				archive_sha: archiveSha256,
				file: fileName,
				archive: path.relative(opts.config.dataDir, archive),
				bytes: file.bytes,
				rows: file.records,
				inserted: file.records - replaced,
				replaced,
				user: opts.user,
				at: uploadedAt,
				as_of: asOf,
				report: JSON.stringify(finalReport)
			}
		);
		// The new upload is the newest: its rows win for their keys (merge) or alone (replace).
		// Rollback and restore rebuild from history instead (refreshCurrent).
		const changedOnly = mode === 'merge' && (await noteChangedCrimes(tx, kind, st.typ));
		if (mode === 'replace') await tx.run(`DELETE FROM ${kind}`);
		else await tx.run(`DELETE FROM ${kind} c USING ${st.typ} t WHERE ${keyJoin}`);
		const derived = derivedInsert(kind);
		await tx.run(
			`INSERT INTO ${kind} (upload_seq, ${cols.join(', ')}${derived.columns})
			 SELECT $seq, ${cols.join(', ')}${derived.values} FROM ${st.typ}`,
			{ seq }
		);
		await refreshFacts(tx, kind, changedOnly ? st.typ : undefined);
		await audit(tx, {
			actor: opts.user,
			action: 'upload',
			target: id,
			address: opts.address,
			details: {
				kind,
				mode,
				rows: file.records,
				inserted: file.records - replaced,
				replaced,
				sha256: file.sha256,
				file_name: fileName,
				as_of: asOf,
				mapping: finalReport.mapping ?? null
			}
		});
		await dropStaging(tx, st);
		load.staging = undefined;
		// The archive takes its name inside the transaction, as its last step: a crash before the
		// commit leaves a file no upload names, which start-up removes (leftovers.ts); a crash
		// after it leaves the upload and its file together. Never an upload without its file.
		fs.renameSync(staged.partial, archive);
		return { id, archive };
	});
	if (committed.refused) return refuse(load, committed.refused, base);
	const upload = await getUpload(db, committed.id!);
	// Committed: a cancel now changes nothing, so this is reported without a check.
	load.at = 'done';
	report(load, { stage: 'done', rows: upload!.rows });
	return { ok: true, upload: upload! };
}

/** The guard's refusal of the header's names, if any (needs no rows, so it can be asked early). */
function personalNames(load: Load, scanned: Scanned): Refusal | undefined {
	const { header } = scanned;
	return personalNamesRefusal(
		scanned.file.header,
		contractNames(header.kind),
		header.ok ? [] : header.problems,
		load.fileName
	);
}

/**
 * The refusal is audited (who tried to load what, and why); the datasets stay untouched. A report
 * of the rows is kept whole (refused.ts) and the audit row names it; the answer lists its first page.
 */
async function refuse(
	load: Load,
	r: Refusal,
	extra: Record<string, unknown> = {}
): Promise<Refusal> {
	const stored = await load.db.write(async (tx) => {
		const kept = r.report
			? await storeRefused(tx, { ...r, report: r.report }, load.opts.user)
			: undefined;
		await audit(tx, {
			actor: load.opts.user,
			action: 'upload_refused',
			// The kind asked for, or else the one its header was read as: the history files the
			// refused attempt under that kind (history.ts).
			target: load.opts.kind ?? r.report?.kind ?? null,
			address: load.opts.address,
			details: {
				file_name: load.fileName,
				code: r.error.code,
				status: r.status,
				problems: r.report?.errorCount,
				...(kept ? { report: kept.ref } : {}),
				...extra
			}
		});
		return kept;
	});
	return stored ? firstPage(r, stored) : r;
}

/** The audit row of a cancelled upload: who, which file, and how far it had got. */
export async function auditCancelled(
	db: Db,
	caller: { user: string; address?: string; kind?: KindName },
	details: { file_name?: string | null; stage: StageName; bytes?: number }
): Promise<void> {
	await db.write((tx) =>
		audit(tx, {
			actor: caller.user,
			action: 'upload_cancelled',
			target: caller.kind ?? null,
			address: caller.address,
			details
		})
	);
}

/** Whatever a load leaves: its temp tables, the compression still running, its temp files. */
async function clearUp(load: Load): Promise<void> {
	if (load.staging) {
		const st = load.staging;
		load.staging = undefined;
		await load.db.exclusive((conn) => dropStaging(conn, st)).catch(() => undefined);
	}
	await load.archiving.catch(() => undefined);
	for (const t of load.temps) fs.rmSync(t, { force: true });
	load.temps = [];
}

/** A stage boundary: a cancelled load stops here; otherwise the stage is begun and reported. */
function enter(load: Load, stage: StageName, rows?: number): void {
	checkpoint(load);
	if (load.at === stage) return;
	load.at = stage;
	report(load, rows === undefined ? { stage } : { stage, rows });
}

function report(load: Load, e: Progress): void {
	load.opts.onProgress?.(e);
}

/** A cancelled load goes no further. */
function checkpoint(load: Load): void {
	if (load.opts.signal?.aborted) throw new UploadCancelled(load.at);
}

/**
 * Work on the writer connection (the staging tables live there). Every statement is a boundary a
 * cancel stops at; a cancel while one runs interrupts it, again every 20 ms, since DuckDB drops an
 * interrupt that comes while a statement is still being prepared. Whatever the work then returns
 * or throws, the load is cancelled.
 */
async function onWriter<T>(load: Load, fn: (conn: Queryable) => Promise<T>): Promise<T> {
	return load.db.exclusive(async (conn) => {
		checkpoint(load);
		const signal = load.opts.signal;
		let again: ReturnType<typeof setInterval> | undefined;
		const interrupt = () => {
			conn.connection.interrupt();
			again = setInterval(() => conn.connection.interrupt(), 20);
		};
		signal?.addEventListener('abort', interrupt, { once: true });
		const statement = () => checkpoint(load);
		const cancellable: Queryable = {
			connection: conn.connection,
			all: (sql, params) => (statement(), conn.all(sql, params)),
			one: (sql, params) => (statement(), conn.one(sql, params)),
			run: (sql, params) => (statement(), conn.run(sql, params))
		};
		try {
			const value = await fn(cancellable);
			checkpoint(load);
			return value;
		} catch (err) {
			checkpoint(load);
			throw err;
		} finally {
			signal?.removeEventListener('abort', interrupt);
			clearInterval(again);
		}
	});
}

/** True at most every `ms` milliseconds (progress within a stage, not a line per chunk). */
function throttle(ms = 250): () => boolean {
	let last = 0;
	return () => {
		const now = performance.now();
		if (now - last < ms) return false;
		last = now;
		return true;
	};
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
