// What the server does once at start: open the database, load the sample when empty, first admin.
import { getDb, type Db } from './db';
import { readConfig } from './config';

export async function startup(): Promise<Db> {
	const config = readConfig();
	const db = await getDb(config.databasePath);
	return db;
}
