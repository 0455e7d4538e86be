// Sign-out: a POST (a link could be triggered from another site), ending the session server-side.
import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { signOut, sessionCookieName, sessionCookieOptions } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { name: locals.user.name };
};

export const actions: Actions = {
	default: async (event) => {
		const name = sessionCookieName(event.url);
		const id = event.cookies.get(name);
		if (id) await signOut(await getDb(), id, event.getClientAddress());
		event.cookies.delete(name, sessionCookieOptions(event.url));
		redirect(303, '/login');
	}
};
