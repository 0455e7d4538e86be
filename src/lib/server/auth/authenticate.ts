// Checking a user name and password at sign-in: throttled, audited, and silent about which names exist.
import type { Db } from '../db';
import { audit } from '../audit';
import { signInTarget } from './audit-name';
import { dummyHash, MAX_PASSWORD_LENGTH, verifyPassword } from './passwords';
import type { SignedInUser } from './sessions';
import { claimAttempt, clearFailures } from './throttle';
import { normaliseName } from './users';
import type { Role } from './routes';

/** One message for every refusal, so it never tells whether the user exists. */
export const SIGN_IN_REFUSED =
	'That user name and password do not match an account that can sign in. Check both and try again.';

export type SignInResult =
	| { ok: true; user: SignedInUser }
	| { ok: false; reason: 'refused' | 'throttled'; message: string; retryAfterSeconds?: number };

export function throttledMessage(seconds: number): string {
	const wait =
		seconds > 90
			? `${Math.ceil(seconds / 60)} minutes`
			: `${seconds} second${seconds === 1 ? '' : 's'}`;
	return `Too many failed sign-in attempts for this user name or from this address. Wait ${wait} and try again.`;
}

/**
 * Check a sign-in. While throttled the password is not even checked; otherwise the attempt counts
 * as a failure from the start and a right password takes it back. Every outcome is audited
 * (the reason for a refusal is recorded for admins, never shown to the person signing in).
 */
export async function authenticate(
	db: Db,
	input: { name: string; password: string; address: string | null; now?: Date }
): Promise<SignInResult> {
	const now = input.now ?? new Date();
	// Bounded so a pasted essay cannot fill the failures table or the audit log.
	const name = normaliseName(input.name).slice(0, 64);
	const address = input.address;

	// Counted before the password is checked (atomically with the check), so parallel guesses
	// cannot all pass a throttle that none of them has counted yet.
	// The throttle counts by the same name the audit keeps: a typed name that is no account (perhaps
	// a password typed in the wrong box) only as its keyed hash, never as text.
	const target = await signInTarget(db, name);
	const waitMs = await claimAttempt(db, { userName: target, address, now });
	if (waitMs > 0) {
		const seconds = Math.ceil(waitMs / 1000);
		await db.write(
			(tx) =>
				audit(tx, {
					actor: null,
					action: 'sign_in_failed',
					target,
					address,
					details: { reason: 'throttled', retry_after_seconds: seconds }
				}),
			{ figures: false }
		);
		return {
			ok: false,
			reason: 'throttled',
			message: throttledMessage(seconds),
			retryAfterSeconds: seconds
		};
	}

	const row = await db.one<{
		name: string;
		password_hash: string;
		roles: Role[];
		disabled: boolean;
		must_change_password: boolean;
	}>(
		'SELECT name, password_hash, roles, disabled, must_change_password FROM users WHERE name = $name',
		{ name }
	);
	const password = input.password.slice(0, MAX_PASSWORD_LENGTH + 1);
	// Verify against a dummy hash for unknown names so the refusal takes as long either way.
	const matches = await verifyPassword(row?.password_hash ?? (await dummyHash()), password);
	const reason = !row
		? 'unknown_user'
		: !matches
			? 'wrong_password'
			: row.disabled
				? 'disabled'
				: null;

	if (reason || !row) {
		await db.write(
			async (tx) => {
				await audit(tx, {
					actor: null,
					action: 'sign_in_failed',
					target,
					address,
					details: { reason }
				});
			},
			{ figures: false }
		);
		return { ok: false, reason: 'refused', message: SIGN_IN_REFUSED };
	}

	await db.write(
		async (tx) => {
			await clearFailures(tx, name, address);
			await audit(tx, { actor: name, action: 'sign_in', target: name, address });
		},
		{ figures: false }
	);
	return {
		ok: true,
		user: { name: row.name, roles: row.roles, mustChangePassword: row.must_change_password }
	};
}
