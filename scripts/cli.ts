// `npm run cli -- <command>`: the dashboard's command line over the same functions as the server.
// Messages go to stderr, data to stdout. Exit codes: 0 done, 1 refused/failed, 2 usage.
import { commands, usage } from '../src/lib/server/cli/index';

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
	process.stderr.write(usage());
	process.exit(name ? 2 : 0);
}
try {
	process.exitCode = await command(args);
} catch (err) {
	process.stderr.write(`${(err as Error).message}\n`);
	process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
}
