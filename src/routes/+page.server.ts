import { getDb } from '$lib/server/db';
import { KIND_NAMES } from '$lib/server/extracts/contract';

export const load = async () => {
	const db = await getDb();
	const counts = [];
	for (const kind of KIND_NAMES) {
		// Table names come from the contract's allow-list, never from the request.
		const row = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${kind}`);
		counts.push({ kind, rows: row?.n ?? 0 });
	}
	return { counts };
};
