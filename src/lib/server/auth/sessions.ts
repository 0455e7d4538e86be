// Server-side sessions in DuckDB: the cookie holds a random id, the table only its sha256.
// A session ends when idle too long or when its absolute lifetime is over (both are settings).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { audit } from '../audit';
import { DEFAULT_SETTINGS, sessionLimits } from '../settings';
import type { Role } from './routes';

export const SESSION_COOKIE = 'session';
/** The default idle timeout (setting `session_idle_minutes`): a session not used this long is over. */
export const IDLE_TIMEOUT_MS = DEFAULT_SETTINGS.session_idle_minutes * 60 * 1000;
/** The default absolute lifetime (setting `session_lifetime_hours`), however busy the session. */
export const SESSION_LIFETIME_MS = DEFAULT_SETTINGS.session_lifetime_hours * 60 * 60 * 1000;
// Refreshing last_seen_at on every request would queue a write per page view; a minute's
// precision on a 30-minute timeout costs little.
const TOUCH_AFTER_MS = 60 * 1000;

/** Limits given by a caller (tests), else read from the settings. */
interface Limits {
	now?: Date;
	idleMs?: number;
	lifetimeMs?: number;
}

async function limits(db: Db, options: Limits) {
	const stored =
		options.idleMs === undefined || options.lifetimeMs === undefined
			? await sessionLimits(db)
			: undefined;
	return {
		now: options.now ?? new Date(),
		idleMs: options.idleMs ?? stored!.idleMs,
		lifetimeMs: options.lifetimeMs ?? stored!.lifetimeMs
	};
}

/** The signed-in user as `event.locals.user` carries it. */
export interface SignedInUser {
	name: string;
	roles: Role[];
	mustChangePassword: boolean;
}

export function sha256(value: string): string {
	return createHash('sha256').update(value).digest('hex');
}

/** Start a session for `userName`, ending `replacing` (the id the browser had) in the same step. */
export async function createSession(
	db: Db,
	input: { userName: string; address?: string | null; replacing?: string; now?: Date }
): Promise<string> {
	const id = randomBytes(32).toString('base64url');
	const now = (input.now ?? new Date()).toISOString();
	await db.write(
		async (tx) => {
			if (input.replacing) {
				await tx.run('DELETE FROM sessions WHERE id_hash = $hash', {
					hash: sha256(input.replacing)
				});
			}
			await tx.run(
				`INSERT INTO sessions (id_hash, user_name, created_at, last_seen_at, address)
			 VALUES ($hash, $name, $now::TIMESTAMPTZ, $now::TIMESTAMPTZ, $address)`,
				{ hash: sha256(id), name: input.userName, now, address: input.address ?? null }
			);
		},
		{ figures: false }
	);
	return id;
}

/**
 * The user a session id belongs to, or null when the id is unknown, idle for longer than the
 * timeout, older than its lifetime, or the user is disabled. An expired session is deleted; a
 * live one is kept alive (up to its lifetime).
 */
export async function sessionUser(
	db: Db,
	id: string | undefined,
	options: Limits = {}
): Promise<SignedInUser | null> {
	if (!id || id.length > 100) return null;
	const { now, idleMs, lifetimeMs } = await limits(db, options);
	const hash = sha256(id);
	const row = await db.one<{
		name: string;
		roles: Role[];
		must_change_password: boolean;
		disabled: boolean;
		created_at: string;
		last_seen_at: string;
	}>(
		`SELECT u.name, u.roles, u.must_change_password, u.disabled, s.created_at, s.last_seen_at
		 FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = $hash`,
		{ hash }
	);
	if (!row) return null;
	const idle = now.getTime() - Date.parse(row.last_seen_at);
	const age = now.getTime() - Date.parse(row.created_at);
	if (idle > idleMs || age > lifetimeMs || row.disabled) {
		await endSession(db, id);
		return null;
	}
	if (idle > TOUCH_AFTER_MS) {
		await db.write(
			(tx) =>
				tx.run('UPDATE sessions SET last_seen_at = $now::TIMESTAMPTZ WHERE id_hash = $hash', {
					hash,
					now: now.toISOString()
				}),
			{ figures: false }
		);
	}
	return { name: row.name, roles: row.roles, mustChangePassword: row.must_change_password };
}

export async function endSession(db: Db, id: string): Promise<void> {
	await db.write(
		(tx) => tx.run('DELETE FROM sessions WHERE id_hash = $hash', { hash: sha256(id) }),
		{ figures: false }
	);
}

/** Remove sessions idle or alive past the limits (called at start; expired ones also go on use). */
export async function pruneSessions(db: Db, options: Limits = {}) {
	const { now, idleMs, lifetimeMs } = await limits(db, options);
	await db.write(
		(tx) =>
			tx.run(
				`DELETE FROM sessions WHERE last_seen_at < $idle::TIMESTAMPTZ
			 OR created_at < $born::TIMESTAMPTZ`,
				{
					idle: new Date(now.getTime() - idleMs).toISOString(),
					born: new Date(now.getTime() - lifetimeMs).toISOString()
				}
			),
		{ figures: false }
	);
}

/** Sign out: end the session and record who signed out, from where. */
export async function signOut(db: Db, id: string, address: string | null): Promise<void> {
	const hash = sha256(id);
	await db.write(
		async (tx) => {
			const row = await tx.one<{ user_name: string }>(
				'SELECT user_name FROM sessions WHERE id_hash = $hash',
				{ hash }
			);
			if (!row) return;
			await tx.run('DELETE FROM sessions WHERE id_hash = $hash', { hash });
			await audit(tx, { actor: row.user_name, action: 'sign_out', target: row.user_name, address });
		},
		{ figures: false }
	);
}
