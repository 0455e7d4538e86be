// A kind's CSV template (the contract's header and two made-up example rows) as a download.
import type { RequestHandler } from './$types';
import { apiError } from '$lib/server/http';
import { KIND_NAMES, isKindName } from '$lib/server/extracts/contract';
import { templateCsv } from '$lib/server/extracts/templates';

export const GET: RequestHandler = ({ params }) => {
	if (!isKindName(params.kind)) {
		return apiError(
			404,
			'not_found',
			`"${params.kind.slice(0, 40)}" is not a kind of extract; templates exist for ${KIND_NAMES.join(', ')}.`
		);
	}
	return new Response(templateCsv(params.kind), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${params.kind}-template.csv"`,
			'cache-control': 'no-store'
		}
	});
};
