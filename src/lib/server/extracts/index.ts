// Extracts (extracts.md): the one road from a file on disk to the current dataset (pipeline.ts) and
// the upload history around it: list, rollback, restore, and rebuilding a current dataset.
import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { HttpError } from '../http';
import { derivedInsert } from '../metrics/derived';
import { refreshFacts } from '../metrics/facts';
import { KINDS, KIND_NAMES, type KindName } from './contract';
import { activeSameFile, toInfo, UPLOAD_COLUMNS, type UploadInfo, type UploadRow } from './uploads';

export type { ValidationReport, Problem, SummaryLine } from './report';
export { reportToCsv } from './report';
export {
	archivedFilePath,
	getUpload,
	listUploads,
	londonToday,
	tempFilePath,
	type UploadInfo,
	type UploadMode,
	type UploadSummary
} from './uploads';
export {
	loadExtract,
	STAGES,
	UploadCancelled,
	type LoadOptions,
	type LoadOutcome,
	type Progress,
	type StageName
} from './pipeline';

/**
 * Rebuild the current table of a kind from its history: for each key, the row from the newest
 * active upload that has it, ignoring everything before the newest active `replace` upload.
 */
export async function refreshCurrent(tx: Queryable, kind: KindName): Promise<void> {
	const k = KINDS[kind];
	const cols = k.columns.map((c) => c.name).join(', ');
	const derived = derivedInsert(kind);
	await tx.run(`DELETE FROM ${kind}`);
	await tx.run(
		`INSERT INTO ${kind} (upload_seq, ${cols}${derived.columns})
		 SELECT upload_seq, ${cols}${derived.values} FROM h_${kind}
		 WHERE upload_seq IN (
			SELECT seq FROM uploads WHERE kind = $kind AND active AND seq >= (
				SELECT coalesce(max(seq), 0) FROM uploads WHERE kind = $kind AND active AND mode = 'replace'))
		 QUALIFY row_number() OVER (PARTITION BY ${k.key.join(', ')} ORDER BY upload_seq DESC) = 1`,
		{ kind }
	);
	await refreshFacts(tx, kind);
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
