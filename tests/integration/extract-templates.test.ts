// Every kind's CSV template (the Extracts page's download) loads through the real pipeline into a real
// DuckDB file: its two example rows pass every rule, and its header is the contract's, detected alone.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { datasetCounts, loadExtract } from '../../src/lib/server/extracts';
import { KIND_NAMES } from '../../src/lib/server/extracts/contract';
import { templateCsv } from '../../src/lib/server/extracts/templates';
import { extractDbs } from '../helpers/extract-db';

const dbs = extractDbs('extract-templates-');
afterAll(() => dbs.cleanup());

describe('extract templates', () => {
	for (const kind of KIND_NAMES) {
		it(`the ${kind} template's two rows load, its kind detected from the header`, async () => {
			const { db, config, dir } = await dbs.next();
			const file = path.join(dir, `${kind}-template.csv`);
			fs.writeFileSync(file, templateCsv(kind));
			// No kind given: the template's header alone must say which kind it is.
			const outcome = await loadExtract(
				db,
				{ path: file },
				{ user: 'analyst1', config, today: '2025-06-10' }
			);
			expect(outcome, JSON.stringify(outcome).slice(0, 2000)).toMatchObject({ ok: true });
			if (!outcome.ok) return;
			expect(outcome.upload.kind).toBe(kind);
			expect(outcome.upload.rows).toBe(2);
			expect(outcome.upload.inserted).toBe(2);
			expect((await datasetCounts(db))[kind]).toBe(2);
		});
	}

	it('a template has a header and exactly two rows, every line ending CRLF', () => {
		const text = templateCsv('arrests');
		expect(text).toBe(
			'arrest_ref,crime_ref,arrest_date\r\n' +
				'EXAMPLE-AR-0001,EXAMPLE-CR-0001,2024-04-05\r\n' +
				'EXAMPLE-AR-0002,EXAMPLE-CR-0002,2024-04-20\r\n'
		);
	});
});
