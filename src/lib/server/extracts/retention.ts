// Retention of archived upload files (extracts.md "Retention"): an archive's bytes are deleted once it
// is older than RETENTION_DAYS, or at once when an admin purges one upload with a reason. The upload's
// record, report, checksum, counts and history rows stay for ever, so purging never changes a dataset
// and a rolled-back upload can still be restored.
import fs from 'node:fs';
import { audit } from '../audit';
import { DEFAULT_RETENTION_DAYS, type Config } from '../config';
import type { Db, Queryable } from '../db';
import { HttpError } from '../http';
import { archivedFilePath } from './index';

export interface PurgedFile {
	id: string;
	kind: string;
	active: boolean;
	uploaded_at: string;
	/** Bytes of the archive on disk (0 when it was already missing). */
	bytes: number;
}

export interface PurgeResult {
	retention_days: number;
	/** Archives of uploads made before this instant are purged (ISO 8601). */
	cutoff: string;
	dry_run: boolean;
	uploads: PurgedFile[];
	/** Archive files deleted (or, on a dry run, that would be). */
	files: number;
	bytes: number;
}

interface Candidate {
	id: string;
	sha256: string;
	kind: string;
	active: boolean;
	uploaded_at: string;
}

function onDisk(config: Config, u: Candidate): number {
	try {
		return fs.statSync(archivedFilePath(config, u)).size;
	} catch {
		return 0;
	}
}

/**
 * Delete the bytes of purged archives still on disk. The record is committed first, so a crash
 * between the two leaves a file the next purge removes, never a record that says "kept" for a file
 * that is gone.
 */
async function removeFiles(db: Queryable, config: Config): Promise<void> {
	const purged = await db.all<Candidate>(
		`SELECT id, sha256, kind, active, uploaded_at FROM uploads WHERE file_purged_at IS NOT NULL`
	);
	for (const u of purged) fs.rmSync(archivedFilePath(config, u), { force: true });
}

/**
 * Purge the archives of every upload made more than RETENTION_DAYS ago, active or not (their rows
 * stay loaded); one audit row gives the counts. A dry run only reports what would go.
 */
export async function purgeExpired(
	db: Db,
	config: Config,
	opts: { user: string; dryRun?: boolean; now?: Date; address?: string }
): Promise<PurgeResult> {
	const days = config.retentionDays ?? DEFAULT_RETENTION_DAYS;
	const now = opts.now ?? new Date();
	const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
	const find = (q: Queryable) =>
		q.all<Candidate>(
			`SELECT id, sha256, kind, active, uploaded_at FROM uploads
			 WHERE file_purged_at IS NULL AND uploaded_at < $cutoff::TIMESTAMPTZ ORDER BY seq`,
			{ cutoff }
		);
	const result = (list: Candidate[], dryRun: boolean): PurgeResult => {
		const uploads = list.map((u) => ({
			id: u.id,
			kind: u.kind,
			active: u.active,
			uploaded_at: u.uploaded_at,
			bytes: onDisk(config, u)
		}));
		return {
			retention_days: days,
			cutoff,
			dry_run: dryRun,
			uploads,
			files: uploads.filter((u) => u.bytes > 0).length,
			bytes: uploads.reduce((n, u) => n + u.bytes, 0)
		};
	};
	if (opts.dryRun) return result(await find(db), true);
	const done = await db.write(async (tx) => {
		const r = result(await find(tx), false);
		if (r.uploads.length) {
			await tx.run(
				`UPDATE uploads SET file_purged_at = $now::TIMESTAMPTZ, file_purged_by = $user,
					file_purge_reason = $reason
				 WHERE file_purged_at IS NULL AND uploaded_at < $cutoff::TIMESTAMPTZ`,
				{
					now: now.toISOString(),
					user: opts.user,
					reason: `retention: uploaded more than ${days} days ago (RETENTION_DAYS)`,
					cutoff
				}
			);
		}
		// One row per run, purging or not, so the log shows retention is being applied.
		await audit(tx, {
			actor: opts.user,
			action: 'purge_files',
			target: null,
			address: opts.address,
			details: {
				retention_days: days,
				cutoff,
				uploads: r.uploads.length,
				files: r.files,
				bytes: r.bytes,
				ids: r.uploads.map((u) => u.id)
			}
		});
		return r;
	});
	await removeFiles(db, config);
	return done;
}

/** Purge one upload's archive now (an admin's decision, with a reason); its record stays. */
export async function purgeUploadFile(
	db: Db,
	config: Config,
	id: string,
	opts: { user: string; reason: string; address?: string }
): Promise<PurgeResult> {
	const reason = opts.reason.trim();
	if (!reason) {
		throw new HttpError(400, 'bad_parameter', 'Say why the file is purged (a reason is required).');
	}
	const now = new Date().toISOString();
	const done = await db.write(async (tx) => {
		const u = await tx.one<Candidate & { file_purged_at: string | null }>(
			`SELECT id, sha256, kind, active, uploaded_at, file_purged_at FROM uploads WHERE id = $id`,
			{ id }
		);
		if (!u) {
			throw new HttpError(
				404,
				'not_found',
				`There is no upload ${id.slice(0, 40)}. List uploads to find its id.`
			);
		}
		if (u.file_purged_at) {
			throw new HttpError(
				409,
				'already_purged',
				`The file of upload ${u.id} was already purged on ${u.file_purged_at.slice(0, 10)}.`
			);
		}
		const bytes = onDisk(config, u);
		await tx.run(
			`UPDATE uploads SET file_purged_at = $now::TIMESTAMPTZ, file_purged_by = $user,
				file_purge_reason = $reason WHERE id = $id`,
			{ id, now, user: opts.user, reason }
		);
		await audit(tx, {
			actor: opts.user,
			action: 'purge_files',
			target: u.id,
			address: opts.address,
			details: { reason, uploads: 1, files: bytes > 0 ? 1 : 0, bytes, ids: [u.id] }
		});
		const file: PurgedFile = {
			id: u.id,
			kind: u.kind,
			active: u.active,
			uploaded_at: u.uploaded_at,
			bytes
		};
		return file;
	});
	await removeFiles(db, config);
	return {
		retention_days: config.retentionDays ?? DEFAULT_RETENTION_DAYS,
		cutoff: now,
		dry_run: false,
		uploads: [done],
		files: done.bytes > 0 ? 1 : 0,
		bytes: done.bytes
	};
}
