// What start-up removes after an upload was cut short: temp bodies, partial archives, and an archive
// renamed just before a commit that never happened (no upload names it). Archives of uploads stay.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeUploadLeftovers } from '../../src/lib/server/extracts/leftovers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('upload leftovers', () => {
	it('removes every file no upload names and keeps the archives of uploads', () => {
		fs.mkdirSync(path.join(dir, 'uploads'));
		fs.mkdirSync(path.join(dir, 'tmp'));
		for (const f of [
			'uploads/up1_aaa.csv.gz',
			'uploads/up2_bbb.csv.gz',
			'uploads/up3_ccc.csv.gz', // renamed, then the server died before the commit
			'uploads/.partial-ddd.gz',
			'tmp/eee.csv'
		]) {
			fs.writeFileSync(path.join(dir, f), 'x');
		}
		const removed = removeUploadLeftovers(
			dir,
			new Set(['uploads/up1_aaa.csv.gz', 'uploads/up2_bbb.csv.gz'])
		);
		expect(removed.sort()).toEqual([
			'tmp/eee.csv',
			'uploads/.partial-ddd.gz',
			'uploads/up3_ccc.csv.gz'
		]);
		expect(fs.readdirSync(path.join(dir, 'uploads')).sort()).toEqual([
			'up1_aaa.csv.gz',
			'up2_bbb.csv.gz'
		]);
		expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
	});
});
