// What the audit log records as the target of a failed sign-in. A name typed for an account that
// does not exist is often a password typed into the wrong box, so it is never stored as text: a
// keyed hash (HMAC-SHA256) lets an admin see that the same unknown name was tried again, and
// nothing more. The key is made once per database and kept in its settings table.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db';

/** The settings row holding the key (not one of the admin's settings; settings.ts ignores it). */
export const AUDIT_NAME_KEY_SETTING = 'audit_name_key';
/** How an unknown name appears in the audit log: this prefix and 16 hex digits of the HMAC. */
export const UNKNOWN_NAME_PREFIX = 'unknown:';

const keys = new WeakMap<Db, Promise<Buffer>>();

async function readKey(db: Db): Promise<string | undefined> {
	const row = await db.one<{ value: string }>(
		'SELECT value::VARCHAR AS value FROM settings WHERE key = $key',
		{ key: AUDIT_NAME_KEY_SETTING }
	);
	return row ? (JSON.parse(row.value) as string) : undefined;
}

/** The database's audit-name key, created on first use (a second writer's key loses the race). */
export function auditNameKey(db: Db): Promise<Buffer> {
	let key = keys.get(db);
	if (!key) {
		key = (async () => {
			let hex = await readKey(db);
			if (!hex) {
				await db.write((tx) =>
					tx.run(
						`INSERT INTO settings (key, value, updated_at, updated_by)
						 VALUES ($key, $value::JSON, current_timestamp, 'system')
						 ON CONFLICT (key) DO NOTHING`,
						{ key: AUDIT_NAME_KEY_SETTING, value: JSON.stringify(randomBytes(32).toString('hex')) }
					)
				);
				hex = await readKey(db);
			}
			return Buffer.from(hex!, 'hex');
		})();
		key.catch(() => keys.delete(db));
		keys.set(db, key);
	}
	return key;
}

/** `unknown:` and the first 16 hex digits of HMAC-SHA256(key, name). */
export async function unknownNameTarget(db: Db, name: string): Promise<string> {
	const mac = createHmac('sha256', await auditNameKey(db))
		.update(name, 'utf8')
		.digest('hex');
	return UNKNOWN_NAME_PREFIX + mac.slice(0, 16);
}

/** The audit target for a sign-in attempt as `name`: the name itself only if the account exists. */
export async function signInTarget(db: Db, name: string, known?: boolean): Promise<string> {
	const exists =
		known ??
		(await db.one<{ n: number }>('SELECT 1 AS n FROM users WHERE name = $name', { name })) !==
			undefined;
	return exists ? name : unknownNameTarget(db, name);
}
