// Frozen summaries: drafts between preview and publish, published versions (inserted once, never
// updated), revisions and withdrawals, each audited. What is published is the previewed draft.
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db';
import { audit } from '../audit';
import { HttpError } from '../http';
import { compose, type PublicSummary } from './compose';
import type { Prior } from './disclosure';
import type { SummaryRequest } from './request';

export interface Actor {
	name: string;
	address?: string | null;
}

export interface Draft {
	id: string;
	created_by: string;
	revises: string | null;
	revision_note: string | null;
	request: SummaryRequest;
	body: PublicSummary;
}

export interface Withdrawal {
	withdrawn_at: string;
	withdrawn_by: string;
	reason: string;
}

export interface StoredVersion {
	slug: string;
	version: number;
	/** The public JSON exactly as frozen (bytes never change). */
	body: string;
	latest: number;
	withdrawal: Withdrawal | null;
}

export interface SummaryListItem {
	slug: string;
	version: number;
	title: string;
	published_at: string;
	published_by: string;
	period_from: string;
	period_to: string;
	revision_note: string | null;
	withdrawal: Withdrawal | null;
}

/**
 * The committed data's version: changes whenever an upload commits, is rolled back or restored.
 * A draft composed on one version is refused for publishing on another.
 */
export async function dataVersion(db: Queryable): Promise<string> {
	const row = await db.one<{ v: string }>(
		`SELECT concat_ws(':', coalesce(max(seq), 0), count(*) FILTER (WHERE active),
			coalesce(strftime(max(changed_at), '%Y%m%d%H%M%S.%f'), '-')) AS v FROM uploads`
	);
	return row?.v ?? '0';
}

const SLUG_MAX = 60;

/**
 * `Stalking: PCC quarterly report!` → `stalking-pcc-quarterly-report`. A long title is cut at a
 * word, so a slug never ends in part of one (`…-december-202` for "December 2024").
 */
export function slugify(title: string): string {
	const s = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	if (s.length <= SLUG_MAX) return s || 'summary';
	const atWord = s.slice(0, SLUG_MAX + 1).replace(/-[^-]*$/, '');
	return atWord.length > 0 && atWord.length <= SLUG_MAX ? atWord : s.slice(0, SLUG_MAX);
}

/** Days a draft (a preview not yet published) is kept. */
const DRAFT_DAYS = 7;

const SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A slug as it may appear in a URL, or null. */
export function parseSlug(raw: string): string | null {
	return raw.length <= 80 && SLUG_RE.test(raw) ? raw : null;
}

async function latestVersion(db: Queryable, slug: string): Promise<number> {
	const row = await db.one<{ v: number | null }>(
		'SELECT max(version)::INTEGER AS v FROM summaries WHERE slug = $slug',
		{ slug }
	);
	return row?.v ?? 0;
}

async function withdrawalOf(db: Queryable, slug: string): Promise<Withdrawal | null> {
	const row = await db.one<Withdrawal>(
		`SELECT strftime(withdrawn_at, '%Y-%m-%dT%H:%M:%SZ') AS withdrawn_at, withdrawn_by, reason
		 FROM summary_withdrawals WHERE slug = $slug`,
		{ slug }
	);
	return row ?? null;
}

async function priorOf(db: Queryable, slug: string, version: number): Promise<Prior> {
	const row = await db.one<{ exact: string; suppressed: string }>(
		'SELECT exact, suppressed FROM summaries WHERE slug = $slug AND version = $version',
		{ slug, version }
	);
	if (!row) throw new Error(`summary ${slug} v${version} is missing`);
	return { figures: JSON.parse(row.exact), suppressed: JSON.parse(row.suppressed) };
}

function notFound(slug: string): HttpError {
	return new HttpError(404, 'not_found', `There is no published summary "${slug}".`);
}

/** The published summary a revision is made of; refused when it is unknown or withdrawn. */
async function revisable(db: Queryable, slug: string): Promise<number> {
	const latest = await latestVersion(db, slug);
	if (latest === 0) throw notFound(slug);
	if (await withdrawalOf(db, slug)) {
		throw new HttpError(
			409,
			'withdrawn',
			`The summary "${slug}" has been withdrawn; a withdrawn summary is not revised. Publish a new one.`
		);
	}
	return latest;
}

/**
 * Compose and keep a draft. `revises` names the slug a revision is for: its latest version's
 * figures take part in disclosure control, so differencing the two recovers nothing.
 */
export async function createDraft(
	db: Db,
	req: SummaryRequest,
	actor: Actor,
	revision?: { slug: string; note: string }
): Promise<Draft> {
	const version = await dataVersion(db);
	let identity: { slug: string; version: number; revision: PublicSummary['revision'] };
	let prior: Prior | undefined;
	if (revision) {
		const latest = await revisable(db, revision.slug);
		prior = await priorOf(db, revision.slug, latest);
		identity = {
			slug: revision.slug,
			version: latest + 1,
			revision: { note: revision.note, supersedes: latest }
		};
	} else {
		identity = { slug: await freeSlug(db, slugify(req.title)), version: 1, revision: null };
	}
	const composed = await compose(db, req, identity, prior);
	const id = randomUUID();
	await db.write(async (tx) => {
		// A preview nobody published within a week is stale (its data has likely moved on).
		await tx.run(
			`DELETE FROM summary_drafts WHERE created_at < current_timestamp - INTERVAL ${DRAFT_DAYS} DAY`
		);
		await tx.run(
			`INSERT INTO summary_drafts (id, created_at, created_by, revises, revision_note, data_version,
				request, body, exact, suppressed)
			 VALUES ($id, current_timestamp, $by, $revises, $note, $dv, $request, $body, $exact, $suppressed)`,
			{
				id,
				by: actor.name,
				revises: revision?.slug ?? null,
				note: revision?.note ?? null,
				dv: version,
				request: JSON.stringify(req),
				body: JSON.stringify(composed.body),
				exact: JSON.stringify(composed.prior.figures),
				suppressed: JSON.stringify(composed.prior.suppressed)
			}
		);
	});
	return {
		id,
		created_by: actor.name,
		revises: revision?.slug ?? null,
		revision_note: revision?.note ?? null,
		request: req,
		body: composed.body
	};
}

async function freeSlug(db: Queryable, base: string): Promise<string> {
	for (let n = 1; ; n++) {
		const slug = n === 1 ? base : `${base}-${n}`;
		if ((await latestVersion(db, slug)) === 0) return slug;
	}
}

/** A draft by id, for the one who made it (publishers do not see each other's drafts). */
export async function getDraft(db: Queryable, id: string, actor: Actor): Promise<Draft | null> {
	if (!/^[0-9a-f-]{36}$/.test(id)) return null;
	const row = await db.one<{
		id: string;
		created_by: string;
		revises: string | null;
		revision_note: string | null;
		request: string;
		body: string;
	}>(
		`SELECT id, created_by, revises, revision_note, request, body FROM summary_drafts
		 WHERE id = $id AND created_by = $by`,
		{ id, by: actor.name }
	);
	if (!row) return null;
	return { ...row, request: JSON.parse(row.request), body: JSON.parse(row.body) };
}

/**
 * Publish a previewed draft as it was previewed: refused when the data or the summary it revises
 * changed since (preview again), so nobody publishes figures they have not seen.
 */
export async function publishDraft(
	db: Db,
	id: string,
	actor: Actor
): Promise<{ slug: string; version: number; url: string }> {
	const draft = await getDraft(db, id, actor);
	if (!draft) {
		throw new HttpError(
			404,
			'not_found',
			'That preview has expired or was published already. Compose it again.'
		);
	}
	return db.write(async (tx) => {
		const row = await tx.one<{ data_version: string; exact: string; suppressed: string }>(
			'SELECT data_version, exact, suppressed FROM summary_drafts WHERE id = $id',
			{ id }
		);
		if (!row) throw new HttpError(404, 'not_found', 'That preview was published already.');
		if (row.data_version !== (await dataVersion(tx))) {
			throw new HttpError(
				409,
				'data_changed',
				'The data changed after this preview (an upload, rollback or restore), so its figures may no longer be what you checked. Preview it again, then publish.'
			);
		}
		const body = draft.body;
		let version = 1;
		let slug = body.slug;
		if (draft.revises) {
			const latest = await revisable(tx, draft.revises);
			if (latest + 1 !== body.version) {
				throw new HttpError(
					409,
					'revised_meanwhile',
					`"${draft.revises}" was revised by someone else after this preview. Preview your revision again.`
				);
			}
			version = body.version;
		} else if ((await latestVersion(tx, slug)) > 0) {
			slug = await freeSlug(tx, slug);
		}
		const published_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
		const frozen: PublicSummary = { ...body, slug, version, published_at };
		await tx.run(
			`INSERT INTO summaries (slug, version, title, published_at, published_by, period_from,
				period_to, data_as_of, request, body, exact, suppressed, revision_note)
			 VALUES ($slug, $version, $title, $at::TIMESTAMPTZ, $by, $from, $to, $asof::DATE, $request,
				$body, $exact, $suppressed, $note)`,
			{
				slug,
				version,
				title: frozen.title,
				at: published_at,
				by: actor.name,
				from: frozen.period.from,
				to: frozen.period.to,
				asof: frozen.data_to,
				request: JSON.stringify(draft.request),
				body: JSON.stringify(frozen),
				exact: row.exact,
				suppressed: row.suppressed,
				note: draft.revision_note
			}
		);
		await tx.run('DELETE FROM summary_drafts WHERE id = $id', { id });
		await audit(tx, {
			actor: actor.name,
			action: version === 1 ? 'publication' : 'revision',
			target: `${slug} v${version}`,
			address: actor.address ?? null,
			details: {
				title: frozen.title,
				period: frozen.period,
				sections: frozen.sections.map((s) => s.id),
				...(draft.revision_note ? { revision_note: draft.revision_note } : {})
			}
		});
		return { slug, version, url: `/summaries/${slug}` };
	});
}

/** Withdraw a summary (every version): hidden from the index, its pages replaced by a notice. */
export async function withdraw(
	db: Db,
	slug: string,
	reason: string,
	actor: Actor
): Promise<Withdrawal> {
	const text = reason.trim();
	if (text.length < 3 || text.length > 500) {
		throw new HttpError(
			400,
			'bad_parameter',
			'Say why the summary is withdrawn (3 to 500 characters): the public notice shows it.',
			[{ parameter: 'reason', message: 'a reason of 3 to 500 characters' }]
		);
	}
	return db.write(async (tx) => {
		if ((await latestVersion(tx, slug)) === 0) throw notFound(slug);
		if (await withdrawalOf(tx, slug)) {
			throw new HttpError(409, 'withdrawn', `The summary "${slug}" was withdrawn already.`);
		}
		await tx.run(
			`INSERT INTO summary_withdrawals (slug, withdrawn_at, withdrawn_by, reason)
			 VALUES ($slug, current_timestamp, $by, $reason)`,
			{ slug, by: actor.name, reason: text }
		);
		await audit(tx, {
			actor: actor.name,
			action: 'withdrawal',
			target: slug,
			address: actor.address ?? null,
			details: { reason: text }
		});
		return (await withdrawalOf(tx, slug)) as Withdrawal;
	});
}

/** One version as frozen (latest when `version` is omitted), with the summary's state. */
export async function getVersion(
	db: Queryable,
	slug: string,
	version?: number
): Promise<StoredVersion | null> {
	const latest = await latestVersion(db, slug);
	if (latest === 0) return null;
	const v = version ?? latest;
	const row = await db.one<{ body: string }>(
		'SELECT body FROM summaries WHERE slug = $slug AND version = $v',
		{ slug, v }
	);
	if (!row) return null;
	return { slug, version: v, body: row.body, latest, withdrawal: await withdrawalOf(db, slug) };
}

/** Every summary's latest version, newest first; withdrawn ones only when asked (publishers). */
export async function listSummaries(
	db: Queryable,
	opts: { withdrawn: boolean } = { withdrawn: false }
): Promise<SummaryListItem[]> {
	const rows = await db.all<Omit<SummaryListItem, 'withdrawal'> & Partial<Withdrawal>>(
		`SELECT s.slug, s.version, s.title, strftime(s.published_at, '%Y-%m-%dT%H:%M:%SZ') AS published_at,
			s.published_by, s.period_from, s.period_to, s.revision_note,
			strftime(w.withdrawn_at, '%Y-%m-%dT%H:%M:%SZ') AS withdrawn_at, w.withdrawn_by, w.reason
		 FROM summaries s
			JOIN (SELECT slug, max(version) AS version FROM summaries GROUP BY slug) l USING (slug, version)
			LEFT JOIN summary_withdrawals w USING (slug)
		 WHERE $withdrawn OR w.slug IS NULL
		 ORDER BY s.published_at DESC, s.slug`,
		{ withdrawn: opts.withdrawn }
	);
	return rows.map(({ withdrawn_at, withdrawn_by, reason, ...r }) => ({
		...r,
		withdrawal: withdrawn_at
			? { withdrawn_at, withdrawn_by: withdrawn_by ?? '', reason: reason ?? '' }
			: null
	}));
}

/** The request a version was composed from, to start a revision with. */
export async function requestOf(
	db: Queryable,
	slug: string,
	version: number
): Promise<SummaryRequest | null> {
	const row = await db.one<{ request: string }>(
		'SELECT request FROM summaries WHERE slug = $slug AND version = $version',
		{ slug, version }
	);
	return row ? JSON.parse(row.request) : null;
}
