// Changing one's own password; the forced first-sign-in change lands here too.
import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import {
	AuthError,
	changePassword,
	sha256,
	sessionCookieName,
	MIN_PASSWORD_LENGTH
} from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return {
		name: locals.user.name,
		mustChange: locals.user.mustChangePassword,
		minLength: MIN_PASSWORD_LENGTH
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		if (!user) redirect(303, '/login');
		const form = await event.request.formData();
		const current = String(form.get('current') ?? '');
		const next = String(form.get('next') ?? '');
		const confirm = String(form.get('confirm') ?? '');
		const errors: { field: string; message: string }[] = [];
		if (!current) errors.push({ field: 'current', message: 'Enter your current password.' });
		if (!next) errors.push({ field: 'next', message: 'Enter a new password.' });
		else if (next !== confirm) {
			errors.push({ field: 'confirm', message: 'The two new passwords are not the same.' });
		}
		if (errors.length) return fail(400, { errors });
		try {
			const sessionId = event.cookies.get(sessionCookieName(event.url));
			await changePassword(await getDb(), {
				name: user.name,
				current,
				next,
				address: event.getClientAddress(),
				keepSessionHash: sessionId ? sha256(sessionId) : undefined
			});
		} catch (err) {
			if (err instanceof AuthError) {
				return fail(400, { errors: [{ field: err.field ?? 'next', message: err.message }] });
			}
			throw err;
		}
		redirect(303, '/?password=changed');
	}
};
