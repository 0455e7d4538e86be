// The `bench` command (issue 13): thin over lib/server/bench. The table goes to stdout, progress to
// stderr, and with --json one JSON object is the last line of stdout.
import { parseArgs } from 'node:util';
import { UsageError } from './index';
import { runBench } from '../bench/index';
import { progressLine } from '../bench/progress';
import { summaryJson, table } from '../bench/report';

const BENCH_USAGE = 'Usage: bench [--rows N] [--json] [--app BUILD_DIR]';

export async function benchCommand(args: string[]): Promise<number> {
	let values: { rows?: string; json?: boolean; app?: string };
	try {
		({ values } = parseArgs({
			args,
			options: { rows: { type: 'string' }, json: { type: 'boolean' }, app: { type: 'string' } },
			strict: true,
			allowPositionals: false
		}));
	} catch (e) {
		throw new UsageError(`${(e as Error).message}. ${BENCH_USAGE}`);
	}
	const rowsText = values.rows ?? '1000000';
	const rows = Number(rowsText.replace(/_/g, ''));
	if (!Number.isSafeInteger(rows) || rows < 1000) {
		throw new UsageError(
			`--rows must be a whole number of crimes, 1000 or more, not "${rowsText}". ${BENCH_USAGE}`
		);
	}
	const progress = progressLine();
	try {
		const result = await runBench({
			rows,
			app: values.app ?? process.env.BENCH_APP_BUILD,
			onStep: (t) => progress.step(t)
		});
		progress.done();
		process.stdout.write(`${table(result)}\n`);
		if (values.json) process.stdout.write(`${JSON.stringify(summaryJson(result))}\n`);
		return 0;
	} finally {
		progress.done();
	}
}
