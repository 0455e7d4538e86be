// Admin: personal API tokens. The token is in the action's answer once and never again.
import { getDb } from '$lib/server/db';
import { createToken, listTokens, listUsers, revokeToken } from '$lib/server/auth';
import { MAX_TOKEN_DAYS, TOKEN_LIFETIME_DAYS } from '$lib/server/auth/tokens';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { adminAttempt, type AdminCall } from '../attempt';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	const users = (await listUsers(db)).filter((u) => !u.disabled).map((u) => u.name);
	const now = Date.now();
	const tokens = (await listTokens(db)).map((t) => ({
		...t,
		expired: Date.parse(t.expiresAt) <= now
	}));
	return { tokens, users, defaultDays: TOKEN_LIFETIME_DAYS, maxDays: MAX_TOKEN_DAYS };
};

/** Run a change to tokens; a refused create names the field it is about. */
function attempt<T>(event: RequestEvent, action: string, fn: (call: AdminCall) => Promise<T>) {
	return adminAttempt(event, action, 'manage API tokens', fn, (err) => {
		const field =
			action === 'create'
				? err.field === 'label' || err.field === 'days'
					? err.field
					: 'user'
				: undefined;
		return { action, errors: [{ field, message: err.message }] };
	});
}

export const actions: Actions = {
	create: (event) =>
		attempt(event, 'create', async ({ actor, address, form }) => {
			const userName = String(form.get('user') ?? '');
			const daysText = String(form.get('days') ?? '').trim();
			const { id, token, expiresAt } = await createToken(await getDb(), {
				userName,
				label: String(form.get('label') ?? ''),
				days: daysText === '' ? undefined : Number(daysText),
				actor,
				address
			});
			return {
				action: 'create',
				done: `Created token ${id} for ${userName}; it expires ${expiresAt.slice(0, 16).replace('T', ' ')} UTC.`,
				token
			};
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
