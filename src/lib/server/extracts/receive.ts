// Receiving an uploaded extract over HTTP: the request body streams to a temp file under DATA_DIR/tmp
// (text/csv body, or the `file` field of a multipart form), never held whole in memory, and stops
// at MAX_UPLOAD_MB with 413. The checks that need no body come first (checkBeforeBody).
import fs from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Config } from '../config';
import { safeFileName } from '../download';
import { drain } from '../body-limit';
import { HttpError } from '../http';
import { tempFilePath } from './uploads';

export interface Received {
	path: string;
	fileName?: string;
	/** Other multipart fields (kind, mode) when the form sends them. */
	fields: Record<string, string>;
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

function tooLarge(limit: number): HttpError {
	return new HttpError(
		413,
		'too_large',
		`The upload is over the limit of ${mb(limit)} (MAX_UPLOAD_MB). Split the extract or ask the administrator to raise the limit.`
	);
}

// A body over the limit is still read, and dropped, for this much more, so a client still sending
// it sees the 413 rather than a reset connection; past that it is cut off. Under the megabyte that
// adapter-node's BODY_SIZE_LIMIT allows above MAX_UPLOAD_MB (scripts/serve-env.ts).
const DRAIN_BYTES = 512 * 1024;

/** Counts bytes, tells `onBytes`, and fails the stream once they pass the limit (if any). */
class Limit extends Transform {
	bytes = 0;
	private over = false;
	constructor(
		private readonly limit: number,
		private readonly onBytes?: (bytes: number) => void
	) {
		super();
	}
	_transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
		this.bytes += chunk.length;
		this.onBytes?.(this.bytes);
		if (this.bytes <= this.limit) return done(null, chunk);
		if (this.bytes > this.limit + DRAIN_BYTES) return done(tooLarge(this.limit));
		this.over = true;
		done();
	}
	_flush(done: TransformCallback) {
		done(this.over ? tooLarge(this.limit) : null);
	}
}

const CSV_TYPES = [
	'text/csv',
	'text/plain',
	'application/csv',
	'application/vnd.ms-excel',
	'application/octet-stream'
];

/**
 * What can be refused before a byte of the body is read: a declared length over the limit (413),
 * a content type that is neither CSV nor a multipart form (415). receiveUpload checks them too.
 */
export function checkBeforeBody(request: Request, config: Config): void {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const declared = Number(request.headers.get('content-length') ?? NaN);
	// The body is read and dropped (bounded) behind the refusal, so a client still sending it gets
	// the answer and its connection stays usable.
	const refuse = (err: HttpError) => {
		if (request.body && !request.bodyUsed) drain(request.body.getReader());
		return err;
	};
	if (Number.isFinite(declared) && declared > config.maxUploadBytes + 64 * 1024) {
		throw refuse(tooLarge(config.maxUploadBytes));
	}
	if (type !== '' && !type.startsWith('multipart/form-data')) {
		if (!CSV_TYPES.some((t) => type.startsWith(t))) {
			throw refuse(
				new HttpError(
					415,
					'not_csv',
					`Send the extract as text/csv or as multipart/form-data with a "file" field, not ${type}.`
				)
			);
		}
	}
}

/**
 * Stream the request's CSV to a temp file. The caller removes `path` when done. `onBytes` hears
 * the body's bytes received so far as they arrive.
 */
export async function receiveUpload(
	request: Request,
	config: Config,
	onBytes?: (bytes: number) => void
): Promise<Received> {
	checkBeforeBody(request, config);
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const dest = tempFilePath(config);
	try {
		if (type.startsWith('multipart/form-data')) {
			if (!request.body) {
				throw new HttpError(400, 'empty_body', 'The request has no body: send the CSV file.');
			}
			// The boundary is case-sensitive (browsers send mixed case): busboy gets the header as sent.
			return await receiveMultipart(
				request,
				request.headers.get('content-type')!,
				dest,
				config,
				onBytes
			);
		}
		// A 0-byte file arrives as no body: loadExtract refuses it as empty, like any empty file.
		if (!request.body) fs.writeFileSync(dest, '');
		else {
			await pipeline(
				Readable.fromWeb(request.body as never),
				new Limit(config.maxUploadBytes, onBytes),
				fs.createWriteStream(dest)
			);
		}
		const name = new URL(request.url).searchParams.get('filename') ?? undefined;
		return { path: dest, fileName: safeFileName(name), fields: {} };
	} catch (err) {
		fs.rmSync(dest, { force: true });
		throw err;
	}
}

async function receiveMultipart(
	request: Request,
	type: string,
	dest: string,
	config: Config,
	onBytes?: (bytes: number) => void
): Promise<Received> {
	const fields: Record<string, string> = {};
	let fileName: string | undefined;
	let got = false;
	let writing: Promise<void> | undefined;
	const parser = busboy({
		headers: { 'content-type': type },
		limits: { files: 1, fields: 10, fieldSize: 1024, fileSize: config.maxUploadBytes }
	});
	const parsed = new Promise<void>((resolve, reject) => {
		parser.on('file', (name, stream, info) => {
			if (name !== 'file' || got) {
				stream.resume();
				return;
			}
			got = true;
			fileName = safeFileName(info.filename);
			stream.on('limit', () => stream.destroy(tooLarge(config.maxUploadBytes)));
			writing = pipeline(stream, fs.createWriteStream(dest));
			writing.catch(reject);
		});
		parser.on('field', (name, value) => {
			fields[name] = value;
		});
		parser.on('close', resolve);
		parser.on('error', reject);
	});
	// The form's own limit is busboy's (fileSize); this counts the body's bytes as they come.
	const counted = new Limit(Infinity, onBytes);
	await Promise.all([pipeline(Readable.fromWeb(request.body as never), counted, parser), parsed]);
	await writing;
	if (!got) {
		throw new HttpError(400, 'no_file', 'The form has no "file" field: attach the CSV as "file".');
	}
	return { path: dest, fileName, fields };
}
