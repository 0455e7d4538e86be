// What every admin form action does around its change: the second admin check, reading the form, and
// turning an AuthError into a form failure whose payload the page shapes (which field, what to refill).
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { AuthError, hasAccess } from '$lib/server/auth';

export interface AdminCall {
	actor: string;
	address: string;
	form: FormData;
}

/**
 * Run an admin change for `action`; `what` finishes "Only an admin may …" for anyone else, and
 * `refused` says what the page shows when the change is refused with an AuthError.
 */
export async function adminAttempt<T, F extends Record<string, unknown>>(
	event: RequestEvent,
	action: string,
	what: string,
	fn: (call: AdminCall) => Promise<T>,
	refused: (err: AuthError, form: FormData) => F
): Promise<
	T | ActionFailure<{ action: string; errors: { message: string }[] }> | ActionFailure<F>
> {
	// The route table already allows admins only; this is the second lock on the door.
	const admin = event.locals.user;
	if (!admin || !hasAccess(['admin'], admin.roles)) {
		return fail(403, { action, errors: [{ message: `Only an admin may ${what}.` }] });
	}
	const form = await event.request.formData();
	try {
		return await fn({ actor: admin.name, address: event.getClientAddress(), form });
	} catch (err) {
		if (err instanceof AuthError) return fail(err.status, refused(err, form));
		throw err;
	}
}
