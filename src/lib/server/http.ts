// JSON error responses in the one shape api.md defines, for every endpoint.

export interface ErrorDetail {
	line?: number;
	column?: string;
	value?: string;
	message: string;
	[key: string]: unknown;
}

export function apiError(
	status: number,
	code: string,
	message: string,
	details: ErrorDetail[] = [],
	headers: Record<string, string> = {}
): Response {
	return new Response(JSON.stringify({ error: { code, message, details } }), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}

/** A known failure that an endpoint turns into `apiError` (thrown from deep in a library). */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: ErrorDetail[] = []
	) {
		super(message);
		this.name = 'HttpError';
	}

	toResponse(): Response {
		return apiError(this.status, this.code, this.message, this.details);
	}
}
