// The `bench` command (issue 13): thin over lib/server/bench. The table goes to stdout, progress to
// stderr, and with --json one JSON object is the last line of stdout.
import { parseArgs } from 'node:util';
import { UsageError } from './index';
import { runBench } from '../bench/index';
import { progressLine } from '../bench/progress';
import { summaryJson, table } from '../bench/report';

const BENCH_USAGE =
	'Usage: bench [--rows N] [--json] [--app BUILD_DIR] [--runs N] [--cold-rounds N] [--clients N] [--seconds N]';

/** The run's sizes other than --rows: whole numbers of at least 1, or the defaults (30, 10, 20, 20). */
const SIZES = {
	runs: 'runs',
	'cold-rounds': 'coldRounds',
	clients: 'clients',
	seconds: 'seconds'
} as const;

export async function benchCommand(args: string[]): Promise<number> {
	let values: {
		rows?: string;
		json?: boolean;
		app?: string;
		runs?: string;
		'cold-rounds'?: string;
		clients?: string;
		seconds?: string;
	};
	try {
		({ values } = parseArgs({
			args,
			options: {
				rows: { type: 'string' },
				json: { type: 'boolean' },
				app: { type: 'string' },
				runs: { type: 'string' },
				'cold-rounds': { type: 'string' },
				clients: { type: 'string' },
				seconds: { type: 'string' }
			},
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
	const sizes: Partial<Record<(typeof SIZES)[keyof typeof SIZES], number>> = {};
	for (const [flag, key] of Object.entries(SIZES) as [
		keyof typeof SIZES,
		(typeof SIZES)[keyof typeof SIZES]
	][]) {
		const text = values[flag];
		if (text === undefined) continue;
		const n = Number(text);
		if (!Number.isSafeInteger(n) || n < 1) {
			throw new UsageError(
				`--${flag} must be a whole number, 1 or more, not "${text}". ${BENCH_USAGE}`
			);
		}
		sizes[key] = n;
	}
	const progress = progressLine();
	try {
		const result = await runBench({
			rows,
			...sizes,
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
