// Receiving an uploaded extract over HTTP: the request body streams to a temp file under DATA_DIR/tmp
// (text/csv body, or the `file` field of a multipart form), never held whole in memory, and stops
// at MAX_UPLOAD_MB with 413.
import fs from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Config } from '../config';
import { safeFileName } from '../download';
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

/** Counts bytes and fails the stream once they pass the limit. */
class Limit extends Transform {
	bytes = 0;
	constructor(private readonly limit: number) {
		super();
	}
	_transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
		this.bytes += chunk.length;
		if (this.bytes > this.limit) done(tooLarge(this.limit));
		else done(null, chunk);
	}
}

/** Stream the request's CSV to a temp file. The caller removes `path` when done. */
export async function receiveUpload(request: Request, config: Config): Promise<Received> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > config.maxUploadBytes + 64 * 1024) {
		throw tooLarge(config.maxUploadBytes);
	}
	const dest = tempFilePath(config);
	try {
		if (type.startsWith('multipart/form-data')) {
			if (!request.body) {
				throw new HttpError(400, 'empty_body', 'The request has no body: send the CSV file.');
			}
			// The boundary is case-sensitive (browsers send mixed case): busboy gets the header as sent.
			return await receiveMultipart(request, request.headers.get('content-type')!, dest, config);
		}
		if (
			type === '' ||
			type.startsWith('text/csv') ||
			type.startsWith('text/plain') ||
			type.startsWith('application/csv') ||
			type.startsWith('application/vnd.ms-excel') ||
			type.startsWith('application/octet-stream')
		) {
			// A 0-byte file arrives as no body: loadExtract refuses it as empty, like any empty file.
			if (!request.body) fs.writeFileSync(dest, '');
			else {
				await pipeline(
					Readable.fromWeb(request.body as never),
					new Limit(config.maxUploadBytes),
					fs.createWriteStream(dest)
				);
			}
			const name = new URL(request.url).searchParams.get('filename') ?? undefined;
			return { path: dest, fileName: safeFileName(name), fields: {} };
		}
		throw new HttpError(
			415,
			'not_csv',
			`Send the extract as text/csv or as multipart/form-data with a "file" field, not ${type}.`
		);
	} catch (err) {
		fs.rmSync(dest, { force: true });
		throw err;
	}
}

async function receiveMultipart(
	request: Request,
	type: string,
	dest: string,
	config: Config
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
	await Promise.all([pipeline(Readable.fromWeb(request.body as never), parser), parsed]);
	await writing;
	if (!got) {
		throw new HttpError(400, 'no_file', 'The form has no "file" field: attach the CSV as "file".');
	}
	return { path: dest, fileName, fields };
}
