// How fresh each dataset is: latest month with data, rows, and the last upload (time and who).
import type { Queryable } from '../db';
import { latestDateSql } from '../extracts/as-of';
import { KIND_NAMES } from '../extracts/contract';
import { memo } from './cache';

export interface KindFreshness {
	kind: string;
	rows: number;
	/** Latest month with data (`YYYY-MM`), or for population/prevalence the latest year. */
	latest: string | null;
	last_upload_at: string | null;
	last_upload_by: string | null;
}

export interface DataFreshness {
	kinds: KindFreshness[];
	/** The newest active upload of any kind. */
	last_upload_at: string | null;
	last_upload_by: string | null;
}

// One fixed query per kind (table names are constants, never input): the latest month of its dates
// (latestDateSql, as the as-at date reads them), or for the reference kinds their latest year.
const LATEST: Record<string, string> = Object.fromEntries(
	KIND_NAMES.map((kind) => {
		const latest = latestDateSql(kind);
		const expr = latest ? `strftime(${latest}, '%Y-%m')` : 'max(year)::VARCHAR';
		return [kind, `SELECT count(*)::INTEGER AS n, ${expr} AS latest FROM ${kind}`];
	})
);

/** For the pages' "data last refreshed" line. */
async function computeDataFreshness(db: Queryable): Promise<DataFreshness> {
	const uploads = await db.all<{ kind: string; at: string; by: string }>(
		`SELECT kind, max(uploaded_at) AS at, arg_max(uploaded_by, uploaded_at) AS by
		 FROM uploads WHERE active GROUP BY kind`
	);
	const byKind = new Map(uploads.map((u) => [u.kind, u]));
	const kinds: KindFreshness[] = [];
	for (const [kind, sql] of Object.entries(LATEST)) {
		const r = (await db.one<{ n: number; latest: string | null }>(sql))!;
		const u = byKind.get(kind);
		kinds.push({
			kind,
			rows: r.n,
			latest: r.latest,
			last_upload_at: u?.at ?? null,
			last_upload_by: u?.by ?? null
		});
	}
	const newest = [...uploads].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
	return { kinds, last_upload_at: newest?.at ?? null, last_upload_by: newest?.by ?? null };
}

/** Kept until the data changes (cache.ts). */
export const dataFreshness = memo('dataFreshness', computeDataFreshness);
