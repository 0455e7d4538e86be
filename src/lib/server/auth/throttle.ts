// Sign-in throttling: after 5 failures for a user name or from an address, a growing wait.
import type { Queryable } from '../db';

export const THROTTLE = {
	/** Failures allowed before any wait. */
	freeFailures: 4,
	/** Failures older than this are forgotten. */
	windowMs: 60 * 60 * 1000,
	/** The wait after the 5th failure; it doubles with each further failure... */
	baseDelayMs: 30 * 1000,
	/** ...up to this. */
	maxDelayMs: 15 * 60 * 1000
};

/**
 * How long after the latest failure the next attempt must wait, given `failures` in the window:
 * 0 for up to 4, then 30 s after the 5th, 60 s after the 6th, 2 min, 4 min, 8 min, 15 min at most.
 */
export function delayAfter(failures: number): number {
	if (failures <= THROTTLE.freeFailures) return 0;
	const doublings = failures - THROTTLE.freeFailures - 1;
	return Math.min(THROTTLE.baseDelayMs * 2 ** Math.min(doublings, 30), THROTTLE.maxDelayMs);
}

/** Milliseconds still to wait, from the failure count and the time of the latest failure. */
export function remainingWait(failures: number, latestFailureMs: number, nowMs: number): number {
	return Math.max(0, latestFailureMs + delayAfter(failures) - nowMs);
}

/**
 * The wait before the next attempt for this user name or from this address, whichever is longer.
 * The same rule applies to names that do not exist, so a wait tells nothing about the account.
 */
export async function throttleWait(
	db: Queryable,
	input: { userName: string; address: string | null; now?: Date }
): Promise<number> {
	const now = input.now ?? new Date();
	const since = new Date(now.getTime() - THROTTLE.windowMs).toISOString();
	const rows = await db.all<{ n: number; latest: string | null }>(
		`SELECT count(*)::INTEGER AS n, max(failed_at) AS latest FROM login_failures
		 WHERE failed_at > $since::TIMESTAMPTZ AND user_name = $name
		 UNION ALL
		 SELECT count(*)::INTEGER AS n, max(failed_at) AS latest FROM login_failures
		 WHERE failed_at > $since::TIMESTAMPTZ AND address = $address`,
		{ since, name: input.userName, address: input.address ?? '' }
	);
	return Math.max(
		0,
		...rows.map((r) => (r.latest ? remainingWait(r.n, Date.parse(r.latest), now.getTime()) : 0))
	);
}

export async function recordFailure(
	tx: Queryable,
	input: { userName: string; address: string | null; now?: Date }
): Promise<void> {
	const now = input.now ?? new Date();
	await tx.run(
		`INSERT INTO login_failures (failed_at, user_name, address)
		 VALUES ($now::TIMESTAMPTZ, $name, $address)`,
		{ now: now.toISOString(), name: input.userName, address: input.address }
	);
	// Keep the table small: nothing outside the window is ever read again.
	await tx.run('DELETE FROM login_failures WHERE failed_at < $cutoff::TIMESTAMPTZ', {
		cutoff: new Date(now.getTime() - THROTTLE.windowMs).toISOString()
	});
}

/** A successful sign-in forgets that user name's failures (the address keeps its count). */
export async function clearFailures(tx: Queryable, userName: string): Promise<void> {
	await tx.run('DELETE FROM login_failures WHERE user_name = $name', { name: userName });
}
