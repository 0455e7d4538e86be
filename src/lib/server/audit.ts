// The append-only audit log: who did what, when, from where. Nothing here updates or deletes.
import type { Queryable } from './db';
import { csvCell, toCsv } from '../csv';

/** Every action the log records; the admin page offers these as a filter. */
export const AUDIT_ACTIONS = [
	'sign_in',
	'sign_in_failed',
	'sign_out',
	'password_changed',
	'user_created',
	'user_roles_changed',
	'user_disabled',
	'user_enabled',
	'password_reset',
	'token_created',
	'token_revoked',
	'upload',
	'upload_refused',
	'upload_cancelled',
	'rollback',
	'restore',
	'mapping_saved',
	'purge_files',
	'publication',
	'revision',
	'withdrawal',
	'settings_changed'
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
	actor: string | null;
	action: AuditAction;
	target?: string | null;
	address?: string | null;
	details?: Record<string, unknown>;
}

/** Append one entry. Pass the transaction when the audited change is written in one. */
export async function audit(conn: Queryable, entry: AuditEntry): Promise<void> {
	await conn.run(
		`INSERT INTO audit_log (actor, action, target, address, details)
		 VALUES ($actor, $action, $target, $address, $details::JSON)`,
		{
			actor: entry.actor,
			action: entry.action,
			target: entry.target ?? null,
			address: entry.address ?? null,
			details: JSON.stringify(entry.details ?? {})
		}
	);
}

// ---- Reading the log (admin page, CSV export) ----

export interface AuditFilter {
	action?: string;
	/** Exact actor name. */
	actor?: string;
	/** Inclusive dates, YYYY-MM-DD, as days in Europe/London. */
	from?: string;
	to?: string;
}

export interface AuditRecord {
	id: number;
	occurred_at: string;
	actor: string | null;
	action: string;
	target: string | null;
	address: string | null;
	details: string;
}

export const AUDIT_PAGE_SIZE = 50;
/** The export is for an auditor's spreadsheet, not a dump: beyond this, narrow the filter. */
export const AUDIT_EXPORT_LIMIT = 100_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
	if (!DATE.test(s)) return false;
	const d = new Date(s + 'T00:00:00Z');
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Read a filter from query parameters; problems name the parameter and how to fix it. */
export function parseAuditFilter(params: URLSearchParams): {
	filter: AuditFilter;
	page: number;
	errors: { field: string; message: string }[];
} {
	const errors: { field: string; message: string }[] = [];
	const filter: AuditFilter = {};
	const action = params.get('action')?.trim();
	if (action) {
		if ((AUDIT_ACTIONS as readonly string[]).includes(action)) filter.action = action;
		else errors.push({ field: 'action', message: `"${action}" is not an action the log records.` });
	}
	const actor = params.get('actor')?.trim();
	if (actor) filter.actor = actor.slice(0, 100);
	for (const key of ['from', 'to'] as const) {
		const v = params.get(key)?.trim();
		if (!v) continue;
		if (validDate(v)) filter[key] = v;
		else errors.push({ field: key, message: `"${v}" is not a date: use YYYY-MM-DD.` });
	}
	if (filter.from && filter.to && filter.from > filter.to) {
		errors.push({ field: 'from', message: 'The "from" date is after the "to" date.' });
	}
	const pageRaw = Number(params.get('page') || 1);
	const page = Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1;
	return { filter, page, errors };
}

const WHERE = `
	WHERE ($action IS NULL OR action = $action)
	  AND ($actor IS NULL OR actor = $actor)
	  AND ($from IS NULL OR timezone('Europe/London', occurred_at)::DATE >= $from::DATE)
	  AND ($to IS NULL OR timezone('Europe/London', occurred_at)::DATE <= $to::DATE)`;

function bind(filter: AuditFilter) {
	return {
		action: filter.action ?? null,
		actor: filter.actor ?? null,
		from: filter.from ?? null,
		to: filter.to ?? null
	};
}

const COLUMNS = `id, occurred_at, actor, action, target, address, details::VARCHAR AS details`;

/** One page of entries, newest first, and the total matching the filter. */
export async function queryAudit(
	db: Queryable,
	filter: AuditFilter,
	page = 1,
	pageSize = AUDIT_PAGE_SIZE
): Promise<{ rows: AuditRecord[]; total: number; page: number; pages: number }> {
	const params = bind(filter);
	const totalRow = await db.one<{ n: number }>(
		`SELECT count(*)::INTEGER AS n FROM audit_log ${WHERE}`,
		params
	);
	const total = totalRow?.n ?? 0;
	const pages = Math.max(1, Math.ceil(total / pageSize));
	const current = Math.min(Math.max(1, page), pages);
	const rows = await db.all<AuditRecord>(
		`SELECT ${COLUMNS} FROM audit_log ${WHERE} ORDER BY id DESC LIMIT $limit OFFSET $offset`,
		{ ...params, limit: pageSize, offset: (current - 1) * pageSize }
	);
	return { rows, total, page: current, pages };
}

export { csvCell, toCsv };

/** The filtered log as CSV, oldest first (the order an auditor reads it). */
export async function auditCsv(db: Queryable, filter: AuditFilter): Promise<string> {
	const rows = await db.all<AuditRecord>(
		`SELECT ${COLUMNS} FROM audit_log ${WHERE} ORDER BY id LIMIT ${AUDIT_EXPORT_LIMIT}`,
		bind(filter)
	);
	return toCsv(
		['id', 'occurred_at', 'actor', 'action', 'target', 'address', 'details'],
		rows.map((r) => [r.id, r.occurred_at, r.actor, r.action, r.target, r.address, r.details])
	);
}
