// The byte checks of an uploaded file, in one streaming pass: size, checksum, control characters,
// encoding (UTF-8, else clean Windows-1252), the header record, and where each record starts.
import crypto from 'node:crypto';
import fs from 'node:fs';

/** A record whose field count differs from the header's (line = where the record starts). */
export interface RaggedRow {
	line: number;
	fields: number;
}

export interface ScanResult {
	bytes: number;
	sha256: string;
	/** The file starts with a UTF-8 byte-order mark. */
	bom: boolean;
	/** 'utf-8' when valid UTF-8; 'windows-1252' when it is not but decodes cleanly as that. */
	encoding: 'utf-8' | 'windows-1252';
	/** The header record's fields as written (decoded, not yet normalised); [] for an empty file. */
	header: string[];
	/** Data records (blank lines between records are not records). */
	records: number;
	/**
	 * Starting line of each data record (index 0 = first data row), kept only when it differs from
	 * "record index + 2": a quoted field spans lines, or blank lines were skipped.
	 */
	recordLines?: Int32Array;
	/** The first few ragged records and how many there are in all. */
	ragged: RaggedRow[];
	raggedCount: number;
	/** The file ends inside a quoted field. */
	unterminatedQuoteLine?: number;
}

/** Why the bytes cannot be read as a text CSV. */
export type ScanRefusal =
	| { reason: 'too_large'; bytes: number; limit: number }
	| { reason: 'empty' }
	| { reason: 'control_char'; line: number; byte: number }
	| { reason: 'bad_encoding'; line: number; byte: number }
	/** A line ends in CR alone (classic Mac), outside quotes: extracts.md allows LF or CRLF. */
	| { reason: 'cr_line_ends'; line: number };

export class ScanError extends Error {
	constructor(readonly refusal: ScanRefusal) {
		super(refusal.reason);
		this.name = 'ScanError';
	}
}

// Bytes that Windows-1252 leaves undefined: a file holding them is neither UTF-8 nor 1252.
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
const RAGGED_KEEP = 1000;
const HEADER_MAX = 1 << 20;

/**
 * Scan the file at `filePath` once. Throws ScanError when the bytes are refused (too large, empty,
 * binary, or in an unknown encoding), with the line of the first offending byte. `onChunk` hears
 * the bytes read so far after each chunk (progress for a large file).
 */
export async function scanFile(
	filePath: string,
	maxBytes: number,
	onChunk?: (bytesRead: number) => void
): Promise<ScanResult> {
	const size = fs.statSync(filePath).size;
	if (size > maxBytes) throw new ScanError({ reason: 'too_large', bytes: size, limit: maxBytes });
	const hash = crypto.createHash('sha256');

	let line = 1;
	let offset = 0;
	// UTF-8 validation state: continuation bytes still expected and the allowed range of the next.
	let need = 0;
	let lo = 0x80;
	let hi = 0xbf;
	let utf8BadLine = 0;
	let utf8BadByte = 0;
	let cp1252Clean = true;
	let bom = false;
	let visible = false;
	// A CR outside quotes whose LF has not come yet (it may be in the next chunk).
	let crPending = false;

	// CSV structure: quote state, fields in the current record, whether it has any content yet.
	let inQuotes = false;
	let fields = 1;
	let content = false;
	let recordLine = 1;
	let recordIndex = -1; // -1 = the header record
	let headerFields = 0;
	const headerBytes: number[] = [];
	let headerDone = false;
	let lines = new Int32Array(1024);
	let deviates = false;
	const ragged: RaggedRow[] = [];
	let raggedCount = 0;

	const endRecord = () => {
		if (recordIndex === -1) {
			headerFields = fields;
			headerDone = true;
		} else {
			if (recordIndex >= lines.length) {
				const grown = new Int32Array(lines.length * 2);
				grown.set(lines);
				lines = grown;
			}
			lines[recordIndex] = recordLine;
			if (recordLine !== recordIndex + 2) deviates = true;
			if (fields !== headerFields) {
				raggedCount++;
				if (ragged.length < RAGGED_KEEP) ragged.push({ line: recordLine, fields });
			}
		}
		recordIndex++;
	};

	const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		hash.update(chunk);
		let start = 0;
		if (
			offset === 0 &&
			chunk.length >= 3 &&
			chunk[0] === 0xef &&
			chunk[1] === 0xbb &&
			chunk[2] === 0xbf
		) {
			bom = true;
			start = 3;
		}
		const end = chunk.length;
		for (let i = start; i < end; i++) {
			const b = chunk[i];
			// Most bytes are printable ASCII other than a quote or comma: such a run only says the
			// record has content, so it is skipped in a tight loop (once past the header, with no
			// line end or UTF-8 sequence pending).
			if (b > 0x22 && b < 0x7f && b !== 0x2c && headerDone && need === 0 && !crPending) {
				let j = i + 1;
				while (j < end) {
					const c = chunk[j];
					if (c <= 0x22 || c >= 0x7f || c === 0x2c) break;
					j++;
				}
				content = true;
				visible = true;
				i = j - 1;
				continue;
			}
			if (crPending) {
				if (b !== 0x0a) throw new ScanError({ reason: 'cr_line_ends', line });
				crPending = false;
			}
			if (!headerDone && headerBytes.length < HEADER_MAX) headerBytes.push(b);
			if (b < 0x80) {
				if (need > 0 && !utf8BadLine) {
					utf8BadLine = line;
					utf8BadByte = offset + i;
				}
				need = 0;
				if (b < 0x20 || b === 0x7f) {
					if (b === 0x0a) {
						line++;
						if (!inQuotes) {
							// A blank line between records is skipped (DuckDB does the same).
							if (content || headerFields <= 1 || recordIndex === -1) endRecord();
							fields = 1;
							content = false;
							recordLine = line;
						}
						continue;
					}
					if (b === 0x0d) {
						if (!inQuotes) crPending = true;
						continue;
					}
					if (b !== 0x09) {
						throw new ScanError({ reason: 'control_char', line, byte: offset + i });
					}
				} else if (b === 0x22) {
					inQuotes = !inQuotes;
				} else if (b === 0x2c && !inQuotes) {
					fields++;
				}
				if (b !== 0x20 && b !== 0x09) visible = true;
				content = true;
				continue;
			}
			content = true;
			visible = true;
			if (UNDEFINED_1252.has(b)) cp1252Clean = false;
			if (utf8BadLine) continue;
			if (need === 0) {
				if (b >= 0xc2 && b <= 0xdf) {
					need = 1;
				} else if (b === 0xe0) {
					need = 2;
					lo = 0xa0;
				} else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) {
					need = 2;
				} else if (b === 0xed) {
					need = 2;
					hi = 0x9f;
				} else if (b === 0xf0) {
					need = 3;
					lo = 0x90;
				} else if (b >= 0xf1 && b <= 0xf3) {
					need = 3;
				} else if (b === 0xf4) {
					need = 3;
					hi = 0x8f;
				} else {
					utf8BadLine = line;
					utf8BadByte = offset + i;
				}
			} else if (b < lo || b > hi) {
				utf8BadLine = line;
				utf8BadByte = offset + i;
				need = 0;
			} else {
				need--;
				lo = 0x80;
				hi = 0xbf;
			}
		}
		offset += chunk.length;
		onChunk?.(offset);
	}
	if (need > 0 && !utf8BadLine) {
		utf8BadLine = line;
		utf8BadByte = offset - 1;
	}
	if (content) endRecord();

	if (!visible) {
		throw new ScanError({ reason: 'empty' });
	}
	let encoding: ScanResult['encoding'] = 'utf-8';
	if (utf8BadLine) {
		if (!cp1252Clean) {
			throw new ScanError({ reason: 'bad_encoding', line: utf8BadLine, byte: utf8BadByte });
		}
		encoding = 'windows-1252';
	}
	const headerText = new TextDecoder(encoding).decode(Uint8Array.from(headerBytes));
	const records = Math.max(recordIndex, 0);
	return {
		bytes: offset,
		sha256: hash.digest('hex'),
		bom,
		encoding,
		header: splitCsvRecord(headerText),
		records,
		recordLines: deviates ? lines.slice(0, records) : undefined,
		ragged,
		raggedCount,
		unterminatedQuoteLine: inQuotes ? recordLine : undefined
	};
}

/** Split one CSV record (RFC 4180 quoting) into its fields; a trailing line end is ignored. */
export function splitCsvRecord(text: string): string[] {
	const out: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			out.push(field);
			field = '';
		} else if (ch === '\n') break;
		else if (ch !== '\r') field += ch;
	}
	out.push(field);
	return out;
}

/** Write a UTF-8 copy of a Windows-1252 file (streaming; no BOM). */
export async function transcode1252(src: string, dest: string): Promise<void> {
	const decoder = new TextDecoder('windows-1252');
	const out = fs.createWriteStream(dest);
	const done = new Promise<void>((resolve, reject) => {
		out.on('finish', resolve);
		out.on('error', reject);
	});
	for await (const chunk of fs.createReadStream(src, {
		highWaterMark: 1 << 20
	}) as AsyncIterable<Buffer>) {
		if (!out.write(decoder.decode(chunk, { stream: true }))) {
			await new Promise<void>((r) => out.once('drain', () => r()));
		}
	}
	out.end(decoder.decode());
	await done;
}
