// The personal-data guard over every column (extra ones included), the archive that keeps the
// contract's columns only, and retention (RETENTION_DAYS and the audited purge), on real DuckDB files.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Db } from '../../src/lib/server/db';
import type { Config } from '../../src/lib/server/config';
import {
	archivedFilePath,
	getUpload,
	loadExtract,
	rollbackUpload,
	type LoadOutcome,
	type UploadInfo
} from '../../src/lib/server/extracts';
import { getExtractFile } from '../../src/lib/server/extracts/api';
import { purgeExpired, purgeUploadFile } from '../../src/lib/server/extracts/retention';
import { purge } from '../../src/lib/server/cli/extracts';
import { HttpError } from '../../src/lib/server/http';
import { extractDbs } from '../helpers/extract-db';

const TODAY = '2024-06-01';
const HEAD = 'crime_ref,recorded_date,offence_code,area,domestic_abuse';

let dir: string;
let db: Db;
let config: Config;

const dbs = extractDbs('extracts-guard-');
beforeEach(async () => ({ db, config, dir } = await dbs.next()));
afterAll(() => dbs.cleanup());

let files = 0;
function write(text: string): string {
	const file = path.join(dir, `file-${++files}.csv`);
	fs.writeFileSync(file, text);
	return file;
}

function load(text: string, fileName?: string): Promise<LoadOutcome> {
	return loadExtract(
		db,
		{ path: write(text), fileName },
		{ user: 'analyst1', config, today: TODAY, mode: 'merge' }
	);
}

async function loaded(text: string, fileName?: string): Promise<UploadInfo> {
	const r = await load(text, fileName);
	if (!r.ok) throw new Error(`expected the file to load: ${r.error.message}`);
	return r.upload;
}

/** Every table but the audit log and the refused reports (a refusal keeps its report), as JSON text, and the files under DATA_DIR/uploads. */
async function snapshot(): Promise<Record<string, string>> {
	const tables = await db.all<{ name: string }>(
		`SELECT table_name AS name FROM information_schema.tables
		 WHERE table_schema = 'main' AND table_name NOT IN ('audit_log', 'refused_reports', 'refused_problems') ORDER BY 1`
	);
	const out: Record<string, string> = {};
	for (const { name } of tables) {
		out[name] = JSON.stringify(await db.all(`SELECT * FROM "${name}" ORDER BY ALL`));
	}
	const uploads = path.join(dir, 'uploads');
	out['files:uploads'] = JSON.stringify(
		fs.existsSync(uploads) ? fs.readdirSync(uploads).sort() : []
	);
	return out;
}

/** Load the text, expect a personal-data refusal that changed nothing, and return it. */
async function refusedAsPersonal(text: string) {
	const before = await snapshot();
	const r = await load(text);
	if (r.ok) throw new Error('expected the file to be refused');
	expect(r.status).toBe(422);
	expect(r.error.code).toBe('personal_data');
	expect(await snapshot()).toEqual(before);
	return r;
}

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('every column passes the guard', () => {
	it.each([
		['Victim', 'a person'],
		['suspect', 'a person'],
		['details', 'free text'],
		['Remarks', 'free text'],
		['location', 'a location'],
		['VRM', 'a vehicle registration'],
		['D.O.B', 'a date of birth'],
		['E-mail', 'an email address']
	])(
		'refuses a crimes file with an extra column named %s (%s), changing nothing',
		async (name, what) => {
			const r = await refusedAsPersonal(`${HEAD},${name}\nCR-1,2023-01-05,8Q,Mansfield,Y,x\n`);
			expect(r.error.message).toContain(`column "${name}" (${what})`);
			expect(r.error.details).toMatchObject([{ line: 1, column: name, personal: true }]);
		}
	);

	it('still loads the contract columns victim_sex and victim_age_band', async () => {
		const u = await loaded(
			`${HEAD},victim_sex,victim_age_band\nCR-1,2023-01-05,8Q,Mansfield,Y,F,25_34\n`
		);
		expect(u.rows).toBe(1);
		expect(u.warnings).toEqual([]);
	});

	it('refuses victim_sex in an arrests file, where it is not a contract column', async () => {
		const r = await refusedAsPersonal(
			'arrest_ref,crime_ref,arrest_date,victim_sex\nAR-1,CR-1,2023-01-06,F\n'
		);
		expect(r.error.message).toContain('column "victim_sex" (a person)');
	});

	it.each([
		['QQ 12 34 56 C', 'a National Insurance number'],
		['TN123456A', 'a National Insurance number'],
		['AB12 CDE', 'a UK vehicle registration'],
		['192.168.10.20', 'an IPv4 address'],
		['jo.bloggs@example.com', 'an email address']
	])('refuses %s in an ignored extra column as %s, naming line and column', async (value, what) => {
		const r = await refusedAsPersonal(
			`${HEAD},force_division\nCR-1,2023-01-05,8Q,Mansfield,Y,West\nCR-2,2023-01-06,8Q,Mansfield,Y,${value}\n`
		);
		expect(r.report!.problems).toHaveLength(1);
		expect(r.report!.problems[0]).toMatchObject({
			line: 3,
			column: 'force_division',
			personal: true
		});
		expect(r.report!.problems[0].reason).toContain(`looks like ${what}`);
		expect(JSON.stringify(r)).not.toContain(value.slice(1));
	});

	it('refuses a National Insurance number with the placeholder prefix QQ in a contract column', async () => {
		const r = await refusedAsPersonal(`${HEAD}\nCR-1,2023-01-05,8Q,QQ 12 34 56 C,Y\n`);
		expect(r.report!.problems.map((p) => [p.line, p.column, p.value])).toEqual([
			[2, 'area', 'Q… (13 characters, hidden)']
		]);
	});

	it('refuses a date where a ref is expected, as a likely date of birth', async () => {
		const r = await refusedAsPersonal(
			`${HEAD},incident_ref\n12/03/1985,2023-01-05,8Q,Mansfield,Y,INC-1\nCR-2,2023-01-06,8Q,Mansfield,Y,1985-03-12\n`
		);
		expect(r.report!.problems.map((p) => [p.line, p.column, p.value, p.reason])).toEqual([
			[
				2,
				'crime_ref',
				'1… (10 characters, hidden)',
				'has a value that looks like a full date where a ref is expected (perhaps a date of birth): the dashboard takes anonymised data only — remove or pseudonymise this column in the export'
			],
			[
				3,
				'incident_ref',
				'1… (10 characters, hidden)',
				'has a value that looks like a full date where a ref is expected (perhaps a date of birth): the dashboard takes anonymised data only — remove or pseudonymise this column in the export'
			]
		]);
		expect(r.error.message).toContain('holds values that look like personal data');
	});

	it('refuses an extra column of free text, and keeps one of single words', async () => {
		const r = await refusedAsPersonal(
			`${HEAD},officer_view\n` +
				'CR-1,2023-01-05,8Q,Mansfield,Y,followed her home twice\n' +
				'CR-2,2023-01-06,8Q,Mansfield,Y,West\n' +
				'CR-3,2023-01-07,8Q,Mansfield,Y,sent many messages daily\n'
		);
		expect(r.report!.problems.map((p) => [p.line, p.column, p.value, p.personal])).toEqual([
			[2, 'officer_view', '', true]
		]);
		expect(r.report!.problems[0].reason).toMatch(
			/^holds free text \(2 of its 3 filled cells have three or more words\)/
		);
		expect(r.error.message).not.toContain('followed');
		const ok = await loaded(`${HEAD},force_division\nCR-1,2023-01-05,8Q,Mansfield,Y,West Bank\n`);
		expect(ok.rows).toBe(1);
	});
});

describe('the archive keeps the contract columns only', () => {
	const original =
		'Force Division,crime_ref,recorded_date,offence_code,area,domestic_abuse,victim_sex\n' +
		'West,CR-1,2023-01-05,8Q, Mansfield ,Y,F\n' +
		'East,CR-2,05/01/2023,8q,"Ashfield, North",Yes,\n';

	it('archives the header and rows of the contract columns in the file order, with both checksums', async () => {
		const u = await loaded(original, 'crimes with divisions.csv');
		const archived = zlib.gunzipSync(fs.readFileSync(archivedFilePath(config, u))).toString();
		expect(archived).toBe(
			'crime_ref,recorded_date,offence_code,area,domestic_abuse,victim_sex\n' +
				'CR-1,2023-01-05,8Q,Mansfield,Y,F\n' +
				'CR-2,05/01/2023,8q,"Ashfield, North",Yes,\n'
		);
		expect(archived).not.toContain('West');
		expect(u.sha256).toBe(sha(original));
		expect(u.archive_sha256).toBe(sha(archived));
		expect(fs.readdirSync(path.join(dir, 'uploads')).filter((f) => f.startsWith('.'))).toEqual([]);

		const res = await getExtractFile(db, config, u.id);
		expect(res.headers.get('x-checksum-sha256')).toBe(sha(archived));
		expect(await res.text()).toBe(archived);

		// The same file again is still the same file (the original's checksum decides).
		const again = await load(original);
		expect(again.ok).toBe(false);
		if (!again.ok) expect(again.error.code).toBe('already_loaded');
	});

	it('archives a file with no extra column byte for byte', async () => {
		const text = `${HEAD}\r\nCR-1,2023-01-05,8Q,Mansfield,Y\r\n`;
		const u = await loaded(text);
		const archived = zlib.gunzipSync(fs.readFileSync(archivedFilePath(config, u)));
		expect(archived.toString()).toBe(text);
		expect(u.archive_sha256).toBe(u.sha256);
	});
});

describe('retention', () => {
	const DAY = 86_400_000;

	/** Three crimes uploads, dated 3000, 2000 and 10 days ago; the middle one rolled back. */
	async function history() {
		const a = await loaded(`${HEAD}\nCR-1,2023-01-05,8Q,Mansfield,Y\n`);
		const b = await loaded(`${HEAD}\nCR-2,2023-01-06,8Q,Mansfield,Y\n`);
		const c = await loaded(`${HEAD}\nCR-3,2023-01-07,8Q,Mansfield,Y\n`);
		await rollbackUpload(db, b.id, 'analyst1');
		const now = Date.now();
		for (const [u, days] of [
			[a, 3000],
			[b, 2000],
			[c, 10]
		] as const) {
			await db.write((tx) =>
				tx.run(`UPDATE uploads SET uploaded_at = $at::TIMESTAMPTZ WHERE id = $id`, {
					id: u.id,
					at: new Date(now - days * DAY).toISOString()
				})
			);
		}
		return { a, b, c, now: new Date(now) };
	}

	const onDisk = (u: UploadInfo) => fs.existsSync(archivedFilePath(config, u));
	const currentCrimes = () => db.all(`SELECT crime_ref FROM crimes ORDER BY 1`);
	const historyRows = () => db.all(`SELECT upload_seq, crime_ref FROM h_crimes ORDER BY ALL`);

	it('a dry run reports what the default 2,557 days would purge and changes nothing', async () => {
		const { a, now } = await history();
		const before = await snapshot();
		const audits = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit_log`);
		const r = await purgeExpired(db, config, { user: 'admin', dryRun: true, now });
		expect(r).toMatchObject({ retention_days: 2557, dry_run: true, files: 1 });
		expect(r.uploads.map((u) => u.id)).toEqual([a.id]);
		expect(await snapshot()).toEqual(before);
		expect(await db.one(`SELECT count(*)::INTEGER AS n FROM audit_log`)).toEqual(audits);
	});

	it('deletes the files of uploads older than RETENTION_DAYS, keeps records and rows, and audits the counts', async () => {
		const { a, b, c, now } = await history();
		const crimes = await currentCrimes();
		const rows = await historyRows();
		const bytes =
			fs.statSync(archivedFilePath(config, a)).size + fs.statSync(archivedFilePath(config, b)).size;
		const r = await purgeExpired(db, { ...config, retentionDays: 1000 }, { user: 'admin', now });
		expect(r.uploads.map((u) => [u.id, u.active])).toEqual([
			[a.id, true],
			[b.id, false]
		]);
		expect(r).toMatchObject({ retention_days: 1000, dry_run: false, files: 2, bytes });
		expect([onDisk(a), onDisk(b), onDisk(c)]).toEqual([false, false, true]);
		expect(await currentCrimes()).toEqual(crimes);
		expect(await historyRows()).toEqual(rows);
		const after = (await getUpload(db, a.id))!;
		expect(after).toMatchObject({
			sha256: a.sha256,
			rows: 1,
			file_purged_by: 'admin',
			file_purge_reason: 'retention: uploaded more than 1000 days ago (RETENTION_DAYS)'
		});
		expect(after.file_purged_at?.slice(0, 10)).toBe(now.toISOString().slice(0, 10));
		expect(after.report.rows).toBe(1);
		const log = await db.all<{ actor: string; details: string }>(
			`SELECT actor, details::VARCHAR AS details FROM audit_log WHERE action = 'purge_files'`
		);
		expect(log).toHaveLength(1);
		expect(JSON.parse(log[0].details)).toEqual({
			retention_days: 1000,
			cutoff: new Date(now.getTime() - 1000 * DAY).toISOString(),
			uploads: 2,
			files: 2,
			bytes,
			ids: [a.id, b.id]
		});
		// The download says the file is gone; the rolled-back upload can still be restored from history.
		await expect(getExtractFile(db, config, a.id)).rejects.toMatchObject({
			status: 410,
			code: 'file_purged'
		});
		// A second run finds nothing more to purge, and says so in its own audit row.
		const again = await purgeExpired(
			db,
			{ ...config, retentionDays: 1000 },
			{ user: 'admin', now }
		);
		expect(again).toMatchObject({ uploads: [], files: 0, bytes: 0 });
	});

	it('purges one upload at once with a reason, and refuses it without one', async () => {
		const u = await loaded(`${HEAD}\nCR-1,2023-01-05,8Q,Mansfield,Y\n`);
		await expect(purgeUploadFile(db, config, u.id, { user: 'admin', reason: ' ' })).rejects.toThrow(
			HttpError
		);
		expect(onDisk(u)).toBe(true);
		const r = await purgeUploadFile(db, config, u.id, {
			user: 'admin',
			reason: 'a victim name was found in area'
		});
		expect(r.files).toBe(1);
		expect(onDisk(u)).toBe(false);
		expect(await getUpload(db, u.id)).toMatchObject({
			active: true,
			file_purged_by: 'admin',
			file_purge_reason: 'a victim name was found in area'
		});
		await expect(
			purgeUploadFile(db, config, u.id, { user: 'admin', reason: 'again' })
		).rejects.toMatchObject({ status: 409, code: 'already_purged' });
	});

	it('npm run cli -- purge [--dry-run] honours RETENTION_DAYS and writes JSON to stdout', async () => {
		const { a, b, c } = await history();
		await db.close();
		const env = { ...process.env };
		Object.assign(process.env, {
			DATABASE_PATH: config.databasePath,
			DATA_DIR: dir,
			RETENTION_DAYS: '1500'
		});
		const stdout: string[] = [];
		const stderr: string[] = [];
		const out = vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
			stdout.push(String(t));
			return true;
		});
		const err = vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
			stderr.push(String(t));
			return true;
		});
		try {
			expect(await purge(['--dry-run'])).toBe(0);
			expect(JSON.parse(stdout.join(''))).toMatchObject({ dry_run: true, files: 2 });
			expect([onDisk(a), onDisk(b), onDisk(c)]).toEqual([true, true, true]);
			stdout.length = 0;
			expect(await purge(['--as', 'ops'])).toBe(0);
			expect(JSON.parse(stdout.join('')).uploads.map((u: { id: string }) => u.id)).toEqual([
				a.id,
				b.id
			]);
			expect(stderr.join('')).toMatch(
				/Purged 2 archived files .* \(RETENTION_DAYS 1500\); their records and rows are kept/
			);
			expect([onDisk(a), onDisk(b), onDisk(c)]).toEqual([false, false, true]);
			await expect(purge(['up1'])).rejects.toThrow(/needs a reason/);
		} finally {
			out.mockRestore();
			err.mockRestore();
			process.env = env;
		}
		({ db, config, dir } = await dbs.next());
	});
});
