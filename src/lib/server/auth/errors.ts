// The one error type of the accounts layer: a refusal a person can act on, naming the form field.

export class AuthError extends Error {
	constructor(
		message: string,
		/** The form field the problem is about, so pages can link the error summary to it. */
		readonly field?: string,
		/** 404 for something that does not exist, 409 for a conflict, 429 throttled, else 400. */
		readonly status: 400 | 404 | 409 | 429 = 400
	) {
		super(message);
		this.name = 'AuthError';
	}
}
