// First start: when there is no user at all, create `admin` with a random password shown once.
import type { Db } from '../db';
import { countUsers, createUser } from './users';

/**
 * Create the first admin if the users table is empty, printing its one-time password with
 * `print` (stderr by default, so it is not mixed into data output). Returns the password, or null
 * when users already exist. There is no default password anywhere: each database gets its own.
 */
export async function ensureFirstAdmin(
	db: Db,
	print: (text: string) => void = (t) => process.stderr.write(t)
): Promise<string | null> {
	if ((await countUsers(db)) > 0) return null;
	const { name, password } = await createUser(db, {
		name: 'admin',
		roles: ['admin'],
		mustChangePassword: true,
		actor: 'system'
	});
	print(
		[
			'',
			'================================================================',
			' First start: created the administrator account.',
			`   user name: ${name}`,
			`   password:  ${password}`,
			' This password is shown only now. Sign in at /login and choose',
			' a new one (you will be asked to). Keep it out of shared logs.',
			'================================================================',
			''
		].join('\n')
	);
	return password;
}
