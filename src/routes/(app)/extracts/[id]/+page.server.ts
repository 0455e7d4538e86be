// One upload: its facts and report, and the Roll back / Restore form actions.
import { error, fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { HttpError } from '$lib/server/http';
import { getUpload, restoreUpload, rollbackUpload } from '$lib/server/extracts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const upload = await getUpload(await getDb(), params.id);
	if (!upload)
		error(404, `There is no upload ${params.id.slice(0, 40)}. The history lists them all.`);
	return { upload };
};

async function setActive({ params, locals, getClientAddress }: RequestEvent, active: boolean) {
	const user = locals.user;
	// The route table already allows analysts and admins only; this is the second lock.
	if (!user || !user.roles.some((r) => r === 'analyst' || r === 'admin')) {
		return fail(403, { errors: [{ message: 'Only an analyst or admin may roll uploads back.' }] });
	}
	try {
		const db = await getDb();
		const u = active
			? await restoreUpload(db, params.id, user.name, getClientAddress())
			: await rollbackUpload(db, params.id, user.name, getClientAddress());
		return {
			errors: [],
			done: active
				? `Upload ${u.id} is active again: its rows are back in the ${u.kind} dataset.`
				: `Upload ${u.id} is rolled back: the ${u.kind} dataset is what it was without it. Nothing was deleted; Restore undoes this.`
		};
	} catch (err) {
		if (err instanceof HttpError) return fail(err.status, { errors: [{ message: err.message }] });
		throw err;
	}
}

export const actions: Actions = {
	rollback: (event) => setActive(event, false),
	restore: (event) => setActive(event, true)
};
