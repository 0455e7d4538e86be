// The month-end upload's pure logic, in the browser: which saved mapping a header is, a mapping's
// draft from a header, the values a preview holds that the contract would refuse, the mapped
// preview, the personal-looking columns, the order files are sent in, the server's NDJSON progress
// lines, and the pages each loaded kind changes. The server checks everything again.
import { LOAD_ORDER } from '$lib/load-order';
import { columnLooksPersonal } from '$lib/personal-columns';
import { normaliseHeader, type KindColumns } from './extracts';

/** A contract column as the page load passes it: enum values, and Y/N for flags. */
export interface ContractColumn {
	name: string;
	type: string;
	required: boolean;
	values?: string[];
}

/** A kind's column lists with its columns' types and allowed values, for the mapping editor. */
export interface ContractKind extends KindColumns {
	columns: ContractColumn[];
}

/** A saved column mapping as GET/POST /api/v1/mappings answer it. */
export interface Mapping {
	name: string;
	kind: string;
	version: number;
	header: string[];
	columns: Record<string, string | null>;
	values: Record<string, Record<string, string>>;
	created_by: string;
	created_at: string;
}

/** A mapping being edited: source column → contract column (null = ignore), and value maps. */
export interface MappingDraft {
	columns: Record<string, string | null>;
	values: Record<string, Record<string, string>>;
}

/** The order files are sent in (the CLI's folder load and the sample use the same). */
export const UPLOAD_ORDER = LOAD_ORDER;

/** Items sorted into UPLOAD_ORDER by kind; items of one kind keep the order they were chosen in. */
export function inUploadOrder<T extends { kind: string }>(items: readonly T[]): T[] {
	const rank = (k: string) => {
		const i = (UPLOAD_ORDER as readonly string[]).indexOf(k);
		return i < 0 ? UPLOAD_ORDER.length : i;
	};
	return items
		.map((item, i) => ({ item, i }))
		.sort((a, b) => rank(a.item.kind) - rank(b.item.kind) || a.i - b.i)
		.map((x) => x.item);
}

const sameHeader = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && a.every((h, i) => normaliseHeader(h) === normaliseHeader(b[i]));

/** The saved mappings made for this very header (names read as the server reads them), newest first. */
export function mappingsForHeader(
	header: readonly string[],
	mappings: readonly Mapping[]
): Mapping[] {
	return mappings
		.filter((m) => sameHeader(m.header, header))
		.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** A first draft: each field that already names a column of `kind` maps to it, the rest are ignored. */
export function draftMapping(header: readonly string[], kind: ContractKind): MappingDraft {
	const names = new Set(kind.columns.map((c) => c.name));
	const taken = new Set<string>();
	const columns: Record<string, string | null> = {};
	for (const h of header) {
		const n = normaliseHeader(h);
		columns[h] = names.has(n) && !taken.has(n) ? n : null;
		if (columns[h]) taken.add(n);
	}
	return { columns, values: {} };
}

const FLAG_VALUES = new Set(['y', 'yes', 'true', '1', 'n', 'no', 'false', '0']);
// The enum key the server matches by (canonical.ts): case, spaces, hyphens and underscores ignored.
const enumKey = (v: string) =>
	v
		.trim()
		.replace(/[\s\u00a0_-]+/g, ' ')
		.trim()
		.replace(/ /g, '_')
		.toLowerCase();

/** Whether the contract takes `value` as it is in a column of this type (empty is NULL: fine). */
export function valueAccepted(column: ContractColumn, value: string): boolean {
	const v = value.trim();
	if (!v) return true;
	if (column.type === 'flag') return FLAG_VALUES.has(v.toLowerCase());
	if (column.type === 'enum') return (column.values ?? []).some((x) => enumKey(x) === enumKey(v));
	return true;
}

/** Contract column → the values of the preview rows the contract would refuse, in first-seen order. */
export function unrecognisedValues(
	header: readonly string[],
	rows: readonly string[][],
	draft: MappingDraft,
	kind: ContractKind
): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	header.forEach((h, i) => {
		const target = kind.columns.find((c) => c.name === draft.columns[h]);
		if (!target || (target.type !== 'enum' && target.type !== 'flag')) return;
		for (const row of rows) {
			const v = (row[i] ?? '').trim();
			if (valueAccepted(target, v)) continue;
			const seen = (out[target.name] ??= []);
			if (!seen.includes(v)) seen.push(v);
		}
	});
	return out;
}

/** The preview as the server will read it after the mapping: contract columns and mapped values. */
export function mappedPreview(
	header: readonly string[],
	rows: readonly string[][],
	draft: MappingDraft,
	kind: ContractKind
): { header: string[]; rows: string[][] } {
	const order = kind.columns.map((c) => c.name);
	const used = header
		.map((h, i) => ({ i, target: draft.columns[h] }))
		.filter((x): x is { i: number; target: string } => !!x.target)
		.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
	return {
		header: used.map((u) => u.target),
		rows: rows.map((r) =>
			used.map((u) => {
				const v = (r[u.i] ?? '').trim();
				return draft.values[u.target]?.[v] ?? v;
			})
		)
	};
}

/** What the server would refuse in a draft, in an analyst's words (the server checks again). */
export function draftProblems(
	header: readonly string[],
	rows: readonly string[][],
	draft: MappingDraft,
	kind: ContractKind
): string[] {
	const problems: string[] = [];
	const sources = new Map<string, string[]>();
	for (const h of header) {
		const t = draft.columns[h];
		if (t) sources.set(t, [...(sources.get(t) ?? []), h]);
	}
	for (const [t, from] of sources) {
		if (from.length > 1) {
			problems.push(
				`${from.map((f) => `"${f}"`).join(' and ')} both map to ${t}: keep one, ignore the other.`
			);
		}
	}
	for (const c of kind.columns) {
		if (c.required && !sources.has(c.name)) {
			problems.push(`${c.name} is required: map a column of the file to it.`);
		}
	}
	for (const [column, values] of Object.entries(unrecognisedValues(header, rows, draft, kind))) {
		const open = values.filter((v) => !draft.values[column]?.[v]);
		if (open.length) {
			problems.push(
				`${column}: choose what ${open.map((v) => `"${v}"`).join(', ')} ${open.length === 1 ? 'means' : 'mean'}.`
			);
		}
	}
	return problems;
}

/** The draft as POST /api/v1/mappings takes it: only the value maps still needed by the columns. */
export function mappingBody(
	name: string,
	kind: string,
	header: readonly string[],
	draft: MappingDraft
): {
	name: string;
	kind: string;
	header: string[];
	columns: MappingDraft['columns'];
	values: MappingDraft['values'];
} {
	const targets = new Set(Object.values(draft.columns).filter(Boolean));
	const values = Object.fromEntries(
		Object.entries(draft.values)
			.filter(([c, m]) => targets.has(c) && Object.keys(m).length)
			.map(([c, m]) => [c, { ...m }])
	);
	return { name: name.trim(), kind, header: [...header], columns: { ...draft.columns }, values };
}

/** Header fields whose names look personal, with what they look like; contract columns never are. */
export function personalColumns(
	header: readonly string[],
	kind: ContractKind | undefined,
	draft: MappingDraft | null
): { column: string; what: string }[] {
	const contract = new Set(kind?.columns.map((c) => c.name) ?? []);
	const out: { column: string; what: string }[] = [];
	for (const h of header) {
		// A field renamed onto a contract column is read under the contract's name.
		if (draft?.columns[h]) continue;
		const what = columnLooksPersonal(normaliseHeader(h), contract);
		if (what) out.push({ column: h, what });
	}
	return out;
}

export const STAGES = ['stored', 'reading', 'validating', 'guard', 'loading', 'done'] as const;
export type StageName = (typeof STAGES)[number];

export const STAGE_LABELS: Record<StageName, string> = {
	stored: 'Stored on the server',
	reading: 'Reading',
	validating: 'Checking every row',
	guard: 'Personal-data check',
	loading: 'Loading',
	done: 'Done'
};

export type StreamLine =
	| { type: 'stage'; stage: StageName; rows?: number; bytes?: number; ms: number }
	| { type: 'result'; status: number; body: unknown };

/**
 * Reads the NDJSON answer as it grows: call with the whole text so far; returns the lines completed
 * since the last call. A line that is not JSON is skipped rather than ending the upload's display.
 */
export function ndjsonReader(): (text: string) => StreamLine[] {
	let used = 0;
	return (text) => {
		const out: StreamLine[] = [];
		let nl: number;
		while ((nl = text.indexOf('\n', used)) >= 0) {
			const line = text.slice(used, nl).trim();
			used = nl + 1;
			if (!line) continue;
			try {
				out.push(JSON.parse(line) as StreamLine);
			} catch {
				// not one of the server's lines
			}
		}
		return out;
	};
}

/** The latest event of each stage seen so far (a stage repeats with larger counts), in stage order. */
export function stagesSoFar(
	lines: readonly Extract<StreamLine, { type: 'stage' }>[]
): Extract<StreamLine, { type: 'stage' }>[] {
	const latest = new Map<StageName, Extract<StreamLine, { type: 'stage' }>>();
	for (const l of lines) latest.set(l.stage, l);
	return STAGES.filter((s) => latest.has(s)).map((s) => latest.get(s)!);
}

/** The dashboard pages whose figures read each kind (metrics.md), for the summary's links. */
export const PAGES_BY_KIND: Record<string, { href: string; label: string }[]> = {
	crimes: [
		{ href: '/overview', label: 'Overview' },
		{ href: '/arrests-and-charges', label: 'Arrests and charges' },
		{ href: '/under-reporting', label: 'Under-reporting' },
		{ href: '/safeguarding', label: 'Safeguarding' },
		{ href: '/areas', label: 'Areas' }
	],
	arrests: [
		{ href: '/overview', label: 'Overview' },
		{ href: '/arrests-and-charges', label: 'Arrests and charges' },
		{ href: '/safeguarding', label: 'Safeguarding' }
	],
	outcomes: [
		{ href: '/overview', label: 'Overview' },
		{ href: '/arrests-and-charges', label: 'Arrests and charges' },
		{ href: '/safeguarding', label: 'Safeguarding' }
	],
	incidents: [
		{ href: '/under-reporting', label: 'Under-reporting' },
		{ href: '/safeguarding', label: 'Safeguarding' }
	],
	risk_assessments: [{ href: '/safeguarding', label: 'Safeguarding' }],
	protective_orders: [{ href: '/safeguarding', label: 'Safeguarding' }],
	workforce: [
		{ href: '/training', label: 'Training' },
		{ href: '/under-reporting', label: 'Under-reporting' }
	],
	training: [{ href: '/training', label: 'Training' }],
	population: [
		{ href: '/areas', label: 'Areas' },
		{ href: '/under-reporting', label: 'Under-reporting' }
	],
	prevalence: [{ href: '/under-reporting', label: 'Under-reporting' }]
};

/** The pages the loaded kinds change, each once, in the navigation's order. */
export function pagesChanged(kinds: readonly string[]): { href: string; label: string }[] {
	const nav = [
		'/overview',
		'/arrests-and-charges',
		'/under-reporting',
		'/training',
		'/safeguarding',
		'/areas'
	];
	const seen = new Map<string, { href: string; label: string }>();
	for (const k of kinds) for (const p of PAGES_BY_KIND[k] ?? []) seen.set(p.href, p);
	return [...seen.values()].sort((a, b) => nav.indexOf(a.href) - nav.indexOf(b.href));
}
