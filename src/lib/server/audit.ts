// The append-only audit log: who did what, when, from where. Nothing here updates or deletes.
import type { Queryable } from './db';

export type AuditAction =
	| 'sign_in'
	| 'sign_in_failed'
	| 'sign_out'
	| 'password_changed'
	| 'user_created'
	| 'user_roles_changed'
	| 'user_disabled'
	| 'user_enabled'
	| 'password_reset'
	| 'token_created'
	| 'token_revoked'
	| 'upload'
	| 'upload_refused'
	| 'rollback'
	| 'restore'
	| 'publication'
	| 'withdrawal'
	| 'settings_changed';

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
