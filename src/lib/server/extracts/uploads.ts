// The upload rows: api.md's "upload" object read from the uploads table, and where an upload's files
// live on disk (the archived original, temp files on their way in).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Queryable } from '../db';
import type { KindName } from './contract';
import type { ValidationReport } from './report';

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

/** A row of the uploads table as read by UPLOAD_COLUMNS. */
export interface UploadRow {
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

export function toSummary(row: Omit<UploadRow, 'report'>, warnings: string[]): UploadSummary {
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

export function toInfo(row: UploadRow): UploadInfo {
	const report = JSON.parse(row.report) as ValidationReport;
	return { ...toSummary(row, report.warnings), report };
}

export const SUMMARY_COLUMNS = `id, seq, kind, mode, active, sha256, archive_sha256, file_name, bytes, rows,
	inserted, replaced, uploaded_by, uploaded_at, as_of, changed_at, changed_by, file_purged_at,
	file_purged_by, file_purge_reason`;
export const UPLOAD_COLUMNS = `${SUMMARY_COLUMNS}, report::VARCHAR AS report`;

/** The active upload of this kind with the same file, if any (a file is loaded once). */
export async function activeSameFile(conn: Queryable, kind: KindName, sha256: string) {
	return conn.one<UploadRow>(
		`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE kind = $kind AND sha256 = $sha AND active ORDER BY seq DESC LIMIT 1`,
		{ kind, sha: sha256 }
	);
}

/** The history, newest first; reports stay in the database (only their warnings come along). */
export async function listUploads(
	db: Queryable,
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
