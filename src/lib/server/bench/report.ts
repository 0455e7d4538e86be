// The benchmark's two outputs: a table to read, and one flat JSON object (issue 13's keys first,
// then the breakdowns).
import type { BenchResult } from './index';
import { ROAD_STEPS } from './ingest';
import { percentile, ratio, tenth, type Timing } from './stats';

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Sum of a field over the cells (the p50s of every function and filter set). */
function cellSum(res: BenchResult, pick: (c: { warm: Timing; bare: Timing }) => number): number {
	let total = 0;
	for (const byFilter of Object.values(res.queries.cells)) {
		for (const cell of Object.values(byFilter)) total += pick(cell);
	}
	return total;
}

export function summaryJson(res: BenchResult): Record<string, unknown> {
	const q = res.queries;
	const pct = (xs: number[], p: number) => (xs.length ? tenth(percentile(xs, p)) : null);
	const h = res.http;
	const singleErrors = Object.values(h.single).reduce((n, t) => n + t.errors, 0);
	const queries: Record<string, unknown> = {};
	for (const [fn, byFilter] of Object.entries(q.cells)) {
		queries[fn] = Object.fromEntries(
			Object.entries(byFilter).map(([set, c]) => [
				set,
				{
					warm_p50_ms: c.warm.p50,
					warm_p95_ms: c.warm.p95,
					cold_p50_ms: c.cold.p50,
					cold_p95_ms: c.cold.p95,
					bare_p50_ms: c.bare.p50,
					bare_p95_ms: c.bare.p95,
					ratio: ratio(c.warm.p50, c.bare.p50),
					statements: c.statements
				}
			])
		);
	}
	const pages = Object.fromEntries(
		Object.entries(h.loaded.byTarget).map(([name, t]) => [
			name,
			{
				p50_ms: t.p50,
				p95_ms: t.p95,
				requests: t.n,
				errors: t.errors,
				single_p50_ms: h.single[name]?.p50 ?? null,
				single_p95_ms: h.single[name]?.p95 ?? null,
				during_ingest_p95_ms: h.duringIngest.byTarget[name]?.p95 ?? null
			}
		])
	);
	return {
		rows: res.rows.crimes,
		rows_requested: res.rowsRequested,
		ingest_s: r2(res.ingest.seconds),
		ingest_bare_s: r2(res.ingest.bareSeconds),
		ingest_ratio: ratio(res.ingest.seconds, res.ingest.bareSeconds),
		query_p50_ms: pct(q.pooled.warm, 50),
		query_p95_ms: pct(q.pooled.warm, 95),
		query_cold_p95_ms: pct(q.pooled.cold, 95),
		query_ratio: ratio(
			cellSum(res, (c) => c.warm.p50),
			cellSum(res, (c) => c.bare.p50)
		),
		page_p95_ms: h.loaded.pages.p95,
		http_p50_ms: h.loaded.overall.p50,
		http_p95_ms: h.loaded.overall.p95,
		http_errors: h.loaded.errors + singleErrors + h.warmupErrors,
		http_during_ingest_p95_ms: h.duringIngest.overall.p95,
		peak_rss_mb: res.peakRssMb,
		// Further figures.
		query_cold_p50_ms: pct(q.pooled.cold, 50),
		query_bare_p50_ms: pct(q.pooled.bare, 50),
		query_bare_p95_ms: pct(q.pooled.bare, 95),
		filters_p50_ms: Object.fromEntries(Object.entries(q.filters).map(([k, t]) => [k, t.p50])),
		filters_p95_ms: Object.fromEntries(Object.entries(q.filters).map(([k, t]) => [k, t.p95])),
		page_p50_ms: h.loaded.pages.p50,
		page_single_p50_ms: h.singlePages.p50,
		page_single_p95_ms: h.singlePages.p95,
		http_requests: h.loaded.requests,
		http_rps: r2(h.loaded.requests / h.loaded.seconds),
		http_during_ingest_p50_ms: h.duringIngest.overall.p50,
		http_during_ingest_errors: h.duringIngest.errors,
		http_during_ingest_requests: h.duringIngest.requests,
		http_during_ingest_upload_s: h.duringIngest.uploadSeconds,
		http_during_ingest_upload_status: h.duringIngest.uploadStatus,
		ingest_stages_s: Object.fromEntries(ROAD_STEPS.map((s) => [s, r2(res.ingest.stages[s])])),
		ingest_peak_rss_mb: res.ingest.peakRssMb,
		ingest_bare_peak_rss_mb: res.ingest.barePeakRssMb,
		query_peak_rss_mb: res.queriesPeakRssMb,
		other_kinds_peak_rss_mb: res.otherKindsPeakRssMb,
		generate_peak_rss_mb: res.generatePeakRssMb,
		server_peak_rss_mb: h.serverPeakRssMb,
		database_mb: res.databaseMb,
		csv_mb: res.csvMb,
		generate_s: r2(res.generateSeconds),
		load_other_kinds_s: Object.fromEntries(
			Object.entries(res.otherKindsSeconds).map(([k, s]) => [k, r2(s)])
		),
		total_s: r2(res.totalSeconds),
		scale: Math.round(res.scale * 10000) / 10000,
		rows_by_kind: res.rows,
		machine: res.machine,
		settings: res.settings,
		rss_resettable: res.rssResettable,
		bare_sql: 'the statements each function sent, captured and replayed on a raw connection',
		tmp_dir: res.tmpDir,
		queries,
		pages
	};
}

function grid(rows: (string | number | null)[][]): string {
	const text = rows.map((r) => r.map((c) => (c === null || Number.isNaN(c) ? '–' : String(c))));
	const widths = text[0].map((_, i) => Math.max(...text.map((r) => r[i].length)));
	return text
		.map((r) =>
			r
				.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
				.join('  ')
				.trimEnd()
		)
		.join('\n');
}

export function table(res: BenchResult): string {
	const j = summaryJson(res);
	const h = res.http;
	const out: string[] = [];
	out.push(
		`Benchmark: ${j.rows} crimes (asked ${res.rowsRequested}, scale ${j.scale}); ` +
			`${res.machine.cpus} CPUs, ${res.machine.memory_gb} GB, Node ${res.machine.node}, DuckDB ${res.machine.duckdb}; ` +
			`load average at start ${res.machine.load_average_start.join(' ')}, during ${res.machine.load_average_during.min}–${res.machine.load_average_during.max}`,
		''
	);
	out.push(
		'Ingest (crimes file)',
		grid([
			['', 'seconds', 'peak RSS MB'],
			['pipeline (loadExtract)', j.ingest_s as number, res.ingest.peakRssMb],
			['bare CREATE TABLE AS read_csv', j.ingest_bare_s as number, res.ingest.barePeakRssMb],
			[
				'ratio',
				j.ingest_ratio as number,
				ratio(res.ingest.peakRssMb ?? NaN, res.ingest.barePeakRssMb ?? NaN)
			],
			// The pipeline's seconds by step (their sum is the pipeline's less what lies between them).
			...ROAD_STEPS.map((s) => [`  pipeline: ${s}`, r2(res.ingest.stages[s]), null])
		]),
		''
	);
	const qRows: (string | number | null)[][] = [
		[
			'function / filters',
			'warm p50',
			'warm p95',
			'cold p50',
			'cold p95',
			'bare p50',
			'bare p95',
			'ratio'
		]
	];
	for (const [fn, byFilter] of Object.entries(res.queries.cells)) {
		for (const [set, c] of Object.entries(byFilter)) {
			qRows.push([
				`${fn} ${set}`,
				c.warm.p50,
				c.warm.p95,
				c.cold.p50,
				c.cold.p95,
				c.bare.p50,
				c.bare.p95,
				ratio(c.warm.p50, c.bare.p50)
			]);
		}
	}
	for (const [set, t] of Object.entries(res.queries.filters)) {
		qRows.push([`(parseFilters) ${set}`, t.p50, t.p95, null, null, null, null, null]);
	}
	qRows.push([
		'all, pooled',
		j.query_p50_ms as number,
		j.query_p95_ms as number,
		j.query_cold_p50_ms as number,
		j.query_cold_p95_ms as number,
		j.query_bare_p50_ms as number,
		j.query_bare_p95_ms as number,
		j.query_ratio as number
	]);
	out.push(
		`Queries, ms (${res.settings.runs} warm and bare runs per row; cold: ${res.settings.coldRounds} per row, each the first call after a one-row upload commits; bare = the same statements on a raw connection)`,
		grid(qRows),
		''
	);
	const pRows: (string | number | null)[][] = [
		[
			'target',
			'alone p50',
			'alone p95',
			'loaded p50',
			'loaded p95',
			'requests',
			'errors',
			'ingest p95'
		]
	];
	for (const [name, t] of Object.entries(h.loaded.byTarget)) {
		pRows.push([
			name,
			h.single[name].p50,
			h.single[name].p95,
			t.p50,
			t.p95,
			t.n,
			t.errors,
			h.duringIngest.byTarget[name].p95
		]);
	}
	pRows.push([
		'pages',
		h.singlePages.p50,
		h.singlePages.p95,
		h.loaded.pages.p50,
		h.loaded.pages.p95,
		null,
		null,
		h.duringIngest.pages.p95
	]);
	pRows.push([
		'all',
		null,
		null,
		h.loaded.overall.p50,
		h.loaded.overall.p95,
		h.loaded.requests,
		h.loaded.errors,
		h.duringIngest.overall.p95
	]);
	out.push(
		`HTTP, ms (alone: one client, ${res.settings.sequentialTimes} per target; loaded: ${res.settings.clients} clients for ${h.loaded.seconds} s, ${j.http_rps} requests/s; ingest: the same clients while a merge upload of the crimes file ran, ${h.duringIngest.uploadSeconds} s, status ${h.duringIngest.uploadStatus}, ${h.duringIngest.requests} requests, ${h.duringIngest.errors} errors)`,
		grid(pRows),
		''
	);
	out.push(
		'Peak RSS, MB',
		grid([
			['', 'MB'],
			['bench process (loading and querying)', res.peakRssMb],
			['  generating the sample (not in the figure above)', res.generatePeakRssMb],
			['  loading the other kinds', res.otherKindsPeakRssMb],
			['  loading crimes: pipeline', res.ingest.peakRssMb],
			['  loading crimes: bare', res.ingest.barePeakRssMb],
			['  querying', res.queriesPeakRssMb],
			['server (under load and upload)', h.serverPeakRssMb]
		]),
		'',
		`Database file ${res.databaseMb} MB (current tables and their history) from ${res.csvMb} MB of CSV.`,
		`Errors over HTTP: ${j.http_errors} (${j.http_during_ingest_errors} during the upload). Total ${j.total_s} s.`
	);
	return out.join('\n');
}
