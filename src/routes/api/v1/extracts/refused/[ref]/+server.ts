// A refused upload's stored report: one page of its problems (?page=&per_page=&rule=&column=), or
// every problem as CSV (?format=csv).
import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { getRefusedReport } from '$lib/server/extracts/refused';

export const GET: RequestHandler = async ({ params, url }) =>
	answer(async () => getRefusedReport(await getDb(), params.ref, url));
