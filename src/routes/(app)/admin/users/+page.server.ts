// Admin: user accounts. Each action is one call into lib/server/auth, audited there.
import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import {
	AuthError,
	ROLES,
	createUser,
	listUsers,
	hasAccess,
	resetPassword,
	setDisabled,
	setRoles
} from '$lib/server/auth';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	return { users: await listUsers(await getDb()), roles: [...ROLES] };
};

/** Run an admin change; an AuthError becomes a form error the page shows against `action`. */
async function attempt<T>(
	event: RequestEvent,
	action: string,
	fn: (ctx: { actor: string; address: string; form: FormData }) => Promise<T>
) {
	// The route table already allows admins only; this is the second lock on the door.
	const admin = event.locals.user;
	if (!admin || !hasAccess(['admin'], admin.roles)) {
		return fail(403, { action, errors: [{ message: 'Only an admin may manage users.' }] });
	}
	const form = await event.request.formData();
	try {
		return await fn({ actor: admin.name, address: event.getClientAddress(), form });
	} catch (err) {
		if (err instanceof AuthError) {
			const target = String(form.get('name') ?? '');
			const values: { name: string; roles: string[] } | null =
				action === 'create' ? { name: target, roles: form.getAll('roles').map(String) } : null;
			return fail(err.status, {
				action,
				target,
				values,
				errors: [{ field: fieldId(action, err.field, target), message: err.message }]
			});
		}
		throw err;
	}
}

/** The id of the input an error is about, so the error summary can link to it. */
function fieldId(action: string, field: string | undefined, target: string): string {
	if (action === 'create') return field === 'roles' ? 'create-roles-viewer' : 'create-name';
	return `roles-${target}-viewer`;
}

export const actions: Actions = {
	create: (event) =>
		attempt(event, 'create', async ({ actor, address, form }) => {
			const { name, password } = await createUser(await getDb(), {
				name: String(form.get('name') ?? ''),
				roles: form.getAll('roles').map(String),
				actor,
				address
			});
			return { action: 'create', done: `Created ${name}.`, oneTime: { name, password } };
		}),
	roles: (event) =>
		attempt(event, 'roles', async ({ actor, address, form }) => {
			const user = await setRoles(await getDb(), {
				name: String(form.get('name') ?? ''),
				roles: form.getAll('roles').map(String),
				actor,
				address
			});
			return { action: 'roles', done: `${user.name} now has: ${user.roles.join(', ')}.` };
		}),
	disable: (event) =>
		attempt(event, 'disable', async ({ actor, address, form }) => {
			const name = String(form.get('name') ?? '');
			if (name === actor) {
				throw new AuthError('You cannot disable your own account.', 'name', 409);
			}
			const user = await setDisabled(await getDb(), { name, disabled: true, actor, address });
			return {
				action: 'disable',
				done: `Disabled ${user.name}: their sessions ended and their API tokens were revoked.`
			};
		}),
	enable: (event) =>
		attempt(event, 'enable', async ({ actor, address, form }) => {
			const user = await setDisabled(await getDb(), {
				name: String(form.get('name') ?? ''),
				disabled: false,
				actor,
				address
			});
			return { action: 'enable', done: `Enabled ${user.name}. Their old API tokens stay revoked.` };
		}),
	reset: (event) =>
		attempt(event, 'reset', async ({ actor, address, form }) => {
			const { name, password } = await resetPassword(await getDb(), {
				name: String(form.get('name') ?? ''),
				actor,
				address
			});
			return {
				action: 'reset',
				done: `Reset the password of ${name}.`,
				oneTime: { name, password }
			};
		})
};
