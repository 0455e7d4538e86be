// The command line as an operator runs it (`node --import tsx scripts/cli.ts`, as `npm run cli` does):
// exit codes, stdout data and stderr messages, a database held by the running server, and --url.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser, userFromToken } from '../../src/lib/server/auth';
import { openDb } from '../../src/lib/server/db';
import { saveMapping } from '../../src/lib/server/extracts/mappings';
import { startServer, type TestServer } from '../helpers/server';
import { NICHE_MAPPING } from '../fixtures/mappings/niche-mapping';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.resolve(import.meta.dirname, '../fixtures/http');
const crimes = path.join(fixtures, 'crimes.csv');
const invalid = path.join(fixtures, 'crimes-invalid.csv');
const niche = path.resolve(import.meta.dirname, '../fixtures/mappings/niche-crimes.csv');
const folders = {
	ok: path.resolve(import.meta.dirname, '../fixtures/cli-folder/ok'),
	refused: path.resolve(import.meta.dirname, '../fixtures/cli-folder/refused')
};

/** Save NICHE_MAPPING on the database file at `dbPath`. */
async function saveNicheMapping(dbPath: string): Promise<void> {
	const db = await openDb(dbPath);
	try {
		await saveMapping(db, NICHE_MAPPING, { user: 'test' });
	} finally {
		await db.close();
	}
}

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Run one CLI command with its own database settings; resolves when the process exits. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
			cwd: root,
			env: { ...process.env, LOG_LEVEL: 'warn', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

interface Upload {
	id: string;
	kind: string;
	mode: string;
	active: boolean;
	rows: number;
	inserted: number;
	uploaded_by: string;
	as_of: string;
}

describe('command line on a database file of its own', () => {
	let dir: string;
	let env: Record<string, string>;
	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-cli-'));
		env = { DATABASE_PATH: path.join(dir, 'dashboard.duckdb'), DATA_DIR: dir };
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	const listUploads = async (): Promise<Upload[]> => {
		const run = await cli(['uploads', '--json'], env);
		expect(run.code, run.stderr).toBe(0);
		return JSON.parse(run.stdout) as Upload[];
	};

	it('refuses an invalid extract with exit 1, every problem by line and column, and loads nothing', async () => {
		const run = await cli(['load', invalid, '--kind', 'crimes'], env);
		expect(run.code).toBe(1);
		// Line 2: recorded_date 2024-13-01 (month 13); line 3: domestic_abuse "maybe".
		expect(run.stderr).toMatch(/Refused/);
		expect(run.stderr).toContain('line 2, recorded_date');
		expect(run.stderr).toContain('2024-13-01');
		expect(run.stderr).toContain('line 3, domestic_abuse');
		// Its report is kept whole, the first refused report of this database.
		expect(run.stderr).toMatch(
			/The whole report is kept as rf1: \d+ problems, on the site at \/extracts\/refused\/rf1, as CSV at \/api\/v1\/extracts\/refused\/rf1\?format=csv\./
		);
		expect(JSON.parse(run.stdout).error.code).toBe('invalid_extract');
		expect(await listUploads()).toEqual([]);
	});

	let uploadId = '';
	it('loads a valid extract with exit 0: the upload as JSON on stdout, messages on stderr', async () => {
		const run = await cli(
			['load', crimes, '--mode', 'replace', '--as', 'cli.tester', '--as-of', '2024-05-01'],
			env
		);
		expect(run.code, run.stderr).toBe(0);
		const upload = JSON.parse(run.stdout) as Upload;
		// crimes.csv has 12 data rows, all new; taken the day after its latest record (30 April).
		expect(upload).toMatchObject({
			kind: 'crimes',
			mode: 'replace',
			rows: 12,
			inserted: 12,
			active: true,
			uploaded_by: 'cli.tester',
			as_of: '2024-05-01'
		});
		expect(run.stderr).toContain(
			`Loaded crimes upload ${upload.id} (replace): 12 rows, 12 new, 0 replaced; taken 2024-05-01.`
		);
		expect(run.stdout).not.toContain('Loaded');
		uploadId = upload.id;
	});

	it('lists uploads as a table and as JSON', async () => {
		const run = await cli(['uploads'], env);
		expect(run.code).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^id\s+kind\s+mode\s+active\s+rows/);
		expect(lines).toHaveLength(2);
		expect(lines[1]).toMatch(new RegExp(`^${uploadId}\\s+crimes\\s+replace\\s+yes\\s+12\\s`));
		expect((await listUploads()).map((u) => u.id)).toEqual([uploadId]);
	});

	it('rolls an upload back and restores it, printing the upload and a message', async () => {
		const back = await cli(['rollback', uploadId], env);
		expect(back.code, back.stderr).toBe(0);
		expect(JSON.parse(back.stdout)).toMatchObject({ id: uploadId, active: false });
		expect(back.stderr).toMatch(/Rolled back crimes upload/);
		expect((await listUploads())[0].active).toBe(false);

		const again = await cli(['restore', uploadId], env);
		expect(again.code, again.stderr).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({ id: uploadId, active: true });
		expect((await listUploads())[0].active).toBe(true);

		const unknown = await cli(['rollback', 'no-such-upload'], env);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/no-such-upload/);
	});

	// Each refusal names what was wrong (the option or the value), or lists the commands.
	it.each([
		[
			'load without a file',
			['load'],
			/^load needs exactly one file or folder: load <file\.csv\|folder>/
		],
		[
			'load of a folder with --kind',
			['load', folders.ok, '--kind', 'crimes'],
			/^--kind is for one file: the files of a folder are recognised by their headers/
		],
		[
			'load of a folder with --mapping',
			['load', folders.ok, '--mapping', 'Niche crimes export'],
			/^--mapping is for one file/
		],
		[
			'load with an empty --mapping',
			['load', crimes, '--mapping', ' '],
			/^--mapping needs the name/
		],
		['load with an unknown mode', ['load', crimes, '--mode', 'sideways'], /--mode .*"sideways"/],
		[
			'load with an unknown kind',
			['load', crimes, '--kind', 'burglaries'],
			/--kind .*"burglaries"/
		],
		['load with an unknown option', ['load', crimes, '--colour', 'red'], /--colour/],
		[
			'load with an as-of that is not a date',
			['load', crimes, '--as-of', '1/5/2024'],
			/^--as-of must be a date written YYYY-MM-DD .*"1\/5\/2024"/
		],
		['--url without --token', ['uploads', '--url', 'http://127.0.0.1:9'], /--url and --token/],
		['rollback without an id', ['rollback'], /^rollback needs one upload id/],
		['an unknown command', ['frobnicate'], /^Usage: npm run cli -- <command>/],
		['sample with a bad scale', ['sample', '--scale', 'lots'], /--scale .*"lots"/]
	])('exits 2 with usage on stderr for %s', async (_label, args, says) => {
		const run = await cli(args, env);
		expect(run.code).toBe(2);
		expect(run.stderr.trim()).toMatch(says);
		expect(run.stdout).toBe('');
	});

	it('writes byte-identical sample files for the same seed and scale', async () => {
		const write = async (out: string) => {
			const run = await cli(
				['sample', '--out', path.join(dir, out), '--scale', '0.05', '--seed', '7'],
				env
			);
			expect(run.code, run.stderr).toBe(0);
			// stdout: kind<TAB>rows<TAB>path per file.
			expect(run.stdout.trimEnd().split('\n')).toHaveLength(10);
			return run;
		};
		await write('a');
		await write('b');
		const names = fs.readdirSync(path.join(dir, 'a')).sort();
		expect(names).toEqual([
			'arrests.csv',
			'crimes.csv',
			'incidents.csv',
			'outcomes.csv',
			'population.csv',
			'prevalence.csv',
			'protective_orders.csv',
			'risk_assessments.csv',
			'training.csv',
			'workforce.csv'
		]);
		expect(fs.readdirSync(path.join(dir, 'b')).sort()).toEqual(names);
		for (const name of names) {
			const a = fs.readFileSync(path.join(dir, 'a', name));
			expect(a.length, name).toBeGreaterThan(0);
			expect(a.equals(fs.readFileSync(path.join(dir, 'b', name))), name).toBe(true);
		}
	});

	it('prints only the new token on stdout for token create, and the token signs in as that user', async () => {
		const add = await cli(['user', 'add', 'tess.token', '--role', 'analyst'], env);
		expect(add.code, add.stderr).toBe(0);
		const run = await cli(['token', 'create', 'tess.token', '--label', 'nightly'], env);
		expect(run.code, run.stderr).toBe(0);
		// Exactly one line, the token, so TOKEN=$(npm run -s cli -- token create …) works.
		expect(run.stdout).toMatch(/^spd_\S+\n$/);
		const db = await openDb(env.DATABASE_PATH);
		try {
			const user = await userFromToken(db, run.stdout.trim());
			expect(user).toMatchObject({ name: 'tess.token', roles: ['analyst'] });
		} finally {
			await db.close();
		}
	});
});

interface FolderSummary {
	loaded: number;
	refused: number;
	warnings: number;
	files: {
		file: string;
		kind: string | null;
		mapping: { name: string; version: number } | null;
		status: 'loaded' | 'refused';
		rows?: number;
		warnings?: string[];
		error?: { code: string };
	}[];
}

describe('load with a mapping, and load of a whole folder', () => {
	let dir: string;
	let env: Record<string, string>;
	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-cli-folder-'));
		env = { DATABASE_PATH: path.join(dir, 'dashboard.duckdb'), DATA_DIR: dir };
		await saveNicheMapping(env.DATABASE_PATH);
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	const uploads = async () => {
		const run = await cli(['uploads', '--json'], env);
		expect(run.code, run.stderr).toBe(0);
		return (JSON.parse(run.stdout) as Upload[]).reverse();
	};

	it('refuses an unknown mapping by name with exit 1, loading nothing', async () => {
		const run = await cli(['load', niche, '--mapping', 'Connect crimes'], env);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('There is no mapping named "Connect crimes".');
		expect(JSON.parse(run.stdout).error.code).toBe('bad_parameter');
		expect(await uploads()).toEqual([]);
	});

	it('loads a non-contract export with --mapping NAME, its report naming the mapping and version', async () => {
		const run = await cli(
			['load', niche, '--mapping', 'Niche crimes export', '--as', 'cli.tester'],
			env
		);
		expect(run.code, run.stderr).toBe(0);
		const upload = JSON.parse(run.stdout) as Upload & {
			report: { mapping: { name: string; version: number } };
		};
		// niche-crimes.csv: 6 crimes, all new.
		expect(upload).toMatchObject({
			kind: 'crimes',
			rows: 6,
			inserted: 6,
			uploaded_by: 'cli.tester'
		});
		expect(upload.report.mapping).toEqual({ name: 'Niche crimes export', version: 1 });
		expect(run.stderr).toContain('Read with the mapping "Niche crimes export" (version 1)');
		// Rolled back so the folder below loads the same file again as its own upload.
		expect((await cli(['rollback', upload.id], env)).code).toBe(0);
	});

	it('loads every CSV of a folder in dependency order, the Niche export by its saved mapping, exit 0', async () => {
		const before = (await uploads()).length;
		const run = await cli(['load', folders.ok, '--as', 'month.end'], env);
		expect(run.code, run.stderr).toBe(0);
		const summary = JSON.parse(run.stdout) as FolderSummary;
		// File-name order is arrests, crimes, training, workforce, population, outcomes; the load
		// goes population, workforce, training, crimes, arrests, outcomes (fixtures README).
		expect(summary.files.map((f) => [f.file, f.kind, f.status, f.rows])).toEqual([
			['5-population.csv', 'population', 'loaded', 3],
			['4-workforce.csv', 'workforce', 'loaded', 2],
			['3-training.csv', 'training', 'loaded', 1],
			['2-niche-crimes.csv', 'crimes', 'loaded', 6],
			['1-arrests.csv', 'arrests', 'loaded', 2],
			['6-outcomes.csv', 'outcomes', 'loaded', 1]
		]);
		expect(summary.files[3].mapping).toEqual({ name: 'Niche crimes export', version: 1 });
		expect([summary.loaded, summary.refused]).toEqual([6, 0]);
		// Each file found the rows it refers to already loaded: no "not in the current … dataset".
		for (const f of summary.files) {
			expect(
				f.warnings!.filter((w) => /not in the current/.test(w)),
				f.file
			).toEqual([]);
		}
		const made = (await uploads()).slice(before);
		expect(made.map((u) => [u.kind, u.uploaded_by])).toEqual([
			['population', 'month.end'],
			['workforce', 'month.end'],
			['training', 'month.end'],
			['crimes', 'month.end'],
			['arrests', 'month.end'],
			['outcomes', 'month.end']
		]);
		expect(run.stderr).toMatch(/Summary: 6 loaded, 0 refused, \d+ warnings?, of 6 files in /);
	});

	it('goes on past a refused file, summarises every file and exits 1', async () => {
		const before = (await uploads()).length;
		const run = await cli(['load', folders.refused], env);
		expect(run.code).toBe(1);
		const summary = JSON.parse(run.stdout) as FolderSummary;
		// Crimes before outcomes; the file of no kind last.
		expect(summary.files.map((f) => [f.file, f.kind, f.status, f.error?.code])).toEqual([
			['b-crimes.csv', 'crimes', 'loaded', undefined],
			['a-outcomes.csv', 'outcomes', 'refused', 'invalid_extract'],
			['c-mystery.csv', null, 'refused', 'no_header']
		]);
		expect([summary.loaded, summary.refused]).toEqual([1, 2]);
		expect(run.stderr).toMatch(/Summary: 1 loaded, 2 refused, /);
		expect(run.stderr).toContain('  refused  a-outcomes.csv: ');
		expect((await uploads()).slice(before).map((u) => u.kind)).toEqual(['crimes']);
	});

	it('says a folder without CSV files has none, exit 1', async () => {
		const empty = path.join(dir, 'empty');
		fs.mkdirSync(empty);
		const run = await cli(['load', empty], env);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`There is no CSV file in ${empty}.`);
	});
});

describe('command line while the server runs on the database', () => {
	let server: TestServer;
	let token = '';
	let env: Record<string, string>;
	beforeAll(async () => {
		server = await startServer({
			setup: async (db) => {
				await createUser(db, {
					name: 'ana.lyst',
					roles: ['analyst'],
					password: 'copper-orchard-lamp-7',
					mustChangePassword: false,
					actor: 'test'
				});
				token = (await createToken(db, { userName: 'ana.lyst', label: 'cli', actor: 'test' }))
					.token;
				await saveMapping(db, NICHE_MAPPING, { user: 'test' });
			}
		});
		env = { DATABASE_PATH: server.dbPath, DATA_DIR: server.dataDir };
	});
	afterAll(async () => server?.stop());

	it('explains that the database is in use, without a raw lock error, and exits 1', async () => {
		for (const args of [['load', crimes], ['uploads'], ['rollback', 'x'], ['token', 'list']]) {
			const run = await cli(args, env);
			expect(run.code, args.join(' ')).toBe(1);
			expect(run.stderr, args.join(' ')).toMatch(/is in use by another process/);
			expect(run.stderr, args.join(' ')).not.toMatch(/Could not set lock|IO Error|at .*\.js:\d+/);
			expect(run.stdout, args.join(' ')).toBe('');
		}
	});

	it('loads through the API with --url and --token, and lists the upload the same way', async () => {
		const remote = ['--url', `${server.url}/`, '--token', token];
		const run = await cli(
			['load', crimes, '--kind', 'crimes', '--as-of', '2024-05-02', ...remote],
			env
		);
		expect(run.code, run.stderr).toBe(0);
		// The API's 201 body: made as the token's user, 12 new rows, the as-at date passed on.
		const upload = JSON.parse(run.stdout) as Upload;
		expect(upload).toMatchObject({
			kind: 'crimes',
			mode: 'merge',
			rows: 12,
			inserted: 12,
			as_of: '2024-05-02'
		});
		expect(upload.uploaded_by).toBe('ana.lyst');
		expect(run.stderr).toContain(`Loaded crimes upload ${upload.id}`);

		// Only this upload exists: the refused local attempts above loaded nothing.
		const list = await cli(['uploads', '--json', ...remote], env);
		expect(list.code, list.stderr).toBe(0);
		expect((JSON.parse(list.stdout) as Upload[]).map((u) => u.id)).toEqual([upload.id]);

		// The same server's metrics now see the 9 stalking crimes.
		const res = await fetch(`${server.url}/api/v1/metrics/monthly?from=2024-01&to=2024-04`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect((await res.json()).totals.recorded).toBe(9);
	});

	it('reports a refused remote load with exit 1 and the problems by line', async () => {
		const run = await cli(['load', invalid, '--url', server.url, '--token', token], env);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/Refused/);
		expect(run.stderr).toMatch(/line 2/);
		expect(JSON.parse(run.stdout).error.code).toBe('invalid_extract');
	});

	it('loads a folder through the API in dependency order, the Niche export by the server’s saved mapping', async () => {
		const run = await cli(['load', folders.ok, '--url', server.url, '--token', token], env);
		expect(run.code, run.stderr).toBe(0);
		const summary = JSON.parse(run.stdout) as FolderSummary;
		expect(summary.files.map((f) => [f.file, f.status, f.rows])).toEqual([
			['5-population.csv', 'loaded', 3],
			['4-workforce.csv', 'loaded', 2],
			['3-training.csv', 'loaded', 1],
			['2-niche-crimes.csv', 'loaded', 6],
			['1-arrests.csv', 'loaded', 2],
			['6-outcomes.csv', 'loaded', 1]
		]);
		expect(summary.files[3].mapping).toEqual({ name: 'Niche crimes export', version: 1 });
		const res = await fetch(`${server.url}/api/v1/extracts?kind=crimes`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const latest = (await res.json()).uploads[0] as Upload;
		expect(latest).toMatchObject({ rows: 6, uploaded_by: 'ana.lyst' });
	});

	it('refuses a bad token through the API with exit 1 and the server’s message', async () => {
		const run = await cli(['uploads', '--url', server.url, '--token', 'spd_wrong'], env);
		expect(run.code).toBe(1);
		// The server's 401 invalid_token message, passed on.
		expect(run.stderr).toContain('The API token is not valid');
		expect(run.stdout).toBe('');
	});
});
