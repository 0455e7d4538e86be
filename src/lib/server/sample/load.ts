// Loading the sample at first start: when every dataset is empty (and SAMPLE_DATA is on), generate
// the sample and load each file through loadExtract, exactly as an analyst's upload would go.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import type { Db } from '../db';
import { datasetCounts, loadExtract } from '../extracts/index';
import { isoDate } from './calendar';
import { generateSample } from './index';
import { LAST_DAY } from './model';

export const SAMPLE_USER = 'sample-data';
/** The sample's extracts are taken the day after its last day, so March 2025 is complete. */
export const SAMPLE_AS_OF = isoDate(LAST_DAY + 1);

/** 41231 -> "41,231", without the process locale (logs should read the same on every machine). */
export function thousands(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface SampleLoadResult {
	loaded: boolean;
	/** Why nothing was loaded, when nothing was. */
	reason?: 'disabled' | 'not_empty';
	rows?: Record<string, number>;
	seconds?: number;
}

/**
 * Load the sample when the database holds no data at all. A refusal of the sample is a bug in the
 * generator or the loader, so it throws with the loader's own message and details.
 */
export async function loadSampleIfEmpty(
	db: Db,
	config: Config,
	log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)
): Promise<SampleLoadResult> {
	if (!config.sampleData) return { loaded: false, reason: 'disabled' };
	const counts = await datasetCounts(db);
	if (Object.values(counts).some((n) => n > 0)) return { loaded: false, reason: 'not_empty' };

	const started = performance.now();
	// Under DATA_DIR/tmp, where DuckDB may read (db/index.ts), so no file needs a copy.
	const tmp = path.join(config.dataDir, 'tmp');
	await fs.mkdir(tmp, { recursive: true });
	const dir = await fs.mkdtemp(path.join(tmp, 'sample-'));
	try {
		log('Generating sample data (synthetic, April 2019 – March 2025)…');
		const sample = await generateSample({ outDir: dir });
		const rows: Record<string, number> = {};
		for (const file of sample.files) {
			log(`Loading sample data: ${file.kind} ${thousands(file.rows)} rows…`);
			const outcome = await loadExtract(
				db,
				{ path: file.path, fileName: `sample-${file.fileName}` },
				{ kind: file.kind, mode: 'replace', asOf: SAMPLE_AS_OF, user: SAMPLE_USER, config }
			);
			if (!outcome.ok) {
				const details = outcome.error.details
					.slice(0, 5)
					.map((d) => JSON.stringify(d))
					.join('; ');
				throw new Error(
					`The sample ${file.kind} file was refused (${outcome.error.code}): ${outcome.error.message}` +
						(details ? ` — ${details}` : '') +
						`. This is a bug in the sample generator or the loader; start with SAMPLE_DATA=off to skip the sample.`
				);
			}
			rows[file.kind] = outcome.upload.rows;
		}
		const seconds = (performance.now() - started) / 1000;
		log(`Sample data loaded in ${seconds.toFixed(1)} s.`);
		return { loaded: true, rows, seconds };
	} finally {
		await fs.rm(dir, { recursive: true, force: true });
	}
}
