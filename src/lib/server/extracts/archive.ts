// The archived original (extracts.md "File rules"): the file compressed as sent, or, when it has
// extra columns, only the contract's columns; written beside the upload's final name until it commits.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Queryable } from '../db';
import { columnNames, type KindName } from './contract';
import type { Staging } from './validate';

export async function gzipTo(src: string, dest: string): Promise<void> {
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
export async function archiveContractColumns(
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

export async function gunzippedSha256(file: string): Promise<string> {
	const hash = crypto.createHash('sha256');
	for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) hash.update(chunk);
	return hash.digest('hex');
}
