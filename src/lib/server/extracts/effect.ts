// What rolling an upload back, or restoring it, would do to its kind's current dataset, in rows: worked
// out from the history tables by the same rule as refreshCurrent, with that one upload's state flipped.
import type { Queryable } from '../db';
import { KINDS, type KindName } from './contract';

export interface ToggleEffect {
	action: 'rollback' | 'restore';
	id: string;
	kind: KindName;
	/** Rows in the current dataset now, and after the change. */
	before: number;
	after: number;
	/** Rows counted now that stop counting, by the upload they come from. */
	out: { upload: string; rows: number }[];
	/** Rows that start counting (a key new to the dataset, or another upload's version), by upload. */
	in: { upload: string; rows: number }[];
}

/** The effect of flipping upload `id`, or undefined when there is no such upload. */
export async function toggleEffect(db: Queryable, id: string): Promise<ToggleEffect | undefined> {
	const up = await db.one<{ kind: KindName; active: boolean }>(
		`SELECT kind, active FROM uploads WHERE id = $id`,
		{ id }
	);
	if (!up) return undefined;
	const kind = up.kind;
	// The kind comes from the uploads table and its key from the contract: identifiers, never input.
	const table = KINDS[kind].name;
	const key = KINDS[kind].key.join(', ');
	const rows = await db.all<{ now_seq: number | null; after_seq: number | null; n: number }>(
		`WITH up AS (
			SELECT seq, mode, CASE WHEN id = $id THEN NOT active ELSE active END AS active
			FROM uploads WHERE kind = $kind),
		after AS (
			SELECT upload_seq, ${key} FROM h_${table}
			WHERE upload_seq IN (SELECT seq FROM up WHERE active AND seq >= (
				SELECT coalesce(max(seq), 0) FROM up WHERE active AND mode = 'replace'))
			QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY upload_seq DESC) = 1)
		SELECT c.upload_seq AS now_seq, a.upload_seq AS after_seq, count(*)::INTEGER AS n
		FROM ${table} c FULL JOIN after a USING (${key})
		GROUP BY ALL`,
		{ id, kind }
	);
	const ids = new Map(
		(
			await db.all<{ seq: number; id: string }>(`SELECT seq, id FROM uploads WHERE kind = $kind`, {
				kind
			})
		).map((u) => [u.seq, u.id])
	);
	const out = new Map<string, number>();
	const into = new Map<string, number>();
	let before = 0;
	let after = 0;
	for (const r of rows) {
		if (r.now_seq !== null) before += r.n;
		if (r.after_seq !== null) after += r.n;
		if (r.now_seq === r.after_seq) continue;
		if (r.now_seq !== null) {
			const u = ids.get(r.now_seq)!;
			out.set(u, (out.get(u) ?? 0) + r.n);
		}
		if (r.after_seq !== null) {
			const u = ids.get(r.after_seq)!;
			into.set(u, (into.get(u) ?? 0) + r.n);
		}
	}
	const list = (m: Map<string, number>) =>
		[...m].map(([upload, n]) => ({ upload, rows: n })).sort((a, b) => b.rows - a.rows);
	return {
		action: up.active ? 'rollback' : 'restore',
		id,
		kind,
		before,
		after,
		out: list(out),
		in: list(into)
	};
}

const fmt = (n: number) => n.toLocaleString('en-GB');
const rowsWord = (n: number) => `${fmt(n)} ${n === 1 ? 'row' : 'rows'}`;
const sum = (xs: { rows: number }[]) => xs.reduce((s, x) => s + x.rows, 0);
/** "up9", or "up9 (1,000) and up7 (180)". */
const sources = (xs: { upload: string; rows: number }[]) =>
	xs.length === 1
		? xs[0].upload
		: xs
				.map((x) => `${x.upload} (${fmt(x.rows)})`)
				.join(', ')
				.replace(/, ([^,]*)$/, ' and $1');

/**
 * The effect in a sentence, e.g. "Rolling back up12 removes 1,204 rows from the current crimes dataset
 * and brings back 1,180 from up9; the dataset goes from 5,000 rows to 4,976 rows."
 */
export function describeEffect(e: ToggleEffect): string {
	const total = `the dataset goes from ${rowsWord(e.before)} to ${rowsWord(e.after)}`;
	if (!e.out.length && !e.in.length) {
		const verb = e.action === 'rollback' ? 'Rolling back' : 'Restoring';
		return `${verb} ${e.id} changes no row of the current ${e.kind} dataset.`;
	}
	if (e.action === 'rollback') {
		const back = e.in.length ? ` and brings back ${fmt(sum(e.in))} from ${sources(e.in)}` : '';
		return `Rolling back ${e.id} removes ${rowsWord(sum(e.out))} from the current ${e.kind} dataset${back}; ${total}.`;
	}
	const taken = e.out.length ? ` and takes out ${fmt(sum(e.out))} from ${sources(e.out)}` : '';
	return `Restoring ${e.id} puts ${rowsWord(sum(e.in))} into the current ${e.kind} dataset${taken}; ${total}.`;
}
