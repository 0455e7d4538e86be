// Admin index: the links, and the last backup (src/lib/server/backup.ts records each one).
import { getDb } from '$lib/server/db';
import { lastBackups } from '$lib/server/backup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	return { backups: await lastBackups(await getDb()) };
};
