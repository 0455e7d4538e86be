// The `sample` command: write the synthetic sample extracts as CSV files.
import path from 'node:path';
import { UsageError } from './index';
import { DEFAULT_SEED, generateSample } from '../sample/index';

const SAMPLE_USAGE = 'Usage: sample [--out DIR] [--scale N] [--seed S]';

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	if (i === -1) return undefined;
	const value = args[i + 1];
	if (value === undefined || value.startsWith('--'))
		throw new UsageError(`${name} needs a value. ${SAMPLE_USAGE}`);
	return value;
}

/** `sample [--out DIR] [--scale N] [--seed S]`: prints "kind<TAB>rows<TAB>path" per file on stdout. */
export async function sampleCommand(args: string[]): Promise<number> {
	const known = new Set(['--out', '--scale', '--seed']);
	for (let i = 0; i < args.length; i += 2) {
		if (!known.has(args[i])) throw new UsageError(`Unknown option "${args[i]}". ${SAMPLE_USAGE}`);
	}
	const outDir = option(args, '--out') ?? path.join('data', 'sample');
	const scaleText = option(args, '--scale') ?? '1';
	const seedText = option(args, '--seed') ?? String(DEFAULT_SEED);
	const scale = Number(scaleText);
	const seed = Number(seedText);
	if (!Number.isFinite(scale) || scale <= 0)
		throw new UsageError(
			`--scale must be a positive number such as 1, 0.1 or 50, not "${scaleText}".`
		);
	if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(seed))
		throw new UsageError(`--seed must be a whole number, not "${seedText}".`);

	const started = performance.now();
	process.stderr.write(`Writing the sample (seed ${seed}, scale ${scale}) to ${outDir}…\n`);
	const sample = await generateSample({ outDir, scale, seed });
	for (const f of sample.files) process.stdout.write(`${f.kind}\t${f.rows}\t${f.path}\n`);
	process.stderr.write(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
	return 0;
}
