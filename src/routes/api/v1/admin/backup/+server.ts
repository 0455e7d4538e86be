// GET /api/v1/admin/backup: a consistent backup, streamed as a tar built on the fly (the snapshot is
// taken before the answer starts; manifest.json comes last). `npm run cli -- backup create <folder>
// --url --token` receives it, writes the folder and checks it. POST: that command says whether the
// folder checked out against its manifest, for the Admin page. Admins only.
import type { RequestHandler } from './$types';
import { backupResponse, confirmBackup } from '$lib/server/backup';
import { readConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { answer } from '$lib/server/extracts/api';
import { readJson } from '$lib/server/publish/api';

export const GET: RequestHandler = async ({ locals }) =>
	answer(async () => backupResponse(await getDb(), readConfig(), locals.user?.name ?? 'unknown'));

export const POST: RequestHandler = async ({ request }) =>
	answer(async () => confirmBackup(await getDb(), await readJson(request)));
