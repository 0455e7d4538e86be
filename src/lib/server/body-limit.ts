// Request bodies: small everywhere, except the two upload routes, which stream to disk and stop at
// MAX_UPLOAD_MB themselves (extracts/receive.ts). adapter-node's BODY_SIZE_LIMIT is set for those
// (scripts/serve-env.ts); this is the tighter rule for every other route, applied once in hooks.
import { apiError } from './http';

/** The largest body any route but an upload reads (a sign-in form is a few hundred bytes). */
export const SMALL_BODY_LIMIT = 1024 * 1024;
/** A refused body is read and thrown away up to this, so the client sees the 413; then cut off. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/** The upload routes: POST /api/v1/extracts and the Extracts page's `?/upload` form action. */
export function isUploadRoute(method: string, routeId: string | null, url: URL): boolean {
	if (method !== 'POST') return false;
	if (routeId === '/api/v1/extracts') return true;
	// Kit names the action by the first query key that starts with "/".
	const action = [...url.searchParams.keys()].find((k) => k.startsWith('/'));
	return routeId === '/(app)/extracts' && action === '/upload';
}

function tooLarge(api: boolean, limit: number): Response {
	const message = `The request body is over ${Math.round(limit / 1024)} KB, the limit for everything but an extract upload. Upload extracts on the Extracts page or to POST /api/v1/extracts.`;
	if (api) return apiError(413, 'too_large', message, [], { 'cache-control': 'no-store' });
	return new Response(message, {
		status: 413,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}

/** Read the rest of a refused body and discard it (bounded), so the 413 reaches the client. */
export function drain(reader: ReadableStreamDefaultReader<Uint8Array>, already = 0): void {
	let bytes = already;
	const next = (): Promise<void> =>
		reader.read().then(({ done, value }) => {
			if (done) return;
			bytes += value.byteLength;
			if (bytes > DRAIN_LIMIT) return reader.cancel();
			return next();
		});
	next().catch(() => {});
}

/**
 * The request to go on with, or the 413 to answer. A declared Content-Length over the limit is
 * refused before reading; a body without one (chunked) is read up to the limit and handed on as a
 * copy, so no handler can read past it.
 */
export async function limitBody(
	request: Request,
	options: { limit?: number; api: boolean }
): Promise<{ request: Request } | { refused: Response }> {
	const limit = options.limit ?? SMALL_BODY_LIMIT;
	const declared = request.headers.get('content-length');
	if (declared !== null && Number(declared) > limit) {
		if (request.body) drain(request.body.getReader());
		return { refused: tooLarge(options.api, limit) };
	}
	// Without a body, or with a declared length within the limit (adapter-node holds the body to it).
	if (!request.body || (declared !== null && Number.isFinite(Number(declared)))) {
		return { request };
	}
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		bytes += value.byteLength;
		if (bytes > limit) {
			drain(reader, bytes);
			return { refused: tooLarge(options.api, limit) };
		}
		chunks.push(value);
	}
	const headers = new Headers(request.headers);
	headers.delete('transfer-encoding');
	headers.set('content-length', String(bytes));
	return {
		request: new Request(request.url, {
			method: request.method,
			headers,
			body: Buffer.concat(chunks),
			signal: request.signal
		})
	};
}
