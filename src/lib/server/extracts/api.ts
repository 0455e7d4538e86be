// The extracts API (api.md "Extracts") as plain functions over Request/Response, so the +server.ts
// files stay a few lines and tests can call these directly.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { audit } from '../audit';
import type { Config } from '../config';
import type { Db } from '../db';
import { contentDisposition, safeFileName } from '../download';
import { HttpError } from '../http';
import { log } from '../log';
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
import { auditCancelled, UploadCancelled, type Progress } from './pipeline';
import { uploadMapping } from './mappings';
import { checkBeforeBody, receiveUpload } from './receive';

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

/** An answer as the plain request gives it: its status and JSON body. */
interface Answer {
	status: number;
	body: unknown;
}

/** The query's parameters, checked before the body is read (a bad one is an ordinary 400). */
function uploadParams(url: URL) {
	return {
		kind: parseKind(url.searchParams.get('kind')),
		mode: parseMode(url.searchParams.get('mode')),
		asOf: parseAsOf(url.searchParams.get('as_of')),
		fileName: safeFileName(url.searchParams.get('filename')),
		mapping: url.searchParams.get('mapping'),
		mappingVersion: url.searchParams.get('mapping_version')
	};
}

async function auditTooLarge(db: Db, caller: Caller, kind: KindName | undefined, err: HttpError) {
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

/**
 * Receive the body to disk and load it: the one path of the plain and the streamed answer. The
 * body's bytes and each stage go to `onProgress`; `signal` cancels (the client went away).
 */
async function receiveAndLoad(
	db: Db,
	config: Config,
	request: Request,
	params: ReturnType<typeof uploadParams>,
	caller: Caller,
	progress: { onProgress?: (e: Progress) => void; signal?: AbortSignal } = {}
): Promise<Answer> {
	let { kind, mode, asOf } = params;
	const { onProgress, signal } = progress;
	// A mapping named in the query is looked up before the body is read (400 naming it if unknown).
	let mapping = await uploadMapping(db, params.mapping, params.mappingVersion);
	let received;
	try {
		// Bytes arrive by the chunk: a line at most every quarter-second, and the total once stored.
		let last = 0;
		received = await receiveUpload(request, config, (bytes) => {
			const now = performance.now();
			if (now - last < 250) return;
			last = now;
			onProgress?.({ stage: 'stored', bytes });
		});
	} catch (err) {
		if (err instanceof HttpError && err.status === 413) await auditTooLarge(db, caller, kind, err);
		if (err instanceof HttpError) throw err;
		// The body stopped coming: the client went away mid-upload (receiveUpload removed the file).
		if (signal?.aborted || request.signal.aborted || isAborted(err)) {
			await auditCancelled(db, { ...caller, kind }, { stage: 'stored' });
			throw new UploadCancelled('stored');
		}
		throw err;
	}
	try {
		onProgress?.({ stage: 'stored', bytes: fs.statSync(received.path).size });
		kind ??= parseKind(received.fields.kind);
		if (received.fields.mode) mode = parseMode(received.fields.mode);
		if (received.fields.as_of) asOf = parseAsOf(received.fields.as_of);
		if (received.fields.mapping || received.fields.mapping_version) {
			mapping = await uploadMapping(db, received.fields.mapping, received.fields.mapping_version);
		}
		const outcome = await loadExtract(
			db,
			{ path: received.path, fileName: received.fileName ?? params.fileName },
			{
				kind,
				mode,
				asOf,
				user: caller.user,
				address: caller.address,
				config,
				onProgress,
				signal,
				mapping
			}
		);
		if (outcome.ok) return { status: 201, body: { upload: outcome.upload } };
		const body = { error: outcome.error, ...(outcome.report ? { report: outcome.report } : {}) };
		return { status: outcome.status, body };
	} finally {
		fs.rmSync(received.path, { force: true });
	}
}

/** A body stream that failed because its connection was closed (not because of what it held). */
function isAborted(err: unknown): boolean {
	const e = err as { code?: string; name?: string; message?: string } | null;
	return (
		e?.name === 'AbortError' ||
		e?.code === 'ECONNRESET' ||
		e?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
		/aborted|premature close/i.test(e?.message ?? '')
	);
}

/** POST /api/v1/extracts?kind=&mode=&as_of= with a text/csv body or a multipart `file` field. */
export async function postExtract(
	db: Db,
	config: Config,
	request: Request,
	url: URL,
	caller: Caller
): Promise<Response> {
	const params = uploadParams(url);
	// request.signal aborts when the client goes away before the body is in (adapter-node).
	const answered = await receiveAndLoad(db, config, request, params, caller, {
		signal: request.signal
	});
	return json(answered.body, answered.status);
}

/** Whether the client asked for the streamed answer (Accept: application/x-ndjson). */
export function wantsProgress(request: Request): boolean {
	return /application\/x-ndjson/i.test(request.headers.get('accept') ?? '');
}

/**
 * POST /api/v1/extracts with Accept: application/x-ndjson: 200 and one JSON object per line as it
 * happens, `{"type":"stage","stage","rows"?,"bytes"?,"ms"}` for the body reaching the disk and each
 * stage of the load, then `{"type":"result","status","body"}`, the plain request's status and body.
 * What is refused before the body is read stays an ordinary HTTP error. The client closing the
 * response (or the request) before the commit cancels the load, which leaves nothing behind.
 */
export async function postExtractStreamed(
	db: Db,
	config: Config,
	request: Request,
	url: URL,
	caller: Caller
): Promise<Response> {
	const started = performance.now();
	const params = uploadParams(url);
	try {
		checkBeforeBody(request, config);
	} catch (err) {
		if (err instanceof HttpError && err.status === 413) {
			await auditTooLarge(db, caller, params.kind, err);
		}
		throw err;
	}
	const cancel = new AbortController();
	const stop = () => cancel.abort();
	if (request.signal.aborted) stop();
	request.signal.addEventListener('abort', stop, { once: true });

	const encoder = new TextEncoder();
	let out: ReadableStreamDefaultController<Uint8Array> | undefined;
	let open = true;
	const send = (line: Record<string, unknown>) => {
		if (!open || !out) return;
		try {
			out.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
		} catch {
			open = false;
		}
	};
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			out = controller;
		},
		// adapter-node cancels the body when the connection closes: the client is gone.
		cancel() {
			open = false;
			stop();
		}
	});
	const onProgress = (e: Progress) =>
		send({ type: 'stage', ...e, ms: Math.round(performance.now() - started) });
	void (async () => {
		try {
			const answered = await receiveAndLoad(db, config, request, params, caller, {
				onProgress,
				signal: cancel.signal
			});
			send({ type: 'result', ...answered });
		} catch (err) {
			if (err instanceof UploadCancelled) return; // audited; nobody is listening
			if (err instanceof HttpError) {
				const error = { code: err.code, message: err.message, details: err.details };
				send({ type: 'result', status: err.status, body: { error } });
				return;
			}
			const id = crypto.randomUUID();
			log().error({ id, route: '/api/v1/extracts', err }, 'unexpected error');
			send({
				type: 'result',
				status: 500,
				body: {
					error: {
						code: 'internal_error',
						message: `Internal Error (reference ${id})`,
						details: []
					}
				}
			});
		} finally {
			request.signal.removeEventListener('abort', stop);
			if (open) {
				open = false;
				out?.close();
			}
		}
	})();
	return new Response(body, {
		status: 200,
		headers: {
			'content-type': 'application/x-ndjson; charset=utf-8',
			'cache-control': 'no-store'
		}
	});
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
