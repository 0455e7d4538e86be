// The command table of the CLI. Each command parses its own arguments and returns an exit code.
import { benchCommand } from './bench';
import { backupCommand } from './backup';
import { extractCommands } from './extracts';
import { sampleCommand } from './sample';
import { userCommands } from './users';
export type Command = (args: string[]) => Promise<number>;

export class UsageError extends Error {
	exitCode = 2;
}

export const commands: Record<string, Command> = {};
Object.assign(commands, extractCommands);
commands.sample = sampleCommand;
Object.assign(commands, userCommands);
commands.backup = backupCommand;
commands.bench = benchCommand;

export function usage(): string {
	return [
		'Usage: npm run cli -- <command> [options]',
		'',
		'Commands:',
		'  load <file.csv> [--kind K] [--mode merge|replace] [--mapping NAME] [--as-of YYYY-MM-DD] [--as USER] [--url URL --token TOKEN]',
		'  load <folder> [--mode merge|replace] [--as-of YYYY-MM-DD] [--as USER] [--url URL --token TOKEN]',
		'                                   every CSV of the folder in dependency order, one summary',
		'  sample [--out DIR] [--scale N] [--seed S]',
		'  uploads                          list uploads, newest first',
		'  rollback <upload-id>             make an upload inactive',
		'  restore <upload-id>              make a rolled-back upload active again',
		'  purge [--dry-run]                delete archived files older than RETENTION_DAYS (records stay)',
		"  purge <upload-id> --reason R     delete one upload's archived file now",
		'  user add <name> --role R[,R...] [--password-stdin]',
		'  user list | user disable|enable <name> | user roles <name> R[,R...]',
		'  user password <name> [--password-stdin]',
		'  token create <name> [--label L] | token list [<name>] | token revoke <id>',
		'  backup create <folder> [--url URL --token TOKEN]   a consistent backup with a manifest',
		'  backup restore <folder>          restore into an empty DATABASE_PATH/DATA_DIR, checked',
		'  backup verify <folder>           check a backup folder against its manifest',
		'  bench [--rows N] [--json] [--app BUILD_DIR]   measure ingest, queries, HTTP and memory (issue 13)',
		''
	].join('\n');
}
