// The sample data set: seeded, clearly synthetic extracts of every kind (April 2019 – March 2025)
// calibrated to a real force's published volumes (facts.md), for first start, demos and benchmarks.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { KindName } from '../extracts/contract';
import { LOAD_ORDER as ORDER } from '../../load-order';
import { generateActivity } from './activity';
import { contractHeader, CsvWriter } from './csv';
import { AREA_WEIGHTS, DEFAULT_SEED } from './model';
import { Random, Weighted } from './random';
import { populationCsv, PREVALENCE_CSV } from './reference';
import { SampleSafeguarding } from './safeguarding';
import { assignTraining, generateStaff, writeTraining, writeWorkforce } from './workforce';

export { DEFAULT_SEED } from './model';

export interface SampleFile {
	kind: KindName;
	path: string;
	fileName: string;
	rows: number;
}

export interface SampleFiles {
	outDir: string;
	seed: number;
	scale: number;
	/** In the order to load them: reference first, then staff, then what refers to them. */
	files: SampleFile[];
}

export interface SampleOptions {
	outDir: string;
	/** Multiplies police-activity volumes (not population or prevalence); default 1. */
	scale?: number;
	seed?: number;
}

/** The sample's files in the order the Extracts page and `cli load <folder>` load them. */
export const LOAD_ORDER: readonly KindName[] = ORDER;

function countLines(text: string): number {
	return text.split('\n').filter((l) => l.length > 0).length - 1;
}

export async function generateSample(opts: SampleOptions): Promise<SampleFiles> {
	const scale = opts.scale ?? 1;
	const seed = opts.seed ?? DEFAULT_SEED;
	if (!Number.isFinite(scale) || scale <= 0) {
		throw new Error(
			`The sample scale must be a positive number (e.g. 1, 0.1 or 50), not ${scale}.`
		);
	}
	if (!Number.isInteger(seed))
		throw new Error(`The sample seed must be a whole number, not ${seed}.`);
	await fs.mkdir(opts.outDir, { recursive: true });
	const file = (kind: KindName) => path.join(opts.outDir, `${kind}.csv`);
	const rows = {} as Record<KindName, number>;

	// Reference data does not scale: it describes the population, not police activity.
	const population = populationCsv();
	await fs.writeFile(file('population'), population);
	rows.population = countLines(population);
	await fs.writeFile(file('prevalence'), PREVALENCE_CSV);
	rows.prevalence = countLines(PREVALENCE_CSV);

	// Each part draws from its own stream, so changing one part leaves the others' files unchanged.
	const staff = generateStaff(new Random(seed, 'workforce'), scale);
	const training = assignTraining(new Random(seed, 'training'), staff);
	rows.workforce = (await writeWorkforce(file('workforce'), staff)).rows;
	rows.training = (await writeTraining(file('training'), training)).rows;

	const writers = {
		crimes: await CsvWriter.open(file('crimes'), contractHeader('crimes')),
		arrests: await CsvWriter.open(file('arrests'), contractHeader('arrests')),
		outcomes: await CsvWriter.open(file('outcomes'), contractHeader('outcomes')),
		incidents: await CsvWriter.open(file('incidents'), contractHeader('incidents')),
		risk_assessments: await CsvWriter.open(
			file('risk_assessments'),
			contractHeader('risk_assessments')
		),
		protective_orders: await CsvWriter.open(
			file('protective_orders'),
			contractHeader('protective_orders')
		)
	};
	try {
		const safeguarding = new SampleSafeguarding(
			new Random(seed, 'recognition'),
			new Random(seed, 'risk_assessments'),
			new Random(seed, 'protective_orders'),
			scale,
			new Weighted(AREA_WEIGHTS),
			writers
		);
		await generateActivity(new Random(seed, 'activity'), scale, staff, writers, safeguarding);
		await safeguarding.finish();
	} finally {
		for (const w of Object.values(writers)) await w.close();
	}
	for (const [kind, w] of Object.entries(writers)) rows[kind as KindName] = w.rows;

	return {
		outDir: opts.outDir,
		seed,
		scale,
		files: LOAD_ORDER.map((kind) => ({
			kind,
			path: file(kind),
			fileName: `${kind}.csv`,
			rows: rows[kind]
		}))
	};
}
