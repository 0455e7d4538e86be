// Reading a header row: normalised names, which kind it is, and which contract column each field is.
import { ALL_COLUMN_NAMES, columnNames, KINDS, KIND_NAMES, type KindName } from './contract';

/** Case-insensitive, trimmed, spaces and hyphens read as `_` (extracts.md "File rules"). */
export function normaliseHeader(name: string): string {
	return name
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
}

export interface HeaderMatch {
	kind: KindName;
	/** Contract column name -> position in the file (0-based). */
	positions: Map<string, number>;
	missing: string[];
	/** Fields that are not columns of this kind: position and the name as written. */
	extra: { position: number; name: string; normalised: string }[];
	/** Contract columns that appear more than once, with their positions. */
	duplicated: { column: string; positions: number[] }[];
}

export function matchHeader(kind: KindName, header: string[]): HeaderMatch {
	const names = columnNames(kind);
	const seen = new Map<string, number[]>();
	const extra: HeaderMatch['extra'] = [];
	header.forEach((raw, position) => {
		const normalised = normaliseHeader(raw);
		if (names.has(normalised)) seen.set(normalised, [...(seen.get(normalised) ?? []), position]);
		else extra.push({ position, name: raw.trim(), normalised });
	});
	const positions = new Map<string, number>();
	for (const [name, at] of seen) positions.set(name, at[0]);
	return {
		kind,
		positions,
		missing: KINDS[kind].columns.filter((c) => c.required && !seen.has(c.name)).map((c) => c.name),
		extra,
		duplicated: [...seen]
			.filter(([, at]) => at.length > 1)
			.map(([column, at]) => ({ column, positions: at }))
	};
}

/** Kinds whose required columns are all in the header, best match (fewest extra fields) first. */
export function kindsMatching(header: string[]): KindName[] {
	return KIND_NAMES.map((k) => matchHeader(k, header))
		.filter((m) => m.missing.length === 0)
		.sort((a, b) => a.extra.length - b.extra.length)
		.map((m) => m.kind);
}

export type KindDetection =
	| { ok: true; kind: KindName }
	| { ok: false; reason: 'unknown' | 'ambiguous'; candidates: KindName[] };

/**
 * The kind a header identifies: the one kind whose required columns are all present; when several
 * are, the one that explains every field; otherwise ambiguous.
 */
export function detectKind(header: string[]): KindDetection {
	const matches = KIND_NAMES.map((k) => matchHeader(k, header)).filter(
		(m) => m.missing.length === 0
	);
	if (matches.length === 1) return { ok: true, kind: matches[0].kind };
	if (matches.length === 0) return { ok: false, reason: 'unknown', candidates: [] };
	const exact = matches.filter((m) => m.extra.length === 0);
	if (exact.length === 1) return { ok: true, kind: exact[0].kind };
	return { ok: false, reason: 'ambiguous', candidates: matches.map((m) => m.kind) };
}

/** How many header fields name a column of any kind: 0 suggests the file has no header row. */
export function knownColumnCount(header: string[]): number {
	return header.filter((h) => ALL_COLUMN_NAMES.has(normaliseHeader(h))).length;
}
