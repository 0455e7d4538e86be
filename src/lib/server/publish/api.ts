// The publishing API (api.md "Published summaries"): compose → preview or publish, revise,
// withdraw, list. The Publish page calls the same functions.
import type { Db } from '../db';
import { HttpError } from '../http';
import { datasetAsAt } from '../metrics/as-at';
import { parseSummaryRequest } from './request';
import { createDraft, listSummaries, parseSlug, publishDraft, withdraw, type Actor } from './store';

const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8' }
	});

export async function readJson(request: Request): Promise<Record<string, unknown>> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		throw new HttpError(
			400,
			'bad_request',
			'The request body must be JSON (Content-Type: application/json).'
		);
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw new HttpError(400, 'bad_request', 'The request body must be a JSON object.');
	}
	return body as Record<string, unknown>;
}

function slugParam(raw: string): string {
	const slug = parseSlug(raw);
	if (!slug)
		throw new HttpError(404, 'not_found', `There is no published summary "${raw.slice(0, 80)}".`);
	return slug;
}

/** POST /api/v1/summaries and …/revise: `preview` answers the public JSON without publishing. */
export async function composeSummary(
	db: Db,
	body: Record<string, unknown>,
	actor: Actor,
	opts: { preview: boolean; revise?: string }
): Promise<Response> {
	const { complete_to } = await datasetAsAt(db);
	const req = parseSummaryRequest(body, complete_to);
	let revision: { slug: string; note: string } | undefined;
	if (opts.revise !== undefined) {
		const note = typeof body.revision_note === 'string' ? body.revision_note.trim() : '';
		if (note.length < 3 || note.length > 1000) {
			throw new HttpError(
				400,
				'bad_parameter',
				'A revision needs a revision_note (3 to 1,000 characters) saying what it corrects.',
				[{ parameter: 'revision_note', message: 'a note of 3 to 1,000 characters' }]
			);
		}
		revision = { slug: slugParam(opts.revise), note };
	}
	const draft = await createDraft(db, req, actor, revision);
	if (opts.preview) return json(200, { preview: draft.body });
	const published = await publishDraft(db, draft.id, actor);
	return json(201, { summary: { ...published, title: req.title, period: draft.body.period } });
}

export async function withdrawSummary(
	db: Db,
	slugRaw: string,
	body: Record<string, unknown>,
	actor: Actor
) {
	const reason = typeof body.reason === 'string' ? body.reason : '';
	const w = await withdraw(db, slugParam(slugRaw), reason, actor);
	return json(200, {
		withdrawn: { slug: slugRaw, withdrawn_at: w.withdrawn_at, reason: w.reason }
	});
}

/** GET /api/v1/summaries: every summary's latest version, withdrawn ones included (publishers). */
export async function listForPublishers(db: Db): Promise<Response> {
	return json(200, { summaries: await listSummaries(db, { withdrawn: true }) });
}
