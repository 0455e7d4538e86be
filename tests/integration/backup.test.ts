// Backups on real DuckDB files (src/lib/server/backup.ts): a backup of the sample restored into an
// empty place has every table and every figure the original has; a backup taken while an upload
// runs holds that upload wholly or not at all; a damaged or partial backup, or a place that is not
// empty, is refused with a message naming what is wrong, and the refusal leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
	createBackup,
	restoreBackup,
	tableChecksums,
	thousands,
	verifyBackup,
	type Manifest,
	type TableSum
} from '../../src/lib/server/backup';
import { createToken, createUser } from '../../src/lib/server/auth';
import { readConfig, type Config } from '../../src/lib/server/config';
import { openDb, type Db } from '../../src/lib/server/db';
import { SCHEMA_VERSION } from '../../src/lib/server/db/migrations';
import {
	archivedFilePath,
	listUploads,
	loadExtract,
	rollbackUpload
} from '../../src/lib/server/extracts';
import {
	areas,
	identification,
	journey,
	monthly,
	outcomes,
	parseFilters,
	reporting,
	safeguarding,
	spc,
	training
} from '../../src/lib/server/metrics';
import { loadSampleIfEmpty, SAMPLE_AS_OF } from '../../src/lib/server/sample/load';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-int-'));
const dataDir = path.join(root, 'original');
const config: Config = {
	...readConfig({ DATA_DIR: dataDir, SAMPLE_DATA: 'on' }),
	databasePath: path.join(dataDir, 'dashboard.duckdb')
};
let db: Db;
let good = '';
let goodManifest: Manifest;
let places = 0;

/** A place to restore into that does not exist yet. */
function place(): Config {
	const dir = path.join(root, `place-${++places}`);
	return { ...config, dataDir: dir, databasePath: path.join(dir, 'dashboard.duckdb') };
}

/** Every figure the metrics layer computes, for a few filter sets. */
async function figures(q: Db) {
	const first = (await areas(q)).areas[0];
	const out: Record<string, unknown> = {};
	for (const query of [
		'',
		'from=2023-04&to=2024-03',
		`area=${encodeURIComponent(first)}&domestic_abuse=Y`
	]) {
		const f = await parseFilters(new URLSearchParams(query), q);
		out[query || 'default'] = {
			monthly: await monthly(q, f),
			outcomes: await outcomes(q, f),
			reporting: await reporting(q, f),
			identification: await identification(q, f),
			training: await training(q, f),
			spc: {
				recorded: await spc(q, f, 'recorded'),
				arrests: await spc(q, f, 'arrests'),
				charges: await spc(q, f, 'charges')
			},
			safeguarding: await safeguarding(q, f),
			journey: await journey(q, f)
		};
	}
	return out;
}

/** Checksums of every table but `backups`, which the original gains a row in after each backup. */
async function sums(q: Db): Promise<Record<string, TableSum>> {
	const all = await tableChecksums(q);
	delete all.backups;
	return all;
}

/** Every file under a folder, relative, with its sha256 (to show a place was left as it was). */
function listing(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	if (!fs.existsSync(dir)) return out;
	for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
		const p = path.join(dir, name);
		if (fs.statSync(p).isFile()) {
			out[name] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
		} else out[`${name}/`] = 'dir';
	}
	return out;
}

async function openPlace(p: Config): Promise<Db> {
	return openDb(p.databasePath, { dataDir: p.dataDir });
}

/** A copy of the good backup to damage. */
function copyOfGood(): string {
	const dir = path.join(root, `damaged-${crypto.randomBytes(3).toString('hex')}`);
	fs.cpSync(good, dir, { recursive: true });
	return dir;
}

const editManifest = (dir: string, edit: (m: Manifest) => void) => {
	const file = path.join(dir, 'manifest.json');
	const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
	edit(m);
	fs.writeFileSync(file, JSON.stringify(m));
};

beforeAll(async () => {
	db = await openDb(config.databasePath, { dataDir });
	const sample = await loadSampleIfEmpty(db, config, () => undefined);
	expect(sample.loaded).toBe(true);
	// Accounts, a token and an upload rolled back: more than the datasets to carry over.
	await createUser(db, {
		name: 'ada',
		roles: ['admin'],
		password: 'correct horse battery',
		actor: 'test'
	});
	await createToken(db, { userName: 'ada', actor: 'test' });
	const training = (await listUploads(db, { kind: 'training' }))[0];
	await rollbackUpload(db, training.id, 'test');
	good = path.join(root, 'good');
	const progress: string[] = [];
	const started = performance.now();
	goodManifest = (await createBackup(db, config, good, (m) => progress.push(m), { user: 'test' }))
		.manifest;
	console.info(
		`backup of the sample: ${goodManifest.bytes} bytes, ${goodManifest.files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);
	expect(progress.join('\n')).toMatch(/exporting the database/);
}, 300_000);

afterAll(async () => {
	await db?.close();
	fs.rmSync(root, { recursive: true, force: true });
});

describe('a backup of the sample', () => {
	it('has a manifest of every table (rows, checksum) and every archived file (bytes, sha256)', async () => {
		const m = await verifyBackup(good);
		expect(m).toMatchObject({
			format: 'stalking-dashboard-backup',
			format_version: 1,
			schema_version: SCHEMA_VERSION,
			method: 'direct',
			created_by: 'test',
			missing: []
		});
		const now = await tableChecksums(db);
		expect(Object.keys(m.tables).sort()).toEqual(Object.keys(now).sort());
		for (const [t, s] of Object.entries(m.tables)) {
			if (t !== 'backups') expect({ t, rows: s.rows, sha256: s.sha256 }).toEqual({ t, ...now[t] });
		}
		expect(m.tables.crimes.rows).toBeGreaterThan(50_000);
		const archived = await db.all<{ p: string }>(
			'SELECT archive_path AS p FROM uploads WHERE file_purged_at IS NULL ORDER BY seq'
		);
		const files = m.files.filter((f) => f.path.startsWith('uploads/'));
		expect(files.map((f) => f.path)).toEqual(archived.map((a) => a.p));
		for (const f of files) {
			const bytes = fs.readFileSync(path.join(dataDir, f.path));
			expect(f.bytes).toBe(bytes.length);
			expect(f.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
		}
		// Recorded for the Admin page, checked.
		const row = await db.one<{ verified: boolean; method: string; tables: number }>(
			'SELECT verified, method, tables FROM backups WHERE id = $id',
			{ id: m.id }
		);
		expect(row).toEqual({ verified: true, method: 'direct', tables: Object.keys(m.tables).length });
	});

	it('restores into an empty place: every table and every figure as the original', async () => {
		const p = place();
		const r = await restoreBackup(good, p);
		expect(r.files).toBe(goodManifest.files.filter((f) => f.path.startsWith('uploads/')).length);
		const restored = await openPlace(p);
		try {
			const got = await tableChecksums(restored);
			for (const [t, s] of Object.entries(goodManifest.tables)) {
				expect({ t, ...got[t] }).toEqual({ t, rows: s.rows, sha256: s.sha256 });
			}
			expect(await sums(restored)).toEqual(await sums(db));
			expect(await figures(restored)).toEqual(await figures(db));
			// The archived files, byte for byte.
			const mine = listing(path.join(dataDir, 'uploads'));
			expect(listing(path.join(p.dataDir, 'uploads'))).toEqual(mine);
			// Sequences carried over: the next upload takes the next number, as it would have.
			const next = await restored.one<{ n: number; max: number }>(
				`SELECT nextval('upload_seq')::INTEGER AS n, (SELECT max(seq) FROM uploads) AS max`
			);
			expect(next!.n).toBeGreaterThan(next!.max);
		} finally {
			await restored.close();
		}
	}, 120_000);
});

describe('a backup taken while an upload runs', () => {
	it('holds that upload wholly or not at all, and restores to the matching state', async () => {
		// A large-ish crimes extract: the sample's crimes three times under new refs (180,000 rows).
		const crimesUpload = (await listUploads(db, { kind: 'crimes' }))[0];
		const original = zlib
			.gunzipSync(fs.readFileSync(archivedFilePath(config, crimesUpload)))
			.toString('utf8')
			.trimEnd()
			.split('\n');
		const lines = [original[0]];
		for (const k of [1, 2, 3]) {
			for (const l of original.slice(1)) lines.push(l.replace(/^SYN-CR-/, `SYN-C${k}-`));
		}
		const big = path.join(root, 'crimes-more.csv');
		fs.writeFileSync(big, lines.join('\n') + '\n');

		const before = { sums: await sums(db), figures: await figures(db) };
		const uploadsDir = path.join(dataDir, 'uploads');
		let committed = 0;
		const loading = loadExtract(
			db,
			{ path: big, fileName: 'crimes-more.csv' },
			{ kind: 'crimes', mode: 'merge', asOf: SAMPLE_AS_OF, user: 'test', config }
		).then((r) => {
			committed = performance.now();
			return r;
		});
		// The upload is under way once its archive is being written (.partial-…), before it stages.
		for (let i = 0; !fs.readdirSync(uploadsDir).some((n) => n.startsWith('.partial-')); i++) {
			if (i > 10_000) throw new Error('the upload never started');
			await new Promise((r) => setTimeout(r, 2));
		}
		expect(committed).toBe(0);
		const folder = path.join(root, 'during');
		const backingUp = createBackup(db, config, folder);
		const [load, backup] = await Promise.all([loading, backingUp]);
		expect(load.ok).toBe(true);
		const upload = load.ok ? load.upload : undefined;
		const after = { sums: await sums(db), figures: await figures(db) };
		expect(after.sums.crimes.rows).toBe(before.sums.crimes.rows + 3 * (original.length - 1));
		expect(after.figures).not.toEqual(before.figures);

		const { seq } = (await db.one<{ seq: number }>('SELECT seq FROM uploads WHERE id = $id', {
			id: upload!.id
		}))!;
		const m = backup.manifest;
		const holds = m.uploads.includes(upload!.id);
		const expected = holds ? after : before;
		// Nothing of the upload in flight but what its commit brought: no half-written archive.
		expect(m.files.some((f) => f.path.includes('.partial-'))).toBe(false);
		expect(m.files.some((f) => f.path.includes(upload!.id + '_'))).toBe(holds);
		console.info(
			`backup during an upload: the snapshot ${holds ? 'holds' : 'precedes'} upload ${upload!.id}`
		);

		const p = place();
		await restoreBackup(folder, p);
		const restored = await openPlace(p);
		try {
			expect(await sums(restored)).toEqual(expected.sums);
			expect(await figures(restored)).toEqual(expected.figures);
			// The uploads table and the crimes table agree: the upload with all its rows, or neither.
			const rows = await restored.one<{ n: number; listed: number }>(
				`SELECT (SELECT count(*) FROM h_crimes WHERE upload_seq = $seq)::INTEGER AS n,
					(SELECT count(*) FROM uploads WHERE id = $id)::INTEGER AS listed`,
				{ seq, id: upload!.id }
			);
			expect(rows).toEqual(holds ? { n: upload!.rows, listed: 1 } : { n: 0, listed: 0 });
			const orphans = await restored.one<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM crimes c WHERE NOT EXISTS
					(SELECT 1 FROM uploads u WHERE u.seq = c.upload_seq AND u.active)`
			);
			expect(orphans!.n).toBe(0);
		} finally {
			await restored.close();
		}
	}, 300_000);
});

describe('refusals, which leave nothing behind', () => {
	/** Restore `folder` into a new place and expect a refusal matching `message`; nothing is left. */
	async function refused(folder: string, message: RegExp, into = place()) {
		const before = listing(into.dataDir);
		await expect(restoreBackup(folder, into)).rejects.toThrow(message);
		expect(listing(into.dataDir)).toEqual(before);
		expect(fs.existsSync(into.dataDir)).toBe(Object.keys(before).length > 0);
	}

	it('refuses a truncated archived file, naming it with its size and the size the manifest says', async () => {
		const dir = copyOfGood();
		const f = goodManifest.files.find((x) => x.path.startsWith('uploads/') && x.bytes > 100_000)!;
		fs.truncateSync(path.join(dir, f.path), 12_345);
		await refused(
			dir,
			new RegExp(
				`^Refused: the backup is damaged or partial: ${f.path.replace(/\./g, '\\.')} is 12,345 bytes, the manifest says ${thousands(f.bytes)}\\.`
			)
		);
	});

	it('refuses a truncated database file and a missing one', async () => {
		const cut = copyOfGood();
		const big = path.join(cut, goodManifest.tables.h_incidents.file);
		fs.truncateSync(big, Math.floor(fs.statSync(big).size / 2));
		await refused(
			cut,
			/the backup is damaged or partial: database\/h_incidents\.parquet is [\d,]+ bytes, the manifest says [\d,]+/
		);
		const gone = copyOfGood();
		fs.rmSync(path.join(gone, goodManifest.tables.crimes.file));
		await refused(gone, /the backup is damaged or partial: database\/crimes\.parquet is missing/);
	});

	it('refuses a file of the right size with other contents', async () => {
		const dir = copyOfGood();
		const f = goodManifest.files.find((x) => x.path.startsWith('uploads/'))!;
		const file = path.join(dir, f.path);
		const bytes = fs.readFileSync(file);
		bytes[bytes.length - 1] ^= 0xff;
		fs.writeFileSync(file, bytes);
		await refused(
			dir,
			new RegExp(
				`damaged or partial: ${f.path.replace(/\./g, '\\.')} does not have the contents the manifest lists`
			)
		);
	});

	it('refuses a manifest with a wrong row count once the tables are loaded, removing the database it built', async () => {
		const dir = copyOfGood();
		editManifest(dir, (m) => (m.tables.crimes.rows += 1));
		const rows = goodManifest.tables.crimes.rows;
		await refused(
			dir,
			new RegExp(
				`damaged or partial: table crimes has ${thousands(rows)} rows once restored, the manifest says ${thousands(rows + 1)}`
			)
		);
	}, 120_000);

	it('refuses a backup without its manifest, a truncated manifest, and one from a newer schema', async () => {
		const none = copyOfGood();
		fs.rmSync(path.join(none, 'manifest.json'));
		await refused(none, /damaged or partial: manifest\.json is missing/);
		const cut = copyOfGood();
		const text = fs.readFileSync(path.join(cut, 'manifest.json'), 'utf8');
		fs.writeFileSync(path.join(cut, 'manifest.json'), text.slice(0, text.length / 2));
		await refused(cut, /damaged or partial: manifest\.json is not whole JSON/);
		const newer = copyOfGood();
		editManifest(newer, (m) => (m.schema_version = 99));
		await refused(
			newer,
			new RegExp(
				`This backup was made by a newer version of the dashboard \\(schema version 99; this code knows up to ${SCHEMA_VERSION}\\)\\. Nothing was restored\\.`
			)
		);
	});

	it('refuses a place whose database holds data, or whose DATA_DIR/uploads has files, changing nothing', async () => {
		// A database with a user in it.
		const withData = place();
		const other = await openPlace(withData);
		await createUser(other, {
			name: 'someone',
			roles: ['viewer'],
			password: 'correct horse battery',
			actor: 'test'
		});
		await other.close();
		await refused(
			good,
			/restore needs an empty place, and the database .* already holds data \(.*users/,
			withData
		);
		// Files in DATA_DIR/uploads.
		const withFiles = place();
		fs.mkdirSync(path.join(withFiles.dataDir, 'uploads'), { recursive: true });
		fs.writeFileSync(path.join(withFiles.dataDir, 'uploads', 'up1_x.csv.gz'), 'x');
		await refused(
			good,
			/restore needs an empty place, and .*uploads already has 1 file\b/,
			withFiles
		);
	});

	it('takes a place whose database is new and empty (as a first start leaves it)', async () => {
		const fresh = place();
		await (await openPlace(fresh)).close();
		await restoreBackup(good, fresh);
		const restored = await openPlace(fresh);
		try {
			expect((await tableChecksums(restored)).crimes).toEqual({
				rows: goodManifest.tables.crimes.rows,
				sha256: goodManifest.tables.crimes.sha256
			});
		} finally {
			await restored.close();
		}
	}, 120_000);
});
