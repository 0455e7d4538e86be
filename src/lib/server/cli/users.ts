// CLI commands for accounts: `user add|list|disable|enable|roles|password`, `token create|list|revoke`.
// Data (passwords, tokens, lists) goes to stdout; messages go to stderr.
import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readConfig } from '../config';
import { DatabaseInUseError, openDb, type Db } from '../db';
import { AuthError } from '../auth/errors';
import { createUser, listUsers, resetPassword, setDisabled, setRoles } from '../auth/users';
import { createToken, listTokens, revokeToken } from '../auth/tokens';

type Command = (args: string[]) => Promise<number>;

class Usage extends Error {
	exitCode = 2;
}

export interface Io {
	out(text: string): void;
	err(text: string): void;
	/** All of standard input (for --password-stdin). */
	stdin(): Promise<string>;
	/** The database path; the CLI uses DATABASE_PATH as the server does. */
	dbPath: string;
}

async function readStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function processIo(): Io {
	return {
		out: (t) => process.stdout.write(`${t}\n`),
		err: (t) => process.stderr.write(`${t}\n`),
		stdin: readStdin,
		dbPath: readConfig().databasePath
	};
}

/** Who the audit log names for CLI changes: the operating-system account that ran the command. */
function cliActor(): string {
	let who = 'unknown';
	try {
		who = os.userInfo().username;
	} catch {
		// No passwd entry (some containers): keep "unknown".
	}
	return `cli:${who}`;
}

const USER_USAGE = [
	'Usage:',
	'  user add <name> --role R[,R...] [--password-stdin]',
	'  user list',
	'  user disable <name> | user enable <name>',
	'  user roles <name> R[,R...]',
	'  user password <name> [--password-stdin]',
	'Roles: viewer, analyst, publisher, admin. Without --password-stdin a random password is printed',
	'on stdout and must be changed at first sign-in.'
].join('\n');

const TOKEN_USAGE = [
	'Usage:',
	'  token create <name> [--label L] [--days N]   prints only the token on stdout;',
	'                                              it expires after N days (default 90)',
	'  token list [<name>]',
	'  token revoke <id>'
].join('\n');

function parse<O extends NonNullable<ParseArgsConfig['options']>>(
	args: string[],
	options: O,
	help: string
) {
	try {
		return parseArgs({ args, options, allowPositionals: true, strict: true });
	} catch (e) {
		throw new Usage(`${(e as Error).message}\n${help}`);
	}
}

/** Open the database; when the server holds it, say so and how to proceed (exit 1). */
async function withDb(io: Io, fn: (db: Db) => Promise<number>): Promise<number> {
	let db: Db;
	try {
		db = await openDb(io.dbPath);
	} catch (e) {
		if (e instanceof DatabaseInUseError) {
			io.err(
				`The database ${io.dbPath} is in use by another process (usually the running dashboard server). ` +
					'Stop the server and run the command again, or manage users and tokens on the Admin pages ' +
					'(/admin/users, /admin/tokens).'
			);
			return 1;
		}
		throw e;
	}
	try {
		return await fn(db);
	} catch (e) {
		if (e instanceof AuthError) {
			io.err(e.message);
			return 1;
		}
		throw e;
	} finally {
		await db.close();
	}
}

async function passwordFromStdin(io: Io): Promise<string> {
	// One trailing newline is what `echo` or a here-string adds; anything else is the password.
	const text = (await io.stdin()).replace(/\r?\n$/, '');
	if (!text) throw new AuthError('--password-stdin was given but standard input was empty.');
	return text;
}

const tsv = (cells: (string | number | boolean | null)[]) =>
	cells.map((c) => (c === null ? '' : String(c))).join('\t');

export async function userCommand(args: string[], io: Io = processIo()): Promise<number> {
	const [sub, ...rest] = args;
	const actor = cliActor();
	switch (sub) {
		case 'add': {
			const { values, positionals } = parse(
				rest,
				{ role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
				USER_USAGE
			);
			if (positionals.length !== 1 || !values.role) {
				throw new Usage(`user add needs a name and --role.\n${USER_USAGE}`);
			}
			const password = values['password-stdin'] ? await passwordFromStdin(io) : undefined;
			return withDb(io, async (db) => {
				const made = await createUser(db, {
					name: positionals[0],
					roles: String(values.role),
					password,
					actor
				});
				if (password === undefined) {
					io.out(made.password);
					io.err(
						`Created ${made.name}. The password above is shown once and must be changed at first sign-in.`
					);
				} else {
					io.err(`Created ${made.name}.`);
				}
				return 0;
			});
		}
		case 'list': {
			parse(rest, {}, USER_USAGE);
			return withDb(io, async (db) => {
				io.out(tsv(['name', 'roles', 'status', 'must_change_password', 'created_at']));
				for (const u of await listUsers(db)) {
					io.out(
						tsv([
							u.name,
							u.roles.join(','),
							u.disabled ? 'disabled' : 'active',
							u.mustChangePassword,
							u.createdAt
						])
					);
				}
				return 0;
			});
		}
		case 'disable':
		case 'enable': {
			const { positionals } = parse(rest, {}, USER_USAGE);
			if (positionals.length !== 1) throw new Usage(`user ${sub} needs one name.\n${USER_USAGE}`);
			return withDb(io, async (db) => {
				const u = await setDisabled(db, {
					name: positionals[0],
					disabled: sub === 'disable',
					actor
				});
				io.err(
					sub === 'disable'
						? `Disabled ${u.name}: their sessions ended and their API tokens were revoked.`
						: `Enabled ${u.name}. Their old API tokens stay revoked.`
				);
				return 0;
			});
		}
		case 'roles': {
			const { positionals } = parse(rest, {}, USER_USAGE);
			if (positionals.length !== 2) {
				throw new Usage(`user roles needs a name and a role list.\n${USER_USAGE}`);
			}
			return withDb(io, async (db) => {
				const u = await setRoles(db, { name: positionals[0], roles: positionals[1], actor });
				io.err(`${u.name} now has: ${u.roles.join(', ')}.`);
				return 0;
			});
		}
		case 'password': {
			const { values, positionals } = parse(
				rest,
				{ 'password-stdin': { type: 'boolean' } },
				USER_USAGE
			);
			if (positionals.length !== 1) throw new Usage(`user password needs one name.\n${USER_USAGE}`);
			const password = values['password-stdin'] ? await passwordFromStdin(io) : undefined;
			return withDb(io, async (db) => {
				const r = await resetPassword(db, { name: positionals[0], password, actor });
				if (password === undefined) {
					io.out(r.password);
					io.err(`New password for ${r.name} above; it must be changed at the next sign-in.`);
				} else {
					io.err(`Set the password of ${r.name}.`);
				}
				return 0;
			});
		}
		default:
			throw new Usage(`${sub ? `Unknown user command "${sub}".\n` : ''}${USER_USAGE}`);
	}
}

export async function tokenCommand(args: string[], io: Io = processIo()): Promise<number> {
	const [sub, ...rest] = args;
	const actor = cliActor();
	switch (sub) {
		case 'create': {
			const { values, positionals } = parse(
				rest,
				{ label: { type: 'string' }, days: { type: 'string' } },
				TOKEN_USAGE
			);
			if (positionals.length !== 1)
				throw new Usage(`token create needs one user name.\n${TOKEN_USAGE}`);
			if (values.days !== undefined && !/^\d{1,4}$/.test(String(values.days)))
				throw new Usage(
					`--days takes a whole number of days, not "${values.days}".\n${TOKEN_USAGE}`
				);
			return withDb(io, async (db) => {
				const { token } = await createToken(db, {
					userName: positionals[0],
					label: values.label === undefined ? null : String(values.label),
					days: values.days === undefined ? undefined : Number(values.days),
					actor
				});
				// Only the token on stdout, so `TOKEN=$(npm run -s cli -- token create alice)` works.
				io.out(token);
				return 0;
			});
		}
		case 'list': {
			const { positionals } = parse(rest, {}, TOKEN_USAGE);
			if (positionals.length > 1)
				throw new Usage(`token list takes at most one user name.\n${TOKEN_USAGE}`);
			return withDb(io, async (db) => {
				io.out(
					tsv([
						'id',
						'user',
						'label',
						'created_at',
						'created_by',
						'expires_at',
						'last_used_at',
						'revoked_at'
					])
				);
				for (const t of await listTokens(db, { userName: positionals[0] })) {
					io.out(
						tsv([
							t.id,
							t.userName,
							t.label,
							t.createdAt,
							t.createdBy,
							t.expiresAt,
							t.lastUsedAt,
							t.revokedAt
						])
					);
				}
				return 0;
			});
		}
		case 'revoke': {
			const { positionals } = parse(rest, {}, TOKEN_USAGE);
			if (positionals.length !== 1)
				throw new Usage(`token revoke needs one token id.\n${TOKEN_USAGE}`);
			return withDb(io, async (db) => {
				const t = await revokeToken(db, { id: positionals[0], actor });
				io.err(`Revoked ${t.id} (${t.userName}).`);
				return 0;
			});
		}
		default:
			throw new Usage(`${sub ? `Unknown token command "${sub}".\n` : ''}${TOKEN_USAGE}`);
	}
}

export const userCommands: Record<string, Command> = {
	user: (args) => userCommand(args),
	token: (args) => tokenCommand(args)
};
