// A content checksum of every dataset table (current and history) and of the upload history, read
// straight from a database file, so a test can show that nothing in them changed.
import { KIND_NAMES } from '../../src/lib/server/extracts/contract';
import { openDb, type Queryable } from '../../src/lib/server/db';

export type Checksums = Record<string, { rows: number; md5: string }>;

export const CHECKED_TABLES = [...KIND_NAMES, ...KIND_NAMES.map((k) => `h_${k}`), 'uploads'];

/** Rows and an MD5 of every row (as text, sorted) of each table in CHECKED_TABLES. */
export async function tableChecksums(db: Queryable): Promise<Checksums> {
	const out: Checksums = {};
	for (const table of CHECKED_TABLES) {
		const row = await db.one<{ rows: number; md5: string }>(
			`SELECT count(*)::INTEGER AS rows,
				md5(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR), '')) AS md5
			 FROM ${table} t`
		);
		out[table] = row!;
	}
	return out;
}

/** The same, from a database no server holds open (stop or kill the server first). */
export async function fileChecksums(dbPath: string, dataDir: string): Promise<Checksums> {
	const db = await openDb(dbPath, { dataDir });
	try {
		return await tableChecksums(db);
	} finally {
		await db.close();
	}
}
