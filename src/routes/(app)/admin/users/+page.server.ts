// Admin: user accounts. Each action is one call into lib/server/auth, audited there.
import { getDb } from '$lib/server/db';
import {
	AuthError,
	ROLES,
	createUser,
	listUsers,
	resetPassword,
	setDisabled,
	setRoles
} from '$lib/server/auth';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { adminAttempt, type AdminCall } from '../attempt';

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	return { users: await listUsers(await getDb()), roles: [...ROLES] };
};

/** Run a change to users; a refusal names the field and refills the create form. */
function attempt<T>(event: RequestEvent, action: string, fn: (call: AdminCall) => Promise<T>) {
	return adminAttempt(event, action, 'manage users', fn, (err, form) => {
		const target = String(form.get('name') ?? '');
		const values: { name: string; roles: string[] } | null =
			action === 'create' ? { name: target, roles: form.getAll('roles').map(String) } : null;
		return {
			action,
			target,
			values,
			errors: [{ field: fieldId(action, err.field, target), message: err.message }]
		};
	});
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
