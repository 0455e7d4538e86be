// The benchmark command as an operator runs it, small (issue 13): `bench --rows 20000 --json` over
// the test build. It proves the command runs end to end and reports every figure; it asserts no
// timing (speed is what the command measures, not what a test on a shared machine can judge).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROWS_TOLERANCE } from '../../src/lib/server/bench/sample';

const root = path.resolve(import.meta.dirname, '../..');

const REQUIRED = [
	'rows',
	'ingest_s',
	'ingest_bare_s',
	'ingest_ratio',
	'query_p50_ms',
	'query_p95_ms',
	'query_cold_p95_ms',
	'query_ratio',
	'page_p95_ms',
	'http_p50_ms',
	'http_p95_ms',
	'http_errors',
	'http_during_ingest_p95_ms',
	'peak_rss_mb'
] as const;

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'bench', ...args], {
			cwd: root,
			env: { ...process.env, LOG_LEVEL: 'warn', BENCH_APP_BUILD: inject('appBuild') },
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

describe('npm run cli -- bench --rows 20000 --json', () => {
	it('reports every figure as a finite number, with no HTTP error, and leaves no folder behind', async () => {
		const run = await bench(['--rows', '20000', '--json']);
		expect(run.code, run.stderr).toBe(0);
		// Progress on stderr while it ran; the table, then the JSON object as the last line, on stdout.
		expect(run.stderr).toMatch(/^bench +\d+ s {2}generating 20000 crimes/m);
		const lines = run.stdout.trimEnd().split('\n');
		expect(run.stdout).toContain('Ingest (crimes file)');
		const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;

		for (const key of REQUIRED) {
			expect(result, key).toHaveProperty(key);
			const value = result[key];
			expect(typeof value, key).toBe('number');
			expect(Number.isFinite(value), key).toBe(true);
			expect(value as number, key).toBeGreaterThanOrEqual(0);
		}
		// The generator draws its volumes around scale × the scale-1 sample: N within ROWS_TOLERANCE.
		const rows = result.rows as number;
		expect(Number.isInteger(rows)).toBe(true);
		expect(Math.abs(rows - 20000)).toBeLessThanOrEqual(ROWS_TOLERANCE * 20000);
		expect(result.rows_requested).toBe(20000);
		expect((result.rows_by_kind as Record<string, number>).crimes).toBe(rows);

		// The pipeline's load by step, each a number of seconds (not judged: timings vary).
		const stages = result.ingest_stages_s as Record<string, unknown>;
		expect(Object.keys(stages)).toEqual(['scan', 'stage', 'validate', 'guard', 'commit']);
		for (const [step, seconds] of Object.entries(stages)) {
			expect(typeof seconds, step).toBe('number');
			expect(Number.isFinite(seconds), step).toBe(true);
			expect(seconds as number, step).toBeGreaterThanOrEqual(0);
		}
		expect(run.stdout).toMatch(/^ {2}pipeline: validate +\d/m);

		expect(result.http_errors).toBe(0);
		expect(result.http_during_ingest_errors).toBe(0);
		expect(result.http_during_ingest_upload_status).toBe(201);
		expect(result.http_requests as number).toBeGreaterThan(0);
		expect(result.http_during_ingest_requests as number).toBeGreaterThan(0);

		// Every function, every filter set, cold and warm and bare; every page.
		const queries = result.queries as Record<string, Record<string, Record<string, number>>>;
		expect(Object.keys(queries).sort()).toEqual(
			[
				'identification',
				'journey',
				'monthly',
				'outcomes',
				'reporting',
				'safeguarding',
				'spc',
				'training'
			].sort()
		);
		for (const byFilter of Object.values(queries)) {
			expect(Object.keys(byFilter)).toHaveLength(3);
			for (const cell of Object.values(byFilter)) {
				for (const k of ['warm_p95_ms', 'cold_p95_ms', 'bare_p95_ms']) {
					expect(Number.isFinite(cell[k])).toBe(true);
				}
			}
		}
		expect(Object.keys(result.pages as object).sort()).toEqual(
			[
				'api:monthly',
				'areas',
				'arrests-and-charges',
				'overview',
				'safeguarding',
				'training',
				'under-reporting'
			].sort()
		);

		const tmp = result.tmp_dir as string;
		expect(path.dirname(tmp)).toBe(path.resolve(os.tmpdir()));
		expect(path.basename(tmp)).toMatch(/^dash-bench-/);
		expect(fs.existsSync(tmp)).toBe(false);
	}, 900_000);

	it('refuses a bad --rows with exit 2 and the usage', async () => {
		const run = await bench(['--rows', 'many']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--rows must be a whole number');
		expect(run.stdout).toBe('');
	});
});
