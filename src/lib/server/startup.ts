// What the server does once at start: open the database, clear what a crash left, load the sample
// when empty, first admin.
import { getDb, type Db } from './db';
import { readConfig } from './config';
import { log } from './log';
import { removeUploadLeftovers } from './extracts/leftovers';
import { loadSampleIfEmpty } from './sample/load';
import { ensureFirstAdmin } from './auth/first-admin';
import { pruneSessions } from './auth/sessions';

export async function startup(): Promise<Db> {
	const config = readConfig();
	const db = await getDb(config.databasePath);
	// An upload cut short by a crash committed nothing; its temp file and partial archive go.
	const named = await db.all<{ p: string }>(
		'SELECT archive_path AS p FROM uploads WHERE archive_path IS NOT NULL'
	);
	const leftovers = removeUploadLeftovers(config.dataDir, new Set(named.map((r) => r.p)));
	if (leftovers.length)
		log().warn({ files: leftovers }, 'removed files left by interrupted uploads');
	// First start: a realistic synthetic data set, loaded exactly as uploads are (operations.md).
	await loadSampleIfEmpty(db, config);
	// Accounts: the first admin when there is no user; sessions idle past the timeout go.
	await ensureFirstAdmin(db);
	await pruneSessions(db);
	return db;
}
