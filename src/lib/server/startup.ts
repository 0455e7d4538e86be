// What the server does once at start: open the database, load the sample when empty, first admin.
import { getDb, type Db } from './db';
import { readConfig } from './config';
import { loadSampleIfEmpty } from './sample/load';

export async function startup(): Promise<Db> {
	const config = readConfig();
	const db = await getDb(config.databasePath);
	// First start: a realistic synthetic data set, loaded exactly as uploads are (operations.md).
	await loadSampleIfEmpty(db, config);
	return db;
}
