// Who is signed in, for the navigation and the sign-out form on every page.
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const user = locals.user;
	return { user: user ? { name: user.name, roles: user.roles } : null };
};
