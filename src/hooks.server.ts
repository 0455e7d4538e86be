import type { Handle, ServerInit } from '@sveltejs/kit';
import { startup } from '$lib/server/startup';

export const init: ServerInit = async () => {
	await startup();
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	return resolve(event);
};
