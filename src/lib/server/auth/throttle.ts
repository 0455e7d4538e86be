// Sign-in throttling: failures counted per (user name, address), per address and per user name,
// each with its own free allowance and then a growing wait; checked and counted in one atomic step.
import type { Db, Queryable } from '../db';

export const THROTTLE = {
	/** Failures allowed for one user name from one address before any wait. */
	freeFailures: 4,
	/** Failures allowed from one address, whatever the names (spraying many names). */
	addressFreeFailures: 10,
	/**
	 * Failures allowed for one user name across every address (guessing from many machines). Looser,
	 * so that failing as `admin` from one address never locks admin out elsewhere: it takes this many
	 * failures, from at least eight addresses (each stops at its pair's allowance), to reach it.
	 */
	userFreeFailures: 30,
	/** Failures older than this are forgotten. */
	windowMs: 60 * 60 * 1000,
	/** The wait after the first failure past the allowance; it doubles with each further failure... */
	baseDelayMs: 30 * 1000,
	/** ...up to this. */
	maxDelayMs: 15 * 60 * 1000
};

/**
 * How long after the latest failure the next attempt must wait, given `failures` in the window and
 * the allowance `free`: for the pair's 4, 0 for up to 4, then 30 s after the 5th, 60 s after the 6th,
 * 2 min, 4 min, 8 min, 15 min at most.
 */
export function delayAfter(failures: number, free = THROTTLE.freeFailures): number {
	if (failures <= free) return 0;
	const doublings = failures - free - 1;
	return Math.min(THROTTLE.baseDelayMs * 2 ** Math.min(doublings, 30), THROTTLE.maxDelayMs);
}

/** Milliseconds still to wait, from the failure count and the time of the latest failure. */
export function remainingWait(
	failures: number,
	latestFailureMs: number,
	nowMs: number,
	free = THROTTLE.freeFailures
): number {
	return Math.max(0, latestFailureMs + delayAfter(failures, free) - nowMs);
}

interface AttemptInput {
	userName: string;
	address: string | null;
	now?: Date;
}

/**
 * The wait before the next attempt for this user name from this address: the longest of the
 * pair's, the address's and the user name's. The same rule applies to names that do not exist, so
 * a wait tells nothing about the account. An unknown address (null) has no address count.
 */
export async function throttleWait(db: Queryable, input: AttemptInput): Promise<number> {
	const now = input.now ?? new Date();
	const since = new Date(now.getTime() - THROTTLE.windowMs).toISOString();
	const rows = await db.all<{
		scope: 'pair' | 'address' | 'user';
		n: number;
		latest: string | null;
	}>(
		`SELECT 'pair' AS scope, count(*)::INTEGER AS n, max(failed_at) AS latest FROM login_failures
		 WHERE failed_at > $since::TIMESTAMPTZ AND user_name = $name
		   AND address IS NOT DISTINCT FROM $address::VARCHAR
		 UNION ALL
		 SELECT 'address', count(*)::INTEGER, max(failed_at) FROM login_failures
		 WHERE failed_at > $since::TIMESTAMPTZ AND address = $address::VARCHAR
		 UNION ALL
		 SELECT 'user', count(*)::INTEGER, max(failed_at) FROM login_failures
		 WHERE failed_at > $since::TIMESTAMPTZ AND user_name = $name`,
		{ since, name: input.userName, address: input.address }
	);
	const free = {
		pair: THROTTLE.freeFailures,
		address: THROTTLE.addressFreeFailures,
		user: THROTTLE.userFreeFailures
	};
	return Math.max(
		0,
		...rows.map((r) =>
			r.latest ? remainingWait(r.n, Date.parse(r.latest), now.getTime(), free[r.scope]) : 0
		)
	);
}

export async function recordFailure(tx: Queryable, input: AttemptInput): Promise<void> {
	const now = input.now ?? new Date();
	await tx.run(
		`INSERT INTO login_failures (failed_at, user_name, address)
		 VALUES ($now::TIMESTAMPTZ, $name, $address::VARCHAR)`,
		{ now: now.toISOString(), name: input.userName, address: input.address }
	);
	// Keep the table small: nothing outside the window is ever read again.
	await tx.run('DELETE FROM login_failures WHERE failed_at < $cutoff::TIMESTAMPTZ', {
		cutoff: new Date(now.getTime() - THROTTLE.windowMs).toISOString()
	});
}

/**
 * Check the throttle and, when the attempt may go ahead, count it as a failure, in one step of the
 * single writer queue: parallel guesses queue here, so each sees the ones before it counted and no
 * more than the free allowance gets to a password check. A right password then takes the failure
 * back (clearFailures). Returns the wait in ms (0: go ahead, already counted).
 */
export function claimAttempt(db: Db, input: AttemptInput): Promise<number> {
	return db.write(
		async (tx) => {
			const waitMs = await throttleWait(tx, input);
			if (waitMs === 0) await recordFailure(tx, input);
			return waitMs;
		},
		{ figures: false }
	);
}

/**
 * A successful sign-in forgets that user name's failures from that address, including the attempt
 * just counted; failures from other addresses stay, so whoever made them is still held up.
 */
export async function clearFailures(
	tx: Queryable,
	userName: string,
	address: string | null = null
): Promise<void> {
	await tx.run(
		`DELETE FROM login_failures WHERE user_name = $name
		 AND address IS NOT DISTINCT FROM $address::VARCHAR`,
		{ name: userName, address }
	);
}
