// Personal API tokens: shown once, stored as a sha256, labelled, revocable, expiring, carrying the
// owner's roles.
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db';
import { audit } from '../audit';
import { AuthError } from './errors';
import { sha256, type SignedInUser } from './sessions';
import { normaliseName } from './users';
import type { Role } from './routes';

/** A recognisable prefix lets secret scanners and people spot a leaked token. */
export const TOKEN_PREFIX = 'spd_';
const TOUCH_AFTER_MS = 60 * 1000;
/** A token works for this many days from its creation unless another term is asked for. */
export const TOKEN_LIFETIME_DAYS = 90;
/** The longest term a token may be given. */
export const MAX_TOKEN_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TokenInfo {
	id: string;
	userName: string;
	label: string | null;
	createdAt: string;
	createdBy: string;
	/** After this instant the token is refused (401), like a revoked one. */
	expiresAt: string;
	lastUsedAt: string | null;
	revokedAt: string | null;
	revokedBy: string | null;
}

/**
 * Make a token for `userName`. The token itself is returned here only; the database keeps its
 * sha256 (enough for 256 random bits, which no one can guess or brute-force from the hash).
 */
export async function createToken(
	db: Db,
	input: {
		userName: string;
		label?: string | null;
		actor: string;
		address?: string | null;
		/** Days from now until it expires (default TOKEN_LIFETIME_DAYS). */
		days?: number;
		now?: Date;
	}
): Promise<{ id: string; token: string; expiresAt: string }> {
	const userName = normaliseName(input.userName);
	const label = input.label?.trim() || null;
	if (label && label.length > 100) {
		throw new AuthError('Keep the label to 100 characters or fewer.', 'label');
	}
	const days = input.days ?? TOKEN_LIFETIME_DAYS;
	if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
		throw new AuthError(
			`A token lasts a whole number of days from 1 to ${MAX_TOKEN_DAYS}; ${TOKEN_LIFETIME_DAYS} if not given.`,
			'days'
		);
	}
	const now = input.now ?? new Date();
	const expiresAt = new Date(now.getTime() + days * DAY_MS).toISOString();
	const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
	const id = 'tok_' + randomBytes(6).toString('hex');
	await db.write(async (tx) => {
		const user = await tx.one<{ disabled: boolean }>(
			'SELECT disabled FROM users WHERE name = $name',
			{ name: userName }
		);
		if (!user) throw new AuthError(`There is no user called "${userName}".`, 'user', 404);
		if (user.disabled) {
			throw new AuthError(`"${userName}" is disabled; enable the user first.`, 'user', 409);
		}
		await tx.run(
			`INSERT INTO api_tokens (id, token_hash, user_name, label, created_at, created_by, expires_at)
			 VALUES ($id, $hash, $user, $label, $now::TIMESTAMPTZ, $actor, $expires::TIMESTAMPTZ)`,
			{
				id,
				hash: sha256(token),
				user: userName,
				label,
				actor: input.actor,
				now: now.toISOString(),
				expires: expiresAt
			}
		);
		await audit(tx, {
			actor: input.actor,
			action: 'token_created',
			target: id,
			address: input.address,
			details: { user: userName, label, expires_at: expiresAt }
		});
	});
	return { id, token, expiresAt };
}

export async function listTokens(
	db: Queryable,
	filter: { userName?: string } = {}
): Promise<TokenInfo[]> {
	const rows = await db.all<{
		id: string;
		user_name: string;
		label: string | null;
		created_at: string;
		created_by: string;
		expires_at: string;
		last_used_at: string | null;
		revoked_at: string | null;
		revoked_by: string | null;
	}>(
		`SELECT id, user_name, label, created_at, created_by, expires_at, last_used_at, revoked_at,
		 revoked_by FROM api_tokens WHERE $user IS NULL OR user_name = $user
		 ORDER BY revoked_at IS NOT NULL, created_at DESC`,
		{ user: filter.userName ? normaliseName(filter.userName) : null }
	);
	return rows.map((r) => ({
		id: r.id,
		userName: r.user_name,
		label: r.label,
		createdAt: r.created_at,
		createdBy: r.created_by,
		expiresAt: r.expires_at,
		lastUsedAt: r.last_used_at,
		revokedAt: r.revoked_at,
		revokedBy: r.revoked_by
	}));
}

export async function revokeToken(
	db: Db,
	input: { id: string; actor: string; address?: string | null }
): Promise<TokenInfo> {
	const id = input.id.trim();
	await db.write(async (tx) => {
		const row = await tx.one<{ revoked_at: string | null; user_name: string }>(
			'SELECT revoked_at, user_name FROM api_tokens WHERE id = $id',
			{ id }
		);
		if (!row) throw new AuthError(`There is no API token with id "${id}".`, 'id', 404);
		if (row.revoked_at) {
			throw new AuthError(`The token ${id} was already revoked at ${row.revoked_at}.`, 'id', 409);
		}
		await tx.run('UPDATE api_tokens SET revoked_at = now(), revoked_by = $actor WHERE id = $id', {
			id,
			actor: input.actor
		});
		await audit(tx, {
			actor: input.actor,
			action: 'token_revoked',
			target: id,
			address: input.address,
			details: { user: row.user_name }
		});
	});
	const [info] = (await listTokens(db)).filter((t) => t.id === id);
	return info;
}

/** The owner of a live token (not revoked, not expired, owner enabled), with the owner's current roles. */
export async function userFromToken(
	db: Db,
	token: string | undefined,
	now = new Date()
): Promise<SignedInUser | null> {
	if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
	const hash = sha256(token);
	const row = await db.one<{
		id: string;
		name: string;
		roles: Role[];
		last_used_at: string | null;
	}>(
		`SELECT t.id, u.name, u.roles, t.last_used_at
		 FROM api_tokens t JOIN users u ON u.name = t.user_name
		 WHERE t.token_hash = $hash AND t.revoked_at IS NULL AND NOT u.disabled
		   AND t.expires_at > $now::TIMESTAMPTZ`,
		{ hash, now: now.toISOString() }
	);
	if (!row) return null;
	if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_AFTER_MS) {
		await db.write(
			(tx) =>
				tx.run('UPDATE api_tokens SET last_used_at = $now::TIMESTAMPTZ WHERE id = $id', {
					id: row.id,
					now: now.toISOString()
				}),
			{ figures: false }
		);
	}
	// A token is for the API, where a pending password change does not apply.
	return { name: row.name, roles: row.roles, mustChangePassword: false };
}
