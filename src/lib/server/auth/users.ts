// User accounts: creation, roles, disabling, password resets and changes, each audited.
import type { Db, Queryable } from '../db';
import { audit } from '../audit';
import { AuthError } from './errors';
import { hashPassword, passwordProblem, randomPassword, verifyPassword } from './passwords';
import { ROLES, type Role } from './routes';
import { claimAttempt, clearFailures } from './throttle';

export interface User {
	name: string;
	roles: Role[];
	disabled: boolean;
	mustChangePassword: boolean;
	createdAt: string;
	updatedAt: string;
}

/** Who made a change and from where, for the audit log. */
export interface Actor {
	actor: string;
	address?: string | null;
}

interface UserRow {
	name: string;
	roles: string[];
	disabled: boolean;
	must_change_password: boolean;
	created_at: string;
	updated_at: string;
}

const USER_COLUMNS = 'name, roles, disabled, must_change_password, created_at, updated_at';

function toUser(row: UserRow): User {
	return {
		name: row.name,
		roles: sortRoles(row.roles as Role[]),
		disabled: row.disabled,
		mustChangePassword: row.must_change_password,
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** User names are compared lower-cased and trimmed, so "Alice " and "alice" are one person. */
export function normaliseName(name: string): string {
	return name.trim().toLowerCase();
}

export function checkName(raw: string): string {
	const name = normaliseName(raw);
	if (!NAME_PATTERN.test(name)) {
		throw new AuthError(
			`"${raw.slice(0, 80)}" cannot be a user name: use 3 to 64 characters, lower-case letters, ` +
				'digits, dots, dashes or underscores, starting with a letter or digit.',
			'name'
		);
	}
	return name;
}

function sortRoles(roles: readonly string[]): Role[] {
	return ROLES.filter((r) => roles.includes(r));
}

/** Parse "viewer,analyst" or a list; refuses unknown roles and an empty set. */
export function checkRoles(input: string | readonly string[]): Role[] {
	const list = (typeof input === 'string' ? input.split(',') : [...input])
		.map((r) => r.trim().toLowerCase())
		.filter(Boolean);
	const unknown = list.filter((r) => !(ROLES as readonly string[]).includes(r));
	if (unknown.length) {
		throw new AuthError(
			`Unknown role ${unknown.map((r) => `"${r}"`).join(', ')}: the roles are ${ROLES.join(', ')}.`,
			'roles'
		);
	}
	if (list.length === 0) {
		throw new AuthError(`Give the user at least one role (${ROLES.join(', ')}).`, 'roles');
	}
	return sortRoles(list);
}

function checkPassword(name: string, password: string, field = 'password'): void {
	const problem = passwordProblem(name, password);
	if (problem) throw new AuthError(problem, field);
}

export async function getUser(db: Queryable, rawName: string): Promise<User | undefined> {
	const row = await db.one<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = $name`, {
		name: normaliseName(rawName)
	});
	return row && toUser(row);
}

export async function listUsers(db: Queryable): Promise<User[]> {
	const rows = await db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`);
	return rows.map(toUser);
}

export async function countUsers(db: Queryable): Promise<number> {
	const row = await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM users');
	return row?.n ?? 0;
}

async function requireUser(tx: Queryable, name: string): Promise<User> {
	const user = await getUser(tx, name);
	if (!user) throw new AuthError(`There is no user called "${name}".`, 'name', 404);
	return user;
}

/** Refuse a change that would leave no enabled admin, since nobody could then manage users. */
async function keepAnAdmin(tx: Queryable, name: string): Promise<void> {
	const row = await tx.one<{ n: number }>(
		`SELECT count(*)::INTEGER AS n FROM users
		 WHERE NOT disabled AND list_contains(roles, 'admin') AND name <> $name`,
		{ name }
	);
	if ((row?.n ?? 0) === 0) {
		throw new AuthError(
			`"${name}" is the only enabled admin. Give another user the admin role first.`,
			'roles',
			409
		);
	}
}

export interface NewUser extends Actor {
	name: string;
	roles: string | readonly string[];
	/** Omitted: a random password is made, returned once, and must be changed at first sign-in. */
	password?: string;
	mustChangePassword?: boolean;
}

/** Create a user; returns the password (the random one when none was given) to show once. */
export async function createUser(
	db: Db,
	input: NewUser
): Promise<{ name: string; password: string }> {
	const name = checkName(input.name);
	const roles = checkRoles(input.roles);
	const generated = input.password === undefined;
	const password = input.password ?? randomPassword();
	checkPassword(name, password);
	const mustChange = input.mustChangePassword ?? generated;
	const passwordHash = await hashPassword(password);
	await db.write(async (tx) => {
		if (await getUser(tx, name)) {
			throw new AuthError(`A user called "${name}" already exists.`, 'name', 409);
		}
		await tx.run(
			`INSERT INTO users (name, password_hash, roles, must_change_password, created_at, updated_at)
			 VALUES ($name, $hash, string_split($roles, ','), $must, now(), now())`,
			{ name, hash: passwordHash, roles: roles.join(','), must: mustChange }
		);
		await audit(tx, {
			actor: input.actor,
			action: 'user_created',
			target: name,
			address: input.address,
			details: { roles, must_change_password: mustChange }
		});
	});
	return { name, password };
}

export async function setRoles(
	db: Db,
	input: Actor & { name: string; roles: string | readonly string[] }
): Promise<User> {
	const roles = checkRoles(input.roles);
	return db.write(async (tx) => {
		const user = await requireUser(tx, normaliseName(input.name));
		if (user.roles.includes('admin') && !roles.includes('admin') && !user.disabled) {
			await keepAnAdmin(tx, user.name);
		}
		await tx.run(
			`UPDATE users SET roles = string_split($roles, ','), updated_at = now() WHERE name = $name`,
			{ name: user.name, roles: roles.join(',') }
		);
		await audit(tx, {
			actor: input.actor,
			action: 'user_roles_changed',
			target: user.name,
			address: input.address,
			details: { from: user.roles, to: roles }
		});
		return { ...user, roles };
	});
}

/** Sign a user out everywhere: their sessions end at once. */
export async function deleteUserSessions(tx: Queryable, name: string): Promise<void> {
	await tx.run('DELETE FROM sessions WHERE user_name = $name', { name });
}

/**
 * Disable (or enable) a user. Disabling ends their sessions and revokes their API tokens in the
 * same transaction, so nothing they hold works a moment later; enabling does not bring tokens back.
 */
export async function setDisabled(
	db: Db,
	input: Actor & { name: string; disabled: boolean }
): Promise<User> {
	return db.write(async (tx) => {
		const user = await requireUser(tx, normaliseName(input.name));
		if (input.disabled && user.roles.includes('admin') && !user.disabled) {
			await keepAnAdmin(tx, user.name);
		}
		await tx.run('UPDATE users SET disabled = $disabled, updated_at = now() WHERE name = $name', {
			name: user.name,
			disabled: input.disabled
		});
		let revoked = 0;
		if (input.disabled) {
			await deleteUserSessions(tx, user.name);
			const row = await tx.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM api_tokens WHERE user_name = $name AND revoked_at IS NULL`,
				{ name: user.name }
			);
			revoked = row?.n ?? 0;
			await tx.run(
				`UPDATE api_tokens SET revoked_at = now(), revoked_by = $actor
				 WHERE user_name = $name AND revoked_at IS NULL`,
				{ name: user.name, actor: input.actor }
			);
		}
		await audit(tx, {
			actor: input.actor,
			action: input.disabled ? 'user_disabled' : 'user_enabled',
			target: user.name,
			address: input.address,
			details: input.disabled ? { tokens_revoked: revoked } : {}
		});
		return { ...user, disabled: input.disabled };
	});
}

/**
 * Set a new password for someone else (admin reset, CLI). Without a password a random one is made,
 * returned once, and must be changed at the next sign-in. Their sessions end.
 */
export async function resetPassword(
	db: Db,
	input: Actor & { name: string; password?: string }
): Promise<{ name: string; password: string }> {
	const name = normaliseName(input.name);
	const generated = input.password === undefined;
	const password = input.password ?? randomPassword();
	checkPassword(name, password);
	const passwordHash = await hashPassword(password);
	await db.write(async (tx) => {
		await requireUser(tx, name);
		await tx.run(
			`UPDATE users SET password_hash = $hash, must_change_password = $must, updated_at = now()
			 WHERE name = $name`,
			{ name, hash: passwordHash, must: generated }
		);
		await deleteUserSessions(tx, name);
		await audit(tx, {
			actor: input.actor,
			action: 'password_reset',
			target: name,
			address: input.address,
			details: { must_change_password: generated }
		});
	});
	return { name, password };
}

/**
 * A user changes their own password: the current one must match, the new one must follow the rules
 * and differ from it. Every other session of theirs ends (`keepSessionHash` survives).
 */
export async function changePassword(
	db: Db,
	input: {
		name: string;
		current: string;
		next: string;
		address?: string | null;
		keepSessionHash?: string;
	}
): Promise<void> {
	const name = normaliseName(input.name);
	const row = await db.one<{ password_hash: string; disabled: boolean }>(
		'SELECT password_hash, disabled FROM users WHERE name = $name',
		{ name }
	);
	if (!row || row.disabled) throw new AuthError('This account cannot sign in.', 'current', 404);
	// Wrong current passwords are guesses like wrong sign-ins: the same throttle, counted before the
	// check in one step (claimAttempt), and a right current password takes the attempt back.
	const address = input.address ?? null;
	const waitMs = await claimAttempt(db, { userName: name, address });
	if (waitMs > 0) {
		const seconds = Math.ceil(waitMs / 1000);
		const wait =
			seconds > 90
				? `${Math.ceil(seconds / 60)} minutes`
				: `${seconds} second${seconds === 1 ? '' : 's'}`;
		throw new AuthError(
			`Too many wrong passwords for this account from this address. Wait ${wait} and try again.`,
			'current',
			429
		);
	}
	if (!(await verifyPassword(row.password_hash, input.current))) {
		throw new AuthError('The current password is not right.', 'current');
	}
	await db.write((tx) => clearFailures(tx, name, address));
	checkPassword(name, input.next, 'next');
	if (input.next === input.current) {
		throw new AuthError('Choose a new password that differs from the current one.', 'next');
	}
	const passwordHash = await hashPassword(input.next);
	await db.write(async (tx) => {
		await tx.run(
			`UPDATE users SET password_hash = $hash, must_change_password = false, updated_at = now()
			 WHERE name = $name`,
			{ name, hash: passwordHash }
		);
		await tx.run('DELETE FROM sessions WHERE user_name = $name AND id_hash <> $keep', {
			name,
			keep: input.keepSessionHash ?? ''
		});
		await audit(tx, {
			actor: name,
			action: 'password_changed',
			target: name,
			address: input.address
		});
	});
}
