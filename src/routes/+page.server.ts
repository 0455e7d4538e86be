// The home address opens the Overview (the page leaders start from).
import { redirect } from '@sveltejs/kit';

export const load = () => {
	redirect(303, '/overview');
};
