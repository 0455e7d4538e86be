// The public pages as bytes: HTML rendered on the server from the frozen JSON (no scripts), the
// CSV (one block per table, spreadsheet-safe) and the Atom feed, with ETag and Cache-Control, and
// 304 for a matching If-None-Match. Same frozen record, same bytes, same ETag.
import { createHash } from 'node:crypto';
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import { csvCell } from '../../csv';
import { contentDisposition } from '../download';
import type { PublicSummary } from './compose';
import { commentaryHtml } from './markdown';
import type { StoredVersion, SummaryListItem, Withdrawal } from './store';
import { PUBLIC_CSS } from './style';
import AccessibilityPage from './html/AccessibilityPage.svelte';
import IndexPage from './html/IndexPage.svelte';
import SummaryPage from './html/SummaryPage.svelte';
import WithdrawnPage from './html/WithdrawnPage.svelte';

/** How long a shared cache may keep a public page before asking again (it then gets a 304). */
const CACHE_CONTROL = 'public, max-age=300';

const escapeText = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function page<P extends Record<string, any>>(
	title: string,
	component: Component<P>,
	props: P
): string {
	const { head, body } = render(component, { props });
	return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(title)}</title>
<link rel="alternate" type="application/atom+xml" title="Published summaries" href="/summaries/feed.xml">
<style>${PUBLIC_CSS}</style>${head}
</head>
<body>
${body}
</body>
</html>
`;
}

export function summaryHtml(
	summary: PublicSummary,
	state: 'preview' | 'current' | 'superseded',
	versions: number[]
): string {
	const title = `${state === 'preview' ? 'Preview: ' : ''}${summary.title}${state === 'superseded' ? ` (version ${summary.version}, superseded)` : ''}`;
	return page(title, SummaryPage, {
		summary,
		commentary: commentaryHtml(summary.commentary),
		state,
		versions
	});
}

export function indexHtml(items: SummaryListItem[]): string {
	return page('Published summaries – stalking: force performance', IndexPage, { items });
}

export function withdrawnHtml(title: string, withdrawal: Withdrawal): string {
	return page(`Withdrawn: ${title}`, WithdrawnPage, { title, withdrawal });
}

export function accessibilityHtml(): string {
	return page('Accessibility statement – published summaries', AccessibilityPage, {});
}

/** The tables as CSV: a few lines about the summary, then one block per table, a blank line between. */
export function summaryCsv(s: PublicSummary): string {
	const line = (cells: unknown[]) => cells.map(csvCell).join(',');
	const out: string[] = [
		line(['Summary', s.title]),
		line(['Version', s.version]),
		line(['Published', s.published_at ?? 'preview']),
		line(['Period', `${s.period.from} to ${s.period.to}`]),
		line(['Data as at', s.data_to]),
		line([
			'Disclosure',
			`counts from 1 to ${s.disclosure.threshold - 1} shown as <${s.disclosure.threshold}; [c] withheld to prevent subtraction; rates out of fewer than ${s.disclosure.rate_min_denominator} withheld (empty)${s.disclosure.rounding ? `; counts rounded to the nearest ${s.disclosure.rounding}` : ''}`
		]),
		line(['Rates', 'fractions (0.25 = 25%)'])
	];
	for (const sec of s.sections) {
		for (const t of sec.tables) {
			out.push('', line(['Table', t.id, t.title]));
			out.push(line(t.columns.map((c) => c.label)));
			for (const r of t.rows) out.push(line(t.columns.map((c) => csvValue(r[c.key], c.type))));
		}
	}
	return out.join('\r\n') + '\r\n';
}

/** Rates to 4 decimal places (0.1173 = 11.73%): the precision a spreadsheet user can read. */
function csvValue(cell: unknown, type: string): unknown {
	return typeof cell === 'number' && (type === 'rate' || type === 'ratio')
		? Math.round(cell * 1e4) / 1e4
		: cell;
}

/** The Atom feed: one entry per published version of a summary that is not withdrawn. */
export function feedXml(
	origin: string,
	entries: { slug: string; version: number; title: string; published_at: string; summary: string }[]
): string {
	const x = (s: string) => escapeText(s).replace(/"/g, '&quot;');
	// An empty feed still needs an <updated>: a fixed instant, so its bytes (and ETag) stay put.
	const updated = entries[0]?.published_at ?? '1970-01-01T00:00:00Z';
	const items = entries
		.map((e) => {
			const url = `${origin}/summaries/${e.slug}${e.version > 1 ? `/v${e.version}` : ''}`;
			return `<entry>
<title>${x(e.title)}${e.version > 1 ? ` (version ${e.version})` : ''}</title>
<link rel="alternate" type="text/html" href="${x(url)}"/>
<id>${x(`${origin}/summaries/${e.slug}/v${e.version}`)}</id>
<updated>${e.published_at}</updated>
<summary>${x(e.summary)}</summary>
</entry>`;
		})
		.join('\n');
	return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Stalking: published force performance summaries</title>
<link rel="self" href="${x(origin)}/summaries/feed.xml"/>
<link rel="alternate" type="text/html" href="${x(origin)}/summaries"/>
<id>${x(origin)}/summaries</id>
<updated>${updated}</updated>
<author><name>Office of the Police and Crime Commissioner</name></author>
${items}
</feed>
`;
}

const TYPES = {
	html: 'text/html; charset=utf-8',
	json: 'application/json; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	atom: 'application/atom+xml; charset=utf-8'
} as const;

export function etagOf(body: string): string {
	return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * A public answer: ETag from the bytes, Cache-Control public, and 304 without a body when the
 * client already holds these bytes.
 */
export function publicResponse(
	request: Request,
	body: string,
	type: keyof typeof TYPES,
	opts: { status?: number; download?: string } = {}
): Response {
	const etag = etagOf(body);
	const headers: Record<string, string> = {
		etag,
		'cache-control': CACHE_CONTROL,
		'content-type': TYPES[type],
		vary: 'Accept-Encoding'
	};
	if (opts.download) headers['content-disposition'] = contentDisposition(opts.download);
	const match = request.headers.get('if-none-match');
	if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
		return new Response(null, { status: 304, headers: { etag, 'cache-control': CACHE_CONTROL } });
	}
	return new Response(body, { status: opts.status ?? 200, headers });
}

/** A stored version's public JSON, with its state (superseded) added when it is not the latest. */
export function versionJson(v: StoredVersion): string {
	if (v.version === v.latest) return v.body;
	const parsed = JSON.parse(v.body) as PublicSummary;
	return JSON.stringify({ ...parsed, superseded_by: v.latest });
}

export function withdrawnJson(slug: string, w: Withdrawal): string {
	// Who withdrew it is a staff account: kept in the audit log, never published.
	return JSON.stringify({ withdrawn: { slug, withdrawn_at: w.withdrawn_at, reason: w.reason } });
}
