// Extracts (analyst): current datasets, upload history (?kind=, ?status=, ?by=), templates, and the
// upload form's action, which goes through the API's own code path (postExtract: stream to disk,
// loadExtract) without JavaScript, a saved mapping named by its `mapping` field.
import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { readConfig } from '$lib/server/config';
import { HttpError } from '$lib/server/http';
import { KINDS, KIND_NAMES, kindColumnLists } from '$lib/server/extracts/contract';
import {
	HISTORY_STATUSES,
	STATUS_LABELS,
	describeFilter,
	readHistory
} from '$lib/server/extracts/history';
import { kindHelp } from '$lib/server/extracts/templates';
import { listMappings } from '$lib/server/extracts/mappings';
import { datasetCounts, listUploads, londonToday } from '$lib/server/extracts';
import { postExtract } from '$lib/server/extracts/api';
import type { UploadResult } from '$lib/components/extracts/extracts';
import type { ContractKind } from '$lib/components/extracts/month-end';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	const [counts, uploads, history, mappings] = await Promise.all([
		datasetCounts(db),
		listUploads(db),
		readHistory(db, url.searchParams),
		listMappings(db)
	]);
	const datasets = KIND_NAMES.map((k) => {
		const latest = uploads.find((u) => u.kind === k && u.active);
		return {
			kind: k,
			label: KINDS[k].label,
			rows: counts[k],
			latest: latest ? { id: latest.id, at: latest.uploaded_at, by: latest.uploaded_by } : null
		};
	});
	// With each column's type and allowed values, so the mapping editor offers the contract's values.
	const kinds: ContractKind[] = kindColumnLists().map((k) => ({
		...k,
		columns: KINDS[k.kind].columns.map((c) => ({
			name: c.name,
			type: c.type,
			required: c.required,
			values: c.values ? [...c.values] : c.type === 'flag' ? ['Y', 'N'] : undefined
		}))
	}));
	return {
		datasets,
		history: {
			rows: history.rows,
			filter: history.filter,
			uploaders: history.uploaders,
			statuses: HISTORY_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
			caption: describeFilter(history.filter)
		},
		errors: history.errors,
		help: kindHelp(),
		// The form without JavaScript names a saved mapping by its name (the upload's `mapping` field).
		mappings: mappings.map((m) => ({
			name: m.name,
			version: m.version,
			label: KINDS[m.kind].label
		})),
		kinds,
		maxUploadBytes: readConfig().maxUploadBytes,
		today: londonToday()
	};
};

export const actions: Actions = {
	upload: async ({ request, url, locals, getClientAddress }) => {
		const user = locals.user;
		// The route table already allows analysts and admins only; this is the second lock.
		if (!user || !user.roles.some((r) => r === 'analyst' || r === 'admin')) {
			return fail(403, { errors: [{ message: 'Only an analyst or admin may upload extracts.' }] });
		}
		let result: UploadResult;
		try {
			// The action URL (?/upload) carries no kind or mode: they come from the form's fields.
			const res = await postExtract(
				await getDb(),
				readConfig(),
				request,
				new URL(url.pathname, url),
				{
					user: user.name,
					address: getClientAddress()
				}
			);
			result =
				res.status === 201
					? { ok: true, upload: (await res.json()).upload }
					: { ok: false, status: res.status, ...(await res.json()) };
		} catch (err) {
			if (!(err instanceof HttpError)) throw err;
			result = {
				ok: false,
				status: err.status,
				error: { code: err.code, message: err.message, details: err.details ?? [] }
			};
		}
		if (!result.ok) {
			const field = result.error.code === 'no_file' ? 'file' : undefined;
			return fail(result.status, {
				result,
				errors: field ? [{ field, message: result.error.message }] : []
			});
		}
		return { result, errors: [] };
	}
};
