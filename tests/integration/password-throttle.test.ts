// Changing a password is throttled like signing in (issue 9): wrong current passwords count in the
// same throttle (throttle.ts claimAttempt), on a real DuckDB file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/lib/server/db';
import { AuthError, changePassword, createUser } from '../../src/lib/server/auth';
import { THROTTLE } from '../../src/lib/server/auth/throttle';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'password-throttle-'));
let db: Db;
let n = 0;

const PW = 'quiet-lantern-42';
const NEW = 'brass-harbour-77';

beforeEach(async () => {
	await db?.close();
	db = await openDb(path.join(root, `${++n}.duckdb`));
	await createUser(db, {
		name: 'alice',
		roles: ['analyst'],
		password: PW,
		mustChangePassword: false,
		actor: 'boss'
	});
});
afterAll(async () => {
	await db?.close();
	fs.rmSync(root, { recursive: true, force: true });
});

/** The status of a password change: 'changed', or the AuthError's status. */
async function attempt(current: string, address = '10.0.0.9'): Promise<'changed' | number> {
	try {
		await changePassword(db, { name: 'alice', current, next: NEW, address });
		return 'changed';
	} catch (err) {
		if (err instanceof AuthError) return err.status;
		throw err;
	}
}

describe('password change throttle', () => {
	it('refuses a change after the free wrong current passwords, without checking the password', async () => {
		// The free failures, and the one past them that starts the wait, are checked.
		for (let i = 0; i <= THROTTLE.freeFailures; i++)
			expect(await attempt('wrong-password-1')).toBe(400);
		// The next attempt waits, even with the right password: it is not even checked.
		await expect(
			changePassword(db, { name: 'alice', current: PW, next: NEW, address: '10.0.0.9' })
		).rejects.toThrow(/Too many wrong passwords.*Wait 30 seconds/);
		expect(await attempt(PW)).toBe(429);
		const row = await db.one<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM login_failures WHERE user_name = 'alice'`
		);
		expect(row?.n).toBe(THROTTLE.freeFailures + 1);
	});

	it('lets the owner change it from another address while one address is held up', async () => {
		for (let i = 0; i < THROTTLE.freeFailures + 1; i++) await attempt('wrong-password-1');
		expect(await attempt(PW)).toBe(429);
		expect(await attempt(PW, '10.0.0.10')).toBe('changed');
	});

	it('takes the attempt back when the current password is right', async () => {
		for (let i = 0; i < THROTTLE.freeFailures; i++) await attempt('wrong-password-1');
		// Right current password, new one refused (too short): the pair's failures are forgotten.
		await expect(
			changePassword(db, { name: 'alice', current: PW, next: 'short', address: '10.0.0.9' })
		).rejects.toThrow(AuthError);
		const row = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM login_failures`);
		expect(row?.n).toBe(0);
	});

	it('lets no more than the allowance of parallel wrong guesses reach the password check', async () => {
		const results = await Promise.all(
			Array.from({ length: 12 }, () => attempt('wrong-password-1'))
		);
		expect(results.filter((r) => r === 400)).toHaveLength(THROTTLE.freeFailures + 1);
		expect(results.filter((r) => r === 429)).toHaveLength(12 - THROTTLE.freeFailures - 1);
	});
});
