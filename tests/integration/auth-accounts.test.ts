// Accounts on a real DuckDB file: users, sign-in with throttling, sessions, tokens, disabling,
// the first admin, and the audit trail each change leaves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/lib/server/db';
import {
	authenticate,
	changePassword,
	createSession,
	createToken,
	createUser,
	ensureFirstAdmin,
	getUser,
	listTokens,
	resetPassword,
	revokeToken,
	sessionUser,
	setDisabled,
	setRoles,
	sha256,
	signOut,
	SIGN_IN_REFUSED,
	userFromToken
} from '../../src/lib/server/auth';
import { auditCsv, queryAudit } from '../../src/lib/server/audit';
import { THROTTLE } from '../../src/lib/server/auth/throttle';
import { pruneSessions } from '../../src/lib/server/auth/sessions';
import { setSetting } from '../../src/lib/server/settings';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-accounts-'));
let db: Db;
let n = 0;

beforeEach(async () => {
	await db?.close();
	db = await openDb(path.join(root, `${++n}.duckdb`));
});
afterAll(async () => {
	await db?.close();
	fs.rmSync(root, { recursive: true, force: true });
});

const PW = 'quiet-lantern-42';
const by = { actor: 'boss', address: '10.0.0.1' };

async function auditActions(): Promise<string[]> {
	const rows = await db.all<{ action: string }>('SELECT action FROM audit_log ORDER BY id');
	return rows.map((r) => r.action);
}

describe('users', () => {
	it('creates a user with a random one-time password that must be changed', async () => {
		const made = await createUser(db, { name: 'Alice', roles: 'analyst,viewer', ...by });
		expect(made.name).toBe('alice');
		const user = await getUser(db, 'alice');
		expect(user).toMatchObject({ roles: ['viewer', 'analyst'], mustChangePassword: true });
		const stored = await db.one<{ password_hash: string }>('SELECT password_hash FROM users');
		expect(stored?.password_hash).toMatch(/^\$argon2id\$/);
		expect(stored?.password_hash).not.toContain(made.password);
		const res = await authenticate(db, { name: 'alice', password: made.password, address: null });
		expect(res).toMatchObject({ ok: true, user: { name: 'alice', mustChangePassword: true } });
	});

	it('refuses a short password, one containing the name, and a duplicate name', async () => {
		await expect(
			createUser(db, { name: 'bob', roles: 'viewer', password: 'short', ...by })
		).rejects.toThrow(/at least 12/);
		await expect(
			createUser(db, { name: 'bobby', roles: 'viewer', password: 'xx-BOBBY-1234', ...by })
		).rejects.toThrow(/must not contain the user name/);
		await createUser(db, { name: 'carol', roles: 'viewer', password: PW, ...by });
		await expect(
			createUser(db, { name: 'Carol', roles: 'viewer', password: PW, ...by })
		).rejects.toThrow(/already exists/);
	});

	it('changes roles, and refuses to leave no enabled admin', async () => {
		await createUser(db, { name: 'root1', roles: 'admin', password: PW, ...by });
		await expect(setRoles(db, { name: 'root1', roles: 'viewer', ...by })).rejects.toThrow(
			/only enabled admin/
		);
		await expect(setDisabled(db, { name: 'root1', disabled: true, ...by })).rejects.toThrow(
			/only enabled admin/
		);
		await createUser(db, { name: 'root2', roles: 'admin', password: PW, ...by });
		const u = await setRoles(db, { name: 'root1', roles: 'viewer,publisher', ...by });
		expect(u.roles).toEqual(['viewer', 'publisher']);
		const entry = await db.one<{ details: string }>(
			`SELECT details::VARCHAR AS details FROM audit_log WHERE action = 'user_roles_changed'`
		);
		expect(JSON.parse(entry!.details)).toEqual({ from: ['admin'], to: ['viewer', 'publisher'] });
	});

	it('disabling ends sessions and revokes tokens at once; enabling does not bring tokens back', async () => {
		await createUser(db, { name: 'dora', roles: 'analyst', password: PW, ...by });
		const sid = await createSession(db, { userName: 'dora' });
		const { token } = await createToken(db, { userName: 'dora', label: 'R', ...by });
		expect(await sessionUser(db, sid)).not.toBeNull();
		expect(await userFromToken(db, token)).not.toBeNull();

		await setDisabled(db, { name: 'dora', disabled: true, ...by });
		expect(await sessionUser(db, sid)).toBeNull();
		expect(await userFromToken(db, token)).toBeNull();
		const res = await authenticate(db, { name: 'dora', password: PW, address: null });
		expect(res).toEqual({ ok: false, reason: 'refused', message: SIGN_IN_REFUSED });

		await setDisabled(db, { name: 'dora', disabled: false, ...by });
		expect(await userFromToken(db, token)).toBeNull();
		expect((await listTokens(db, { userName: 'dora' }))[0].revokedBy).toBe('boss');
	});

	it('a reset gives a new one-time password and ends the sessions', async () => {
		await createUser(db, { name: 'erin', roles: 'viewer', password: PW, ...by });
		const sid = await createSession(db, { userName: 'erin' });
		const { password } = await resetPassword(db, { name: 'erin', ...by });
		expect(await sessionUser(db, sid)).toBeNull();
		expect((await getUser(db, 'erin'))?.mustChangePassword).toBe(true);
		expect((await authenticate(db, { name: 'erin', password: PW, address: null })).ok).toBe(false);
		expect((await authenticate(db, { name: 'erin', password, address: null })).ok).toBe(true);
	});

	it('changing one’s own password needs the current one, clears the flag, keeps only this session', async () => {
		const { password } = await createUser(db, { name: 'fred', roles: 'viewer', ...by });
		const here = await createSession(db, { userName: 'fred' });
		const elsewhere = await createSession(db, { userName: 'fred' });
		await expect(
			changePassword(db, { name: 'fred', current: 'wrong-password!', next: PW })
		).rejects.toThrow(/current password is not right/);
		await expect(
			changePassword(db, { name: 'fred', current: password, next: password })
		).rejects.toThrow(/differs from the current/);
		await changePassword(db, {
			name: 'fred',
			current: password,
			next: PW,
			keepSessionHash: sha256(here)
		});
		expect(await sessionUser(db, here)).toMatchObject({ name: 'fred', mustChangePassword: false });
		expect(await sessionUser(db, elsewhere)).toBeNull();
	});
});

describe('sign-in', () => {
	it('gives one message for an unknown user and a wrong password', async () => {
		await createUser(db, { name: 'gina', roles: 'viewer', password: PW, ...by });
		const unknown = await authenticate(db, { name: 'nobody', password: PW, address: 'a1' });
		const wrong = await authenticate(db, {
			name: 'gina',
			password: 'not-her-password',
			address: 'a2'
		});
		expect(unknown).toEqual(wrong);
		expect(await auditActions()).toEqual(['user_created', 'sign_in_failed', 'sign_in_failed']);
	});

	it('after 5 failures for a name from one address, refuses even the right password there until the wait is over', async () => {
		await createUser(db, { name: 'hana', roles: 'viewer', password: PW, ...by });
		const t0 = Date.parse('2024-05-01T09:00:00Z');
		for (let i = 0; i < 5; i++) {
			const r = await authenticate(db, {
				name: 'hana',
				password: 'guess-number-' + i,
				address: '10.1.0.1',
				now: new Date(t0 + i * 1000)
			});
			expect(r.ok === false && r.reason).toBe('refused');
		}
		// The 5th failure was at t0+4 s, so the wait runs to t0+34 s.
		const early = await authenticate(db, {
			name: 'hana',
			password: PW,
			address: '10.1.0.1',
			now: new Date(t0 + 10_000)
		});
		expect(early).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 24 });
		expect(early.ok === false && early.message).toMatch(/Wait 24 seconds/);
		// Another user from that address is not held up.
		await createUser(db, { name: 'ivan', roles: 'viewer', password: PW, ...by });
		const other = await authenticate(db, {
			name: 'ivan',
			password: PW,
			address: '10.1.0.1',
			now: new Date(t0 + 10_000)
		});
		expect(other.ok).toBe(true);
		const later = await authenticate(db, {
			name: 'hana',
			password: PW,
			address: '10.1.0.1',
			now: new Date(t0 + 34_001)
		});
		expect(later.ok).toBe(true);
	});

	it('counts 50 parallel wrong guesses one by one: 5 get a password check, 45 are throttled', async () => {
		await createUser(db, { name: 'nina', roles: 'viewer', password: PW, ...by });
		const now = new Date('2024-05-01T09:00:00Z');
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				authenticate(db, {
					name: 'nina',
					password: `wrong-guess-${i}`,
					address: '198.51.100.4',
					now
				})
			)
		);
		const reasons = results.map((r) => (r.ok ? 'ok' : r.reason));
		expect(reasons.filter((r) => r === 'refused')).toHaveLength(THROTTLE.freeFailures + 1);
		expect(reasons.filter((r) => r === 'throttled')).toHaveLength(45);
		const failed = await db.all<{ reason: string; n: number }>(
			`SELECT details->>'reason' AS reason, count(*)::INTEGER AS n FROM audit_log
			 WHERE action = 'sign_in_failed' GROUP BY ALL ORDER BY reason`
		);
		expect(failed).toEqual([
			{ reason: 'throttled', n: 45 },
			{ reason: 'wrong_password', n: 5 }
		]);
		// Only the 5 checked guesses count towards later waits.
		expect(await db.one('SELECT count(*)::INTEGER AS n FROM login_failures')).toEqual({ n: 5 });
	});

	it('failing as admin from one address does not lock admin out from another', async () => {
		await createUser(db, { name: 'admin', roles: 'admin', password: PW, ...by });
		const now = new Date('2024-05-01T09:00:00Z');
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				authenticate(db, {
					name: 'admin',
					password: `guess-${i}-xxxxxx`,
					address: '203.0.113.66',
					now
				})
			)
		);
		const attacker = await authenticate(db, {
			name: 'admin',
			password: PW,
			address: '203.0.113.66',
			now
		});
		expect(attacker).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 30 });
		const owner = await authenticate(db, { name: 'admin', password: PW, address: '10.0.0.5', now });
		expect(owner).toMatchObject({ ok: true, user: { name: 'admin' } });
		// The owner's success leaves the attacker's count standing.
		expect(
			await authenticate(db, { name: 'admin', password: PW, address: '203.0.113.66', now })
		).toMatchObject({ ok: false, reason: 'throttled' });
	});

	it('after 31 failures for a name from many addresses, throttles that name from anywhere', async () => {
		await createUser(db, { name: 'olga', roles: 'viewer', password: PW, ...by });
		const t0 = Date.parse('2024-05-01T09:00:00Z');
		// 4 a second apart from each of 8 addresses: every pair stays within its free 4.
		for (let i = 0; i < THROTTLE.userFreeFailures + 1; i++) {
			const r = await authenticate(db, {
				name: 'olga',
				password: 'guess-number-' + i,
				address: `10.2.0.${Math.floor(i / 4)}`,
				now: new Date(t0 + i * 1000)
			});
			expect(r.ok === false && r.reason).toBe('refused');
		}
		// The 31st failure was at t0+30 s: a 30 s wait to t0+60 s, from an address never used.
		const r = await authenticate(db, {
			name: 'olga',
			password: PW,
			address: '10.9.9.9',
			now: new Date(t0 + 40_000)
		});
		expect(r).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 20 });
	});

	it('after 11 failures from an address, throttles any name from it, existing or not', async () => {
		const t0 = Date.parse('2024-05-01T09:00:00Z');
		for (let i = 0; i < THROTTLE.addressFreeFailures + 1; i++) {
			await authenticate(db, {
				name: `spray${i}`,
				password: 'x'.repeat(12),
				address: '192.0.2.7',
				now: new Date(t0)
			});
		}
		const r = await authenticate(db, {
			name: 'anyone',
			password: 'x'.repeat(12),
			address: '192.0.2.7',
			now: new Date(t0 + 1000)
		});
		expect(r).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 29 });
		const entry = await queryAudit(db, { action: 'sign_in_failed' }, 1, 1);
		expect(JSON.parse(entry.rows[0].details)).toEqual({
			reason: 'throttled',
			retry_after_seconds: 29
		});
	});
});

describe('sessions', () => {
	it('stores only a hash of the session id, and rotates at sign-in', async () => {
		await createUser(db, { name: 'jade', roles: 'viewer', password: PW, ...by });
		const first = await createSession(db, { userName: 'jade' });
		const second = await createSession(db, { userName: 'jade', replacing: first });
		const rows = await db.all<{ id_hash: string }>('SELECT id_hash FROM sessions');
		expect(rows.map((r) => r.id_hash)).toEqual([sha256(second)]);
		expect(await sessionUser(db, first)).toBeNull();
	});

	it('ends a session idle for more than 30 minutes, and keeps one in use alive', async () => {
		await createUser(db, { name: 'kim', roles: 'viewer', password: PW, ...by });
		const t0 = new Date('2024-05-01T09:00:00Z');
		const sid = await createSession(db, { userName: 'kim', now: t0 });
		const at = (min: number) => new Date(t0.getTime() + min * 60_000);
		// Used at 29 min, so still alive at 58 min (29 min idle), gone at 89 min (30 min 1 s idle).
		expect(await sessionUser(db, sid, { now: at(29) })).not.toBeNull();
		expect(await sessionUser(db, sid, { now: at(58) })).not.toBeNull();
		expect(await sessionUser(db, sid, { now: at(88 + 1 / 60) })).toBeNull();
		expect(await db.one('SELECT * FROM sessions')).toBeUndefined();
	});

	it('ends a session 12 hours after sign-in, however busy', async () => {
		await createUser(db, { name: 'kai', roles: 'viewer', password: PW, ...by });
		const t0 = new Date('2024-05-01T09:00:00Z');
		const sid = await createSession(db, { userName: 'kai', now: t0 });
		// Used every 20 minutes: never idle, but over at 12 h.
		for (let min = 20; min <= 12 * 60; min += 20) {
			expect(
				await sessionUser(db, sid, { now: new Date(t0.getTime() + min * 60_000) })
			).toMatchObject({
				name: 'kai'
			});
		}
		expect(
			await sessionUser(db, sid, { now: new Date(t0.getTime() + 12 * 3600_000 + 1000) })
		).toBeNull();
		expect(await db.one('SELECT count(*)::INTEGER AS n FROM sessions')).toEqual({ n: 0 });
	});

	it('takes both limits from the settings an admin changes (audited), and prunes by both', async () => {
		await createUser(db, { name: 'lou', roles: 'viewer', password: PW, ...by });
		await setSetting(db, 'session_idle_minutes', 60, 'boss');
		await setSetting(db, 'session_lifetime_hours', 2, 'boss');
		const changed = await queryAudit(db, { action: 'settings_changed' });
		expect(changed.rows.map((r) => [r.target, JSON.parse(r.details)])).toEqual([
			['session_lifetime_hours', { before: 12, after: 2 }],
			['session_idle_minutes', { before: 30, after: 60 }]
		]);
		await expect(setSetting(db, 'session_idle_minutes', 0, 'boss')).rejects.toThrow(
			/session_idle_minutes was not changed/
		);
		const t0 = new Date('2024-05-01T09:00:00Z');
		const at = (min: number) => new Date(t0.getTime() + min * 60_000);
		const idle = await createSession(db, { userName: 'lou', now: t0 });
		const busy = await createSession(db, { userName: 'lou', now: t0 });
		const fresh = await createSession(db, { userName: 'lou', now: at(100) });
		expect(await sessionUser(db, idle, { now: at(59) })).not.toBeNull();
		for (const min of [40, 80, 110])
			expect(await sessionUser(db, busy, { now: at(min) })).not.toBeNull();
		// At 2 h 1 min: `idle` was last seen 62 min ago, `busy` is older than 2 h; `fresh` stays.
		await pruneSessions(db, { now: at(121) });
		const left = await db.all<{ id_hash: string }>('SELECT id_hash FROM sessions');
		expect(left.map((r) => r.id_hash)).toEqual([sha256(fresh)]);
		expect(await sessionUser(db, busy, { now: at(121) })).toBeNull();
	});

	it('signing out deletes the session and records it', async () => {
		await createUser(db, { name: 'lena', roles: 'viewer', password: PW, ...by });
		const sid = await createSession(db, { userName: 'lena' });
		await signOut(db, sid, '10.0.0.9');
		expect(await sessionUser(db, sid)).toBeNull();
		const last = await queryAudit(db, {}, 1, 1);
		expect(last.rows[0]).toMatchObject({ actor: 'lena', action: 'sign_out', address: '10.0.0.9' });
	});
});

describe('API tokens', () => {
	it('are shown once, stored as sha256, carry the owner’s current roles, and can be revoked', async () => {
		await createUser(db, { name: 'mona', roles: 'analyst', password: PW, ...by });
		const { id, token } = await createToken(db, { userName: 'mona', label: 'Power BI', ...by });
		expect(token).toMatch(/^spd_[A-Za-z0-9_-]{43}$/);
		const stored = await db.one<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
		expect(stored?.token_hash).toBe(sha256(token));
		expect(await userFromToken(db, token)).toEqual({
			name: 'mona',
			roles: ['analyst'],
			mustChangePassword: false
		});
		await setRoles(db, { name: 'mona', roles: 'viewer', ...by });
		expect((await userFromToken(db, token))?.roles).toEqual(['viewer']);
		const [listed] = await listTokens(db);
		expect(listed).toMatchObject({ id, label: 'Power BI', createdBy: 'boss', revokedAt: null });
		expect(listed.lastUsedAt).not.toBeNull();

		await revokeToken(db, { id, ...by });
		expect(await userFromToken(db, token)).toBeNull();
		await expect(revokeToken(db, { id, ...by })).rejects.toThrow(/already revoked/);
		expect(await userFromToken(db, token.slice(0, -1) + 'x')).toBeNull();
	});

	it('expire 90 days after creation unless given another term, and are listed with the expiry', async () => {
		await createUser(db, { name: 'noor', roles: 'analyst', password: PW, ...by });
		const t0 = new Date('2024-05-01T09:00:00Z');
		const day = 24 * 3600_000;
		const { token, expiresAt } = await createToken(db, { userName: 'noor', ...by, now: t0 });
		expect(expiresAt).toBe('2024-07-30T09:00:00.000Z');
		const week = await createToken(db, { userName: 'noor', ...by, now: t0, days: 7 });
		expect(week.expiresAt).toBe('2024-05-08T09:00:00.000Z');
		expect((await listTokens(db)).map((t) => t.expiresAt).sort()).toEqual([
			'2024-05-08T09:00:00.000Z',
			'2024-07-30T09:00:00.000Z'
		]);
		expect(
			(await userFromToken(db, week.token, new Date(t0.getTime() + 7 * day - 1000)))?.name
		).toBe('noor');
		expect(await userFromToken(db, week.token, new Date(t0.getTime() + 7 * day))).toBeNull();
		expect((await userFromToken(db, token, new Date(t0.getTime() + 90 * day - 1000)))?.name).toBe(
			'noor'
		);
		expect(await userFromToken(db, token, new Date(t0.getTime() + 90 * day + 1000))).toBeNull();
		for (const days of [0, 367, 1.5]) {
			await expect(createToken(db, { userName: 'noor', ...by, days })).rejects.toThrow(
				/whole number of days from 1 to 366/
			);
		}
	});
});

describe('first start', () => {
	it('creates admin once with a printed random password that must be changed', async () => {
		let printed = '';
		const password = await ensureFirstAdmin(db, (t) => (printed += t));
		expect(password).toMatch(/^[a-zA-Z2-9-]{23}$/);
		expect(printed).toContain(`password:  ${password}`);
		expect(await getUser(db, 'admin')).toMatchObject({
			roles: ['admin'],
			mustChangePassword: true
		});
		expect(await ensureFirstAdmin(db, () => {})).toBeNull();
	});
});

describe('audit log reading', () => {
	it('filters by action, actor and date, pages newest first, and exports escaped CSV', async () => {
		await createUser(db, { name: 'nina', roles: 'viewer', password: PW, ...by });
		await createUser(db, {
			name: 'otto',
			roles: 'viewer',
			password: PW,
			actor: '=cmd|x',
			address: null
		});
		await authenticate(db, { name: 'nina', password: PW, address: '10.0.0.2' });
		// Backdate the first entry to the evening of 31 Jan 2024 in London (GMT): still the 31st.
		await db.write((tx) =>
			tx.run(`UPDATE audit_log SET occurred_at = '2024-01-31T23:30:00Z' WHERE id = 1`)
		);
		const created = await queryAudit(db, { action: 'user_created' });
		expect(created.total).toBe(2);
		expect(created.rows.map((r) => r.target)).toEqual(['otto', 'nina']);
		expect((await queryAudit(db, { actor: 'boss' })).total).toBe(1);
		const jan = await queryAudit(db, { from: '2024-01-31', to: '2024-01-31' });
		expect(jan.rows.map((r) => r.id)).toEqual([1]);
		const paged = await queryAudit(db, {}, 2, 2);
		expect(paged).toMatchObject({ total: 3, page: 2, pages: 2 });
		expect(paged.rows.map((r) => r.id)).toEqual([1]);

		const csv = await auditCsv(db, { action: 'user_created' });
		const lines = csv.trim().split('\r\n');
		expect(lines[0]).toBe('id,occurred_at,actor,action,target,address,details');
		expect(lines[2]).toContain(",'=cmd|x,user_created,otto,");
	});
});
