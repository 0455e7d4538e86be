// GET /summaries/accessibility: the accessibility statement (a legal duty for public-sector sites).
import { accessibilityHtml, publicResponse } from '$lib/server/publish/render';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ request }) =>
	publicResponse(request, accessibilityHtml(), 'html');
