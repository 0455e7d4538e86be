// The shared body of every metrics endpoint: parse filters, compute, answer JSON or CSV, map errors.
import type { Queryable } from '../db';
import { contentDisposition } from '../download';
import { apiError, HttpError } from '../http';
import { parseFilters } from './filters';
import type { Filters } from './types';

/** CSV when `?format=csv` or the Accept header asks for text/csv (and not JSON first). */
export function wantsCsv(request: Request, url: URL): boolean {
	const format = url.searchParams.get('format')?.toLowerCase();
	if (format === 'csv') return true;
	if (format === 'json') return false;
	const accept = request.headers.get('accept') ?? '';
	return /text\/csv/i.test(accept) && !/application\/json/i.test(accept.split('text/csv')[0]);
}

/**
 * Answer one metrics request. `compute` gets the parsed filters; `csv` flattens its result.
 * HttpErrors (bad parameters) become the API error shape; anything else propagates (500, logged).
 */
export async function metricsResponse<T>(
	request: Request,
	url: URL,
	db: Queryable,
	name: string,
	compute: (f: Filters) => Promise<T>,
	csv: (result: T) => string
): Promise<Response> {
	try {
		if (url.searchParams.has('format')) {
			const format = url.searchParams.get('format')!.toLowerCase();
			if (format !== 'csv' && format !== 'json') {
				throw new HttpError(
					400,
					'bad_parameter',
					`Bad query parameter format: "${format}"; use csv or json.`,
					[{ parameter: 'format', value: format, message: 'use csv or json' }]
				);
			}
		}
		const filters = await parseFilters(url.searchParams, db);
		const result = await compute(filters);
		if (wantsCsv(request, url)) {
			return new Response(csv(result), {
				headers: {
					'content-type': 'text/csv; charset=utf-8',
					'content-disposition': contentDisposition(`${name}-${filters.from}-${filters.to}.csv`)
				}
			});
		}
		return new Response(JSON.stringify(result), {
			headers: { 'content-type': 'application/json; charset=utf-8' }
		});
	} catch (err) {
		if (err instanceof HttpError) return apiError(err.status, err.code, err.message, err.details);
		throw err;
	}
}

/** For endpoints without filters (areas, offence groups). */
export async function jsonResponse(compute: () => Promise<unknown>): Promise<Response> {
	try {
		return new Response(JSON.stringify(await compute()), {
			headers: { 'content-type': 'application/json; charset=utf-8' }
		});
	} catch (err) {
		if (err instanceof HttpError) return apiError(err.status, err.code, err.message, err.details);
		throw err;
	}
}
