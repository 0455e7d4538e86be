// Who the HTTP clients are: an analyst (pages and the upload) with a session and an API token,
// made in the benchmark database before the server opens it.
import { randomBytes } from 'node:crypto';
import { createSession, createToken, createUser } from '../auth/index';
import type { Db } from '../db';
import { BENCH_USER } from './ingest';

export async function benchAccount(db: Db): Promise<{ session: string; token: string }> {
	await createUser(db, {
		name: BENCH_USER,
		roles: ['analyst'],
		password: randomBytes(24).toString('base64url'),
		mustChangePassword: false,
		actor: BENCH_USER
	});
	const session = await createSession(db, { userName: BENCH_USER });
	const { token } = await createToken(db, {
		userName: BENCH_USER,
		label: 'benchmark',
		actor: BENCH_USER,
		days: 1
	});
	return { session, token };
}
