// GET /metrics: request and upload counts and durations, and the process's own, for Prometheus.
import { metricsText } from '$lib/server/ops-metrics';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const { body, contentType } = await metricsText();
	return new Response(body, {
		headers: { 'content-type': contentType, 'cache-control': 'no-store' }
	});
};
