// Admin: the filtered audit log as CSV (formula-looking cells escaped for spreadsheets).
import { getDb } from '$lib/server/db';
import { apiError } from '$lib/server/http';
import { contentDisposition } from '$lib/server/download';
import { refusal } from '$lib/server/auth';
import { auditCsv, parseAuditFilter } from '$lib/server/audit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const denied = refusal(locals, 'admin');
	if (denied) return denied;
	const { filter, errors } = parseAuditFilter(url.searchParams);
	if (errors.length) {
		return apiError(
			400,
			'bad_parameter',
			errors[0].message,
			errors.map((e) => ({ column: e.field, message: e.message }))
		);
	}
	const csv = await auditCsv(await getDb(), filter);
	const day = new Date().toISOString().slice(0, 10);
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': contentDisposition(`audit-log-${day}.csv`),
			'cache-control': 'no-store'
		}
	});
};
