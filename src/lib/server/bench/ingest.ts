// Part a: the pipeline's load of the crimes file against a bare CREATE TABLE … AS SELECT of it, in
// this process on the same database (so the same DuckDB settings), with the other kinds loaded
// through the pipeline around it.
import type { Config } from '../config';
import type { Db } from '../db';
import type { KindName } from '../extracts/contract';
import { loadExtract } from '../extracts/index';
import type { RoadStep } from '../extracts/pipeline';
import type { SampleFile } from '../sample/index';
import { SAMPLE_AS_OF } from '../sample/load';
import { peakRssMb, resetPeakRss } from './rss';
import { since } from './stats';

export const BENCH_USER = 'bench';

/** Kinds the crimes file refers to (incidents) or that no kind after it needs: loaded first. */
export const BEFORE_CRIMES: readonly KindName[] = [
	'population',
	'prevalence',
	'workforce',
	'training',
	'incidents'
];

/** Load one file exactly as an upload does, taken on the sample's as-at day; throw if refused. */
export async function loadFile(
	db: Db,
	config: Config,
	file: string,
	kind: KindName,
	mode: 'merge' | 'replace' = 'merge',
	onStepTime?: (step: RoadStep, ms: number) => void
): Promise<number> {
	const started = performance.now();
	const outcome = await loadExtract(
		db,
		{ path: file },
		{ kind, mode, asOf: SAMPLE_AS_OF, user: BENCH_USER, config, onStepTime }
	);
	if (!outcome.ok) {
		throw new Error(
			`The benchmark's ${kind} file was refused (${outcome.error.code}): ${outcome.error.message}`
		);
	}
	return since(started) / 1000;
}

/** Load the given kinds of the sample in its load order; seconds per kind. */
export async function loadKinds(
	db: Db,
	config: Config,
	files: readonly SampleFile[],
	kinds: readonly KindName[],
	onKind: (kind: KindName, rows: number) => void = () => undefined
): Promise<Record<string, number>> {
	const seconds: Record<string, number> = {};
	for (const f of files.filter((f) => kinds.includes(f.kind))) {
		onKind(f.kind, f.rows);
		seconds[f.kind] = await loadFile(db, config, f.path, f.kind, 'replace');
	}
	return seconds;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The bare load: DuckDB's reader straight into a table, on the writer connection; then dropped. */
export async function bareLoad(db: Db, file: string): Promise<number> {
	const started = performance.now();
	await db.exclusive((conn) =>
		conn.run(`CREATE TABLE bench_bare AS SELECT * FROM read_csv(${sqlString(file)})`)
	);
	const seconds = since(started) / 1000;
	await db.exclusive((conn) => conn.run('DROP TABLE bench_bare'));
	return seconds;
}

export interface IngestResult {
	seconds: number;
	bareSeconds: number;
	/** Peak RSS (MB) during each, when it could be reset between them; else null. */
	peakRssMb: number | null;
	barePeakRssMb: number | null;
	/** Seconds of each step of the pipeline's load (scan, stage, validate, guard, commit). */
	stages: Record<RoadStep, number>;
}

/** The road's steps in order, as the report lists them. */
export const ROAD_STEPS: readonly RoadStep[] = ['scan', 'stage', 'validate', 'guard', 'commit'];

/** The bare load first, then the pipeline's (the file is in the page cache for both). */
export async function compareIngest(db: Db, config: Config, crimes: string): Promise<IngestResult> {
	const reset = resetPeakRss();
	const bareSeconds = await bareLoad(db, crimes);
	const barePeak = reset ? peakRssMb() : null;
	resetPeakRss();
	const stages = Object.fromEntries(ROAD_STEPS.map((s) => [s, 0])) as Record<RoadStep, number>;
	const seconds = await loadFile(db, config, crimes, 'crimes', 'replace', (step, ms) => {
		stages[step] += ms / 1000;
	});
	const peak = reset ? peakRssMb() : null;
	return { seconds, bareSeconds, peakRssMb: peak, barePeakRssMb: barePeak, stages };
}
