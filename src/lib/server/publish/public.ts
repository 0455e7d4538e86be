// The public routes' one handler: a summary (latest or a version) as HTML, JSON or CSV, a withdrawn
// one as its notice with 410, the index and the feed. Nothing here reads anything but frozen records.
import type { Queryable } from '../db';
import type { PublicSummary } from './compose';
import {
	feedXml,
	indexHtml,
	publicResponse,
	summaryCsv,
	summaryHtml,
	versionJson,
	withdrawnHtml,
	withdrawnJson
} from './render';
import { getVersion, listSummaries, parseSlug } from './store';

type Format = 'html' | 'json' | 'csv';

function splitFormat(raw: string): { name: string; format: Format } {
	const m = /^(.*)\.(json|csv)$/.exec(raw);
	return m ? { name: m[1], format: m[2] as Format } : { name: raw, format: 'html' };
}

const notFound = () =>
	new Response('There is no published summary at this address.', {
		status: 404,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});

/** `/summaries/<slug>[.json|.csv]` and, with `versionRaw` (`v2[.json|.csv]`), one version. */
export async function serveSummary(
	db: Queryable,
	request: Request,
	slugRaw: string,
	versionRaw?: string
): Promise<Response> {
	let slug: string | null;
	let format: Format;
	let version: number | undefined;
	if (versionRaw === undefined) {
		const s = splitFormat(slugRaw);
		slug = parseSlug(s.name);
		format = s.format;
	} else {
		slug = parseSlug(slugRaw);
		const v = splitFormat(versionRaw);
		const m = /^v([1-9]\d{0,5})$/.exec(v.name);
		if (!m) return notFound();
		version = Number(m[1]);
		format = v.format;
	}
	if (!slug) return notFound();
	const stored = await getVersion(db, slug, version);
	if (!stored) return notFound();
	const summary = JSON.parse(stored.body) as PublicSummary;
	if (stored.withdrawal) {
		return format === 'json'
			? publicResponse(request, withdrawnJson(slug, stored.withdrawal), 'json', { status: 410 })
			: format === 'csv'
				? new Response(`Withdrawn: ${stored.withdrawal.reason}\r\n`, {
						status: 410,
						headers: {
							'content-type': 'text/plain; charset=utf-8',
							'cache-control': 'public, max-age=300'
						}
					})
				: publicResponse(request, withdrawnHtml(summary.title, stored.withdrawal), 'html', {
						status: 410
					});
	}
	const state = stored.version === stored.latest ? 'current' : 'superseded';
	const versions = Array.from({ length: stored.latest }, (_, i) => i + 1);
	const file = `${slug}${state === 'superseded' ? `-v${stored.version}` : ''}`;
	if (format === 'json') return publicResponse(request, versionJson(stored), 'json');
	if (format === 'csv') {
		return publicResponse(request, summaryCsv(summary), 'csv', { download: `${file}.csv` });
	}
	return publicResponse(request, summaryHtml(summary, state, versions), 'html');
}

export async function serveIndex(db: Queryable, request: Request): Promise<Response> {
	return publicResponse(request, indexHtml(await listSummaries(db)), 'html');
}

/** Every version of every summary still published, newest first. */
export async function serveFeed(
	db: Queryable,
	request: Request,
	origin: string
): Promise<Response> {
	const rows = await db.all<{
		slug: string;
		version: number;
		title: string;
		published_at: string;
		body: string;
	}>(
		`SELECT s.slug, s.version, s.title, strftime(s.published_at, '%Y-%m-%dT%H:%M:%SZ') AS published_at, s.body
		 FROM summaries s ANTI JOIN summary_withdrawals w USING (slug)
		 ORDER BY s.published_at DESC, s.slug, s.version DESC`
	);
	const entries = rows.map((r) => {
		const body = JSON.parse(r.body) as PublicSummary;
		return {
			slug: r.slug,
			version: r.version,
			title: r.title,
			published_at: r.published_at,
			summary: body.revision
				? `Version ${r.version}: ${body.revision.note}`
				: `${body.period.label}: ${body.sections.map((s) => s.title).join(', ')}.`
		};
	});
	return publicResponse(request, feedXml(origin, entries), 'atom');
}
