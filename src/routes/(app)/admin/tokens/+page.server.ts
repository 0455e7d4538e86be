// Admin: personal API tokens. The token is in the action's answer once and never again.
import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import {
	AuthError,
	createToken,
	hasAccess,
	listTokens,
	listUsers,
	revokeToken
} from '$lib/server/auth';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	const users = (await listUsers(db)).filter((u) => !u.disabled).map((u) => u.name);
	return { tokens: await listTokens(db), users };
};

async function attempt<T>(
	event: RequestEvent,
	action: string,
	fn: (ctx: { actor: string; address: string; form: FormData }) => Promise<T>
) {
	const admin = event.locals.user;
	if (!admin || !hasAccess(['admin'], admin.roles)) {
		return fail(403, { action, errors: [{ message: 'Only an admin may manage API tokens.' }] });
	}
	const form = await event.request.formData();
	try {
		return await fn({ actor: admin.name, address: event.getClientAddress(), form });
	} catch (err) {
		if (err instanceof AuthError) {
			const field = action === 'create' ? (err.field === 'label' ? 'label' : 'user') : undefined;
			return fail(err.status, { action, errors: [{ field, message: err.message }] });
		}
		throw err;
	}
}

export const actions: Actions = {
	create: (event) =>
		attempt(event, 'create', async ({ actor, address, form }) => {
			const userName = String(form.get('user') ?? '');
			const { id, token } = await createToken(await getDb(), {
				userName,
				label: String(form.get('label') ?? ''),
				actor,
				address
			});
			return { action: 'create', done: `Created token ${id} for ${userName}.`, token };
		}),
	revoke: (event) =>
		attempt(event, 'revoke', async ({ actor, address, form }) => {
			const info = await revokeToken(await getDb(), {
				id: String(form.get('id') ?? ''),
				actor,
				address
			});
			return { action: 'revoke', done: `Revoked token ${info.id} of ${info.userName}.` };
		})
};
