// Composing a summary: the chosen sections' figures, disclosure control over all of them at once
// (and against the version it supersedes), then each section's words from the published cells.
// The result is the public JSON of api.md, ready to freeze.
import type { Queryable } from '../db';
import { datasetAsAt } from '../metrics/as-at';
import { getSettings } from '../settings';
import { HttpError } from '../http';
import type { ChartSpec, Column, DisclosureSettings, Figure, Row } from '../../figures';
import { protect, type Prior } from './disclosure';
import { buildSections } from './sections';
import { periodMonths, periodWords, type PeriodKind, type SummaryRequest } from './request';

/** Statistics (medians) over fewer cases than this are withheld (metrics.md). */
export const STATISTIC_MIN_CASES = 10;

export interface PublicTable {
	id: string;
	title: string;
	columns: Column[];
	rows: Row[];
	total_row: boolean;
	chart: ChartSpec | null;
	/** Per row, a word after its label ("provisional"), or null; absent when no row has one. */
	row_notes?: (string | null)[];
}

export interface PublicSection {
	id: string;
	title: string;
	summary: string;
	method: string;
	tables: PublicTable[];
}

/** The public JSON (api.md "Published summaries"): everything a summary's pages are drawn from. */
export interface PublicSummary {
	slug: string;
	version: number;
	title: string;
	/** ISO timestamp; null in a preview. */
	published_at: string | null;
	period: { kind: PeriodKind; from: string; to: string; label: string };
	/** The date the extracts were taken (the dataset's as-at date). */
	data_to: string | null;
	area_level: SummaryRequest['area_level'];
	disclosure: {
		threshold: number;
		rounding: null | 5;
		rate_min_denominator: number;
		note: string;
	};
	commentary: string;
	support_lines: SummaryRequest['support_lines'];
	/** For a revision: what changed, and the version it replaces. */
	revision: { note: string; supersedes: number } | null;
	sections: PublicSection[];
}

export interface Composed {
	body: PublicSummary;
	/** Exact figures and the cells withheld: kept (never served) for the next version's control. */
	prior: Prior;
}

/** The disclosure settings in force now (admin settings), as a summary freezes them. */
export async function disclosureSettings(db: Queryable): Promise<DisclosureSettings> {
	const s = await getSettings(db);
	return {
		threshold: s.suppression_threshold,
		rounding: s.round_to_5 ? 5 : null,
		rate_min_denominator: s.rate_min_denominator,
		statistic_min_cases: STATISTIC_MIN_CASES
	};
}

/** The force's own areas: the population reference list (no smaller area is ever published). */
export async function forceAreas(db: Queryable): Promise<string[]> {
	const rows = await db.all<{ area: string }>('SELECT DISTINCT area FROM population ORDER BY area');
	return rows.map((r) => r.area);
}

export async function compose(
	db: Queryable,
	req: SummaryRequest,
	identity: { slug: string; version: number; revision: PublicSummary['revision'] },
	prior?: Prior
): Promise<Composed> {
	const { as_of, complete_to } = await datasetAsAt(db);
	const areas = await forceAreas(db);
	if (req.area_level === 'districts' && areas.length === 0) {
		throw new HttpError(
			400,
			'bad_parameter',
			"The summary was not composed: area_level districts needs the population reference data, which names the force's areas. Load it, or publish at force level.",
			[
				{
					parameter: 'area_level',
					value: 'districts',
					message: 'no population reference data loaded'
				}
			]
		);
	}
	const { from, to } = periodMonths(req.period.kind, req.period.to);
	const periodText = periodWords(req.period.kind, req.period.to);
	const builds = await buildSections(
		{
			db,
			from,
			to,
			periodText,
			areaLevel: req.area_level,
			areas,
			asOf: as_of,
			completeTo: complete_to
		},
		req.sections
	);
	const settings = await disclosureSettings(db);
	const exact: Figure[] = builds.flatMap((b) => b.figures);
	const result = protect(
		{ figures: exact, sums: builds.flatMap((b) => b.sums), areas, prior },
		settings
	);
	const byId = new Map(result.figures.map((f) => [f.id, f]));
	const sections: PublicSection[] = builds.map((b) => {
		const published = b.figures.map((f) => byId.get(f.id) as Figure);
		return {
			id: b.id,
			title: b.title,
			summary: b.words(published),
			method: b.method.join('\n\n'),
			tables: published.map((f) => ({
				id: f.id,
				title: f.title,
				columns: f.columns,
				rows: f.rows,
				total_row: f.total_row ?? false,
				chart: f.chart ?? null,
				...(f.row_notes?.some((n) => n !== null) ? { row_notes: f.row_notes } : {})
			}))
		};
	});
	return {
		body: {
			slug: identity.slug,
			version: identity.version,
			title: req.title,
			published_at: null,
			period: { kind: req.period.kind, from, to, label: periodText },
			data_to: as_of,
			area_level: req.area_level,
			disclosure: {
				threshold: settings.threshold,
				rounding: settings.rounding,
				rate_min_denominator: settings.rate_min_denominator,
				note: result.notes.join(' ')
			},
			commentary: req.commentary,
			support_lines: req.support_lines,
			revision: identity.revision,
			sections
		},
		prior: { figures: exact, suppressed: result.suppressed }
	};
}
