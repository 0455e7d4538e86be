// Operators' metrics in Prometheus text format (GET /metrics): requests by route, uploads by kind and
// outcome, and the process's own (memory, event loop, CPU) from prom-client's defaults.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dashboard_' });

const httpRequests = new Counter({
	name: 'dashboard_http_requests_total',
	help: 'HTTP requests answered, by method, route id and status.',
	labelNames: ['method', 'route', 'status'] as const,
	registers: [registry]
});

const httpDuration = new Histogram({
	name: 'dashboard_http_request_duration_seconds',
	help: 'Time to answer an HTTP request, by method and route id.',
	labelNames: ['method', 'route'] as const,
	buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
	registers: [registry]
});

const uploads = new Counter({
	name: 'dashboard_uploads_total',
	help: 'Extract uploads, by kind and outcome (loaded, or the refusal code).',
	labelNames: ['kind', 'outcome'] as const,
	registers: [registry]
});

const uploadDuration = new Histogram({
	name: 'dashboard_upload_duration_seconds',
	help: 'Time to check and load an extract, by kind and outcome.',
	labelNames: ['kind', 'outcome'] as const,
	buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
	registers: [registry]
});

/**
 * One answered request. The route is kit's route id (a folder path, never the URL typed), so a
 * scanner's random paths add one `unmatched` series, not one each.
 */
export function recordRequest(method: string, route: string | null, status: number, ms: number) {
	const labels = { method, route: route ?? 'unmatched' };
	httpRequests.inc({ ...labels, status: String(status) });
	httpDuration.observe(labels, ms / 1000);
}

/** One upload's outcome: `loaded`, or the refusal's error code (invalid_extract, personal_data, …). */
export function recordUpload(kind: string, outcome: string, ms: number) {
	uploads.inc({ kind, outcome });
	uploadDuration.observe({ kind, outcome }, ms / 1000);
}

export async function metricsText(): Promise<{ body: string; contentType: string }> {
	return { body: await registry.metrics(), contentType: registry.contentType };
}
