// The extracts API (api.md "Extracts") as plain functions over Request/Response, so the +server.ts
// files stay a few lines and tests can call these directly.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { audit } from '../audit';
import type { Config } from '../config';
import type { Db } from '../db';
import { contentDisposition, safeFileName } from '../download';
import { HttpError } from '../http';
import { isIsoDate } from '../../dates';
import { isKindName, KIND_NAMES, type KindName } from './contract';
import {
	archivedFilePath,
	getUpload,
	listUploads,
	loadExtract,
	reportToCsv,
	restoreUpload,
	rollbackUpload,
	type UploadMode
} from './index';
import { receiveUpload } from './receive';

export interface Caller {
	/** locals.user?.name; 'unknown' until someone is signed in. */
	user: string;
	address?: string;
}

const json = (body: unknown, status = 200) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
	});

/** Turn a thrown HttpError into its JSON response; anything else is rethrown (500). */
export async function answer(fn: () => Promise<Response>): Promise<Response> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof HttpError) return err.toResponse();
		throw err;
	}
}

function parseKind(value: string | null | undefined): KindName | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	if (!isKindName(value)) {
		throw new HttpError(
			400,
			'bad_parameter',
			`kind "${value.slice(0, 40)}" is not a kind of extract; use one of ${KIND_NAMES.join(', ')}, or leave it out to detect it from the header.`,
			[{ parameter: 'kind', message: 'unknown kind' }]
		);
	}
	return value;
}

function parseMode(value: string | null | undefined): UploadMode {
	if (value === null || value === undefined || value === '') return 'merge';
	if (value !== 'merge' && value !== 'replace') {
		throw new HttpError(
			400,
			'bad_parameter',
			`mode must be merge or replace, not "${value.slice(0, 40)}".`,
			[{ parameter: 'mode', message: 'unknown mode' }]
		);
	}
	return value;
}

/** The optional `as_of` (YYYY-MM-DD): the day the extract was taken; loadExtract checks it. */
function parseAsOf(raw: string | null | undefined): string | undefined {
	const value = raw?.trim();
	if (!value) return undefined;
	if (!isIsoDate(value)) {
		throw new HttpError(
			400,
			'bad_parameter',
			`as_of must be a date written YYYY-MM-DD (for example 2025-06-03), not "${value.slice(0, 40)}".`,
			[{ parameter: 'as_of', message: 'not a date written YYYY-MM-DD' }]
		);
	}
	return value;
}

/** POST /api/v1/extracts?kind=&mode=&as_of= with a text/csv body or a multipart `file` field. */
export async function postExtract(
	db: Db,
	config: Config,
	request: Request,
	url: URL,
	caller: Caller
): Promise<Response> {
	let kind = parseKind(url.searchParams.get('kind'));
	let mode = parseMode(url.searchParams.get('mode'));
	let asOf = parseAsOf(url.searchParams.get('as_of'));
	let received;
	try {
		received = await receiveUpload(request, config);
	} catch (err) {
		if (err instanceof HttpError && err.status === 413) {
			await db.write((tx) =>
				audit(tx, {
					actor: caller.user,
					action: 'upload_refused',
					target: kind ?? null,
					address: caller.address,
					details: { code: err.code, status: 413 }
				})
			);
		}
		throw err;
	}
	try {
		kind ??= parseKind(received.fields.kind);
		if (received.fields.mode) mode = parseMode(received.fields.mode);
		if (received.fields.as_of) asOf = parseAsOf(received.fields.as_of);
		const outcome = await loadExtract(
			db,
			{
				path: received.path,
				fileName: received.fileName ?? safeFileName(url.searchParams.get('filename'))
			},
			{ kind, mode, asOf, user: caller.user, address: caller.address, config }
		);
		if (outcome.ok) return json({ upload: outcome.upload }, 201);
		const body = { error: outcome.error, ...(outcome.report ? { report: outcome.report } : {}) };
		return json(body, outcome.status);
	} finally {
		fs.rmSync(received.path, { force: true });
	}
}

/** GET /api/v1/extracts[?kind=] — upload history, newest first. */
export async function getExtracts(db: Db, url: URL): Promise<Response> {
	const kind = parseKind(url.searchParams.get('kind'));
	return json({ uploads: await listUploads(db, { kind }) });
}

async function found(db: Db, id: string) {
	const upload = await getUpload(db, id);
	if (!upload) throw new HttpError(404, 'not_found', `There is no upload ${id.slice(0, 40)}.`);
	return upload;
}

/** GET /api/v1/extracts/<id> — one upload with its report; `?format=csv` gives the report as CSV. */
export async function getExtract(db: Db, id: string, url: URL): Promise<Response> {
	const upload = await found(db, id);
	if (url.searchParams.get('format') === 'csv') {
		return new Response(reportToCsv(upload.report), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': contentDisposition(`${upload.id}-report.csv`)
			}
		});
	}
	return json({ upload });
}

/**
 * GET /api/v1/extracts/<id>/file — the archived file, decompressed: the upload's file as sent, or
 * without its extra columns when it had any (extracts.md "File rules"); 410 once purged.
 */
export async function getExtractFile(db: Db, config: Config, id: string): Promise<Response> {
	const upload = await found(db, id);
	if (upload.file_purged_at) {
		throw new HttpError(
			410,
			'file_purged',
			`The archived file of upload ${upload.id} was purged on ${upload.file_purged_at.slice(0, 10)} by ${upload.file_purged_by ?? 'unknown'} (${upload.file_purge_reason ?? 'no reason recorded'}); its report, checksum and rows are kept.`
		);
	}
	const file = archivedFilePath(config, upload);
	if (!fs.existsSync(file)) {
		throw new HttpError(
			404,
			'file_missing',
			`The archived file of upload ${upload.id} is missing from ${config.dataDir}/uploads; restore it from backup.`
		);
	}
	const body = Readable.toWeb(fs.createReadStream(file).pipe(zlib.createGunzip()));
	return new Response(body as ReadableStream, {
		headers: {
			'content-type': 'text/csv',
			'content-disposition': contentDisposition(upload.file_name, `${upload.id}.csv`),
			// The checksum of these bytes; the upload's sha256 is the file's as sent.
			'x-checksum-sha256': upload.archive_sha256
		}
	});
}

/** POST /api/v1/extracts/<id>/rollback or /restore. */
export async function setExtractActive(
	db: Db,
	id: string,
	active: boolean,
	caller: Caller
): Promise<Response> {
	const upload = active
		? await restoreUpload(db, id, caller.user, caller.address)
		: await rollbackUpload(db, id, caller.user, caller.address);
	return json({ upload });
}
