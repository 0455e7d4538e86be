// Sign-in: checks the password (throttled), starts a fresh session, goes where the user was heading.
import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import {
	authenticate,
	createSession,
	safeNext,
	PASSWORD_CHANGE_PATH,
	sessionCookieName,
	sessionCookieOptions
} from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'), url.origin);
	if (locals.user) redirect(303, locals.user.mustChangePassword ? PASSWORD_CHANGE_PATH : next);
	return { next };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const name = String(form.get('name') ?? '').trim();
		const password = String(form.get('password') ?? '');
		const next = safeNext(String(form.get('next') ?? ''), event.url.origin);
		const errors: { field: string; message: string }[] = [];
		if (!name) errors.push({ field: 'name', message: 'Enter your user name.' });
		if (!password) errors.push({ field: 'password', message: 'Enter your password.' });
		if (errors.length) return fail(400, { name, errors });

		const db = await getDb();
		const address = event.getClientAddress();
		const result = await authenticate(db, { name, password, address });
		if (!result.ok) {
			return fail(result.reason === 'throttled' ? 429 : 400, {
				name,
				errors: [{ field: 'name', message: result.message }]
			});
		}
		// A new session id at every sign-in (the old one, if any, ends): no session fixation.
		const id = await createSession(db, {
			userName: result.user.name,
			address,
			replacing: event.cookies.get(sessionCookieName(event.url))
		});
		event.cookies.set(sessionCookieName(event.url), id, sessionCookieOptions(event.url));
		redirect(303, result.user.mustChangePassword ? PASSWORD_CHANGE_PATH : next);
	}
};
