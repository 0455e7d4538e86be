// The Extracts page's upload history: loaded uploads (uploads table) and refused ones (their audit rows),
// filtered by kind, status and uploader from the URL, with a clear message for a value that is not one.
import type { Queryable } from '../db';
import { KINDS, isKindName, type KindName } from './contract';
import { refusedHref } from './refused';
import { listUploads } from './uploads';

export const HISTORY_STATUSES = ['active', 'rolled_back', 'refused', 'purged'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];
export const STATUS_LABELS: Record<HistoryStatus, string> = {
	active: 'Active',
	rolled_back: 'Rolled back',
	refused: 'Refused',
	purged: 'File purged'
};

/** One line of the history: an upload that loaded, or a refused attempt (id null: nothing was stored). */
export interface HistoryRow {
	id: string | null;
	kind: string | null;
	file_name: string | null;
	mode: string | null;
	rows: number | null;
	inserted: number | null;
	replaced: number | null;
	uploaded_by: string;
	uploaded_at: string;
	/** Every status the row has: a purged upload is also active or rolled back. */
	statuses: HistoryStatus[];
	/** A refusal's code, e.g. invalid_rows. */
	refusal: string | null;
	/** A refused attempt's stored report (refused.ts), when its rows were read; else null. */
	report: string | null;
	/** The page of that report, e.g. /extracts/refused/rf3; null without one. */
	report_href: string | null;
}

export interface HistoryFilter {
	kind: string;
	status: string;
	by: string;
}

const isStatus = (v: string): v is HistoryStatus =>
	(HISTORY_STATUSES as readonly string[]).includes(v);

/** Refused attempts, newest first; the audit row holds who, which file, the kind if given, and why. */
async function refusals(db: Queryable): Promise<HistoryRow[]> {
	const rows = await db.all<{
		actor: string | null;
		target: string | null;
		occurred_at: string;
		file_name: string | null;
		code: string | null;
		report: string | null;
	}>(
		`SELECT actor, target, occurred_at, details->>'file_name' AS file_name, details->>'code' AS code,
			details->>'report' AS report
		 FROM audit_log WHERE action = 'upload_refused' ORDER BY id DESC`
	);
	return rows.map((r) => ({
		id: null,
		kind: r.target,
		file_name: r.file_name,
		mode: null,
		rows: null,
		inserted: null,
		replaced: null,
		uploaded_by: r.actor ?? '',
		uploaded_at: String(r.occurred_at),
		statuses: ['refused'],
		refusal: r.code,
		report: refusedHref(r.report) ? r.report : null,
		report_href: refusedHref(r.report)
	}));
}

/** The history as the URL's ?kind=, ?status= and ?by= ask for it, newest first. */
export async function readHistory(
	db: Queryable,
	params: URLSearchParams
): Promise<{
	rows: HistoryRow[];
	filter: HistoryFilter;
	uploaders: string[];
	errors: { field: string; message: string }[];
}> {
	const errors: { field: string; message: string }[] = [];
	const askedKind = params.get('kind') ?? '';
	const askedStatus = params.get('status') ?? '';
	const askedBy = (params.get('by') ?? '').trim();
	const kind: KindName | '' = isKindName(askedKind) ? askedKind : '';
	if (askedKind && !kind) {
		errors.push({
			field: 'filter-kind',
			message: `"${askedKind.slice(0, 40)}" is not a kind of extract; showing every kind.`
		});
	}
	const status: HistoryStatus | '' = isStatus(askedStatus) ? askedStatus : '';
	if (askedStatus && !status) {
		errors.push({
			field: 'filter-status',
			message: `"${askedStatus.slice(0, 40)}" is not a status; use ${HISTORY_STATUSES.join(', ')}. Showing every status.`
		});
	}
	const loaded: HistoryRow[] = (await listUploads(db)).map((u) => ({
		id: u.id,
		kind: u.kind,
		file_name: u.file_name,
		mode: u.mode,
		rows: u.rows,
		inserted: u.inserted,
		replaced: u.replaced,
		uploaded_by: u.uploaded_by,
		uploaded_at: u.uploaded_at,
		statuses: [
			u.active ? 'active' : 'rolled_back',
			...(u.file_purged_at ? ['purged' as const] : [])
		],
		refusal: null,
		report: null,
		report_href: null
	}));
	const all = [...loaded, ...(await refusals(db))].sort((a, b) =>
		a.uploaded_at < b.uploaded_at ? 1 : a.uploaded_at > b.uploaded_at ? -1 : 0
	);
	const uploaders = [...new Set(all.map((r) => r.uploaded_by).filter(Boolean))].sort();
	const by = uploaders.includes(askedBy) ? askedBy : '';
	if (askedBy && !by) {
		errors.push({
			field: 'filter-by',
			message: `No upload was made by "${askedBy.slice(0, 40)}"; showing every uploader.`
		});
	}
	const rows = all.filter(
		(r) =>
			(!kind || r.kind === kind) &&
			(!status || r.statuses.includes(status)) &&
			(!by || r.uploaded_by === by)
	);
	return { rows, filter: { kind, status, by }, uploaders, errors };
}

/** The filter in words for the table's caption, e.g. "Refused crimes uploads by analyst1". */
export function describeFilter(f: HistoryFilter): string {
	const parts = [
		f.status ? STATUS_LABELS[f.status as HistoryStatus] : '',
		f.kind && isKindName(f.kind) ? KINDS[f.kind].label.toLowerCase() : ''
	].filter(Boolean);
	const head = parts.length ? `${parts.join(' ')} uploads` : 'Every upload';
	return (
		head.charAt(0).toUpperCase() + head.slice(1) + (f.by ? ` by ${f.by}` : '') + ', newest first'
	);
}
