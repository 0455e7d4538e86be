// The Extracts page's history filters (uploads and refused attempts) and the rows a rollback or restore
// would change, on hand-made uploads in a real DuckDB file: every figure below is counted by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	datasetCounts,
	loadExtract,
	restoreUpload,
	rollbackUpload
} from '../../src/lib/server/extracts';
import { describeEffect, toggleEffect } from '../../src/lib/server/extracts/effect';
import { describeFilter, readHistory } from '../../src/lib/server/extracts/history';
import { purgeUploadFile } from '../../src/lib/server/extracts/retention';
import type { KindName } from '../../src/lib/server/extracts/contract';
import { extractDbs } from '../helpers/extract-db';

const HEADER = 'crime_ref,recorded_date,offence_code,area,domestic_abuse';
const dbs = extractDbs('extract-history-');
let db: Db;
let config: Config;
let dir: string;
afterAll(() => dbs.cleanup());

async function load(name: string, lines: string[], user: string, kind: KindName, mode = 'merge') {
	const file = path.join(dir, name);
	fs.writeFileSync(file, lines.join('\n') + '\n');
	return loadExtract(
		db,
		{ path: file },
		{ kind, user, config, today: '2025-06-10', mode: mode as 'merge' | 'replace' }
	);
}

const history = (q: string) => readHistory(db, new URLSearchParams(q));

describe('rollback and restore effect in rows', () => {
	beforeAll(async () => {
		({ db, config, dir } = await dbs.next());
		// up1: C1–C4. up2: new versions of C3 and C4, and C5. Current: C1, C2 from up1; C3–C5 from up2.
		expect(
			await load(
				'a.csv',
				[HEADER, ...[1, 2, 3, 4].map((i) => `C${i},2025-01-0${i},8Q,North,N`)],
				'anna',
				'crimes'
			)
		).toMatchObject({ ok: true });
		expect(
			await load(
				'b.csv',
				[HEADER, ...[3, 4, 5].map((i) => `C${i},2025-02-0${i},8Q,North,Y`)],
				'anna',
				'crimes'
			)
		).toMatchObject({ ok: true });
	});

	it('rolling back a merge removes its rows and brings back the versions it replaced', async () => {
		const e = (await toggleEffect(db, 'up2'))!;
		expect(e).toEqual({
			action: 'rollback',
			id: 'up2',
			kind: 'crimes',
			before: 5,
			after: 4,
			out: [{ upload: 'up2', rows: 3 }],
			in: [{ upload: 'up1', rows: 2 }]
		});
		expect(describeEffect(e)).toBe(
			'Rolling back up2 removes 3 rows from the current crimes dataset and brings back 2 from up1; the dataset goes from 5 rows to 4 rows.'
		);
		await rollbackUpload(db, 'up2', 'anna');
		expect((await datasetCounts(db)).crimes).toBe(4);
	});

	it('restoring it puts its rows back in place of the earlier versions', async () => {
		const e = (await toggleEffect(db, 'up2'))!;
		expect(describeEffect(e)).toBe(
			'Restoring up2 puts 3 rows into the current crimes dataset and takes out 2 from up1; the dataset goes from 4 rows to 5 rows.'
		);
		await restoreUpload(db, 'up2', 'anna');
		expect((await datasetCounts(db)).crimes).toBe(5);
	});

	it('rolling back a replace brings back every upload before it, counted by upload', async () => {
		expect(
			await load('c.csv', [HEADER, 'C6,2025-03-01,8Q,South,N'], 'bob', 'crimes', 'replace')
		).toMatchObject({ ok: true });
		expect((await datasetCounts(db)).crimes).toBe(1);
		const e = (await toggleEffect(db, 'up3'))!;
		expect(describeEffect(e)).toBe(
			'Rolling back up3 removes 1 row from the current crimes dataset and brings back 5 from up2 (3) and up1 (2); the dataset goes from 1 row to 5 rows.'
		);
		expect(await toggleEffect(db, 'up99')).toBeUndefined();
	});
});

describe('history filters', () => {
	beforeAll(async () => {
		({ db, config, dir } = await dbs.next());
		await load('a.csv', [HEADER, 'C1,2025-01-01,8Q,North,N'], 'anna', 'crimes');
		await load('b.csv', ['arrest_ref,crime_ref,arrest_date', 'A1,C1,2025-01-02'], 'bob', 'arrests');
		await load(
			'c.csv',
			[HEADER, 'C2,2025-01-02,8Q,North,N', 'C3,2025-01-03,8Q,North,N'],
			'anna',
			'crimes'
		);
		// Refused: a month 13.
		expect(
			await load('bad.csv', [HEADER, 'C9,2025-13-01,8Q,North,N'], 'bob', 'crimes')
		).toMatchObject({ ok: false });
		await rollbackUpload(db, 'up3', 'anna');
		await purgeUploadFile(db, config, 'up1', { user: 'admin', reason: 'test' });
	});

	it('lists loaded and refused uploads newest first', async () => {
		const h = await history('');
		expect(h.rows.map((r) => [r.id, r.statuses])).toEqual([
			[null, ['refused']],
			['up3', ['rolled_back']],
			['up2', ['active']],
			['up1', ['active', 'purged']]
		]);
		expect(h.rows[0]).toMatchObject({ kind: 'crimes', file_name: 'bad.csv', uploaded_by: 'bob' });
		expect(h.uploaders).toEqual(['anna', 'bob']);
		expect(h.errors).toEqual([]);
	});

	it('filters by status, kind and uploader together', async () => {
		const ids = async (q: string) => (await history(q)).rows.map((r) => r.id ?? 'refused');
		expect(await ids('status=refused')).toEqual(['refused']);
		expect(await ids('status=rolled_back')).toEqual(['up3']);
		expect(await ids('status=active')).toEqual(['up2', 'up1']);
		expect(await ids('status=purged')).toEqual(['up1']);
		expect(await ids('kind=crimes&by=bob')).toEqual(['refused']);
		expect(await ids('kind=crimes&by=anna&status=active')).toEqual(['up1']);
		expect(await ids('by=bob')).toEqual(['refused', 'up2']);
		const f = (await history('kind=crimes&status=refused&by=bob')).filter;
		expect(describeFilter(f)).toBe('Refused crimes uploads by bob, newest first');
	});

	it('says which value is wrong and shows everything instead', async () => {
		const h = await history('kind=crime&status=gone&by=carol');
		expect(h.rows).toHaveLength(4);
		expect(h.filter).toEqual({ kind: '', status: '', by: '' });
		expect(h.errors).toEqual([
			{ field: 'filter-kind', message: '"crime" is not a kind of extract; showing every kind.' },
			{
				field: 'filter-status',
				message:
					'"gone" is not a status; use active, rolled_back, refused, purged. Showing every status.'
			},
			{ field: 'filter-by', message: 'No upload was made by "carol"; showing every uploader.' }
		]);
	});
});
