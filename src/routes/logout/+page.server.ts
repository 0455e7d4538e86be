// Sign-out: a POST (a link could be triggered from another site), ending the session server-side.
import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { signOut, SESSION_COOKIE } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { name: locals.user.name };
};

export const actions: Actions = {
	default: async (event) => {
		const id = event.cookies.get(SESSION_COOKIE);
		if (id) await signOut(await getDb(), id, event.getClientAddress());
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
