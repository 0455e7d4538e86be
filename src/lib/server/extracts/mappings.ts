// Column mappings (extracts.md "Column mappings"): checking and saving a mapping as a new version,
// reading them back, recognising a file's header, and applying one to a header and to staged values.
import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { HttpError } from '../http';
import { isKindName, KINDS, KIND_NAMES, type Column, type KindName } from './contract';
import { normaliseHeader } from './header';
import { detectPersonalData } from './pii';
import { refusal, type Refusal } from './refusals';

/** A saved mapping, one version of it (protocol.md "Mappings"). */
export interface Mapping {
	name: string;
	kind: KindName;
	version: number;
	/** The source header it was saved for (to recognise next month's file by). */
	header: string[];
	/** Source column (as the header writes it) → contract column, or null = ignore. */
	columns: Record<string, string | null>;
	/** Contract column → source value → contract value (enum and flag columns only). */
	values: Record<string, Record<string, string>>;
	created_by: string;
	created_at: string;
}

/** What an upload's report says it was read with. */
export interface MappingRef {
	name: string;
	version: number;
}

export interface MappingVersion {
	version: number;
	created_by: string;
	created_at: string;
}

/** One reason a mapping cannot be saved: the body field at fault and what to do. */
export type MappingProblem = {
	field: string;
	message: string;
};

export type MappingDraft = Pick<Mapping, 'name' | 'kind' | 'header' | 'columns' | 'values'>;

export const NAME_MAX = 80;
const HEADER_MAX = 500;
const FIELD_MAX = 200;
const VALUES_MAX = 1000;
const VALUE_MAX = 200;
// Spellings the validator reads as a flag (validate.ts), and what a value map stores for each.
const FLAG_SPELLINGS: Record<string, 'Y' | 'N'> = {
	y: 'Y',
	yes: 'Y',
	true: 'Y',
	'1': 'Y',
	n: 'N',
	no: 'N',
	false: 'N',
	'0': 'N'
};
// The enum key the validator matches by (canonical.ts enumKeySql): case, spaces, hyphens and
// underscores ignored.
const enumKey = (v: string) =>
	v
		.trim()
		.replace(/[\s\u00a0_-]+/g, ' ')
		.trim()
		.replace(/ /g, '_')
		.toLowerCase();

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

const quoted = (s: string) => `"${s.length > 40 ? `${s.slice(0, 37)}…` : s}"`;

/** Whether two headers are the same, field by field, read as the header check reads names. */
export function sameHeader(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((h, i) => normaliseHeader(h) === normaliseHeader(b[i]));
}

/**
 * Check a mapping as POST /api/v1/mappings receives it against the contract: every problem, by
 * field, or the draft in its stored form (names trimmed, enum targets in the contract's spelling,
 * flag targets Y or N).
 */
export function checkMapping(
	body: unknown
): { ok: true; draft: MappingDraft } | { ok: false; problems: MappingProblem[] } {
	const problems: MappingProblem[] = [];
	const say = (field: string, message: string) => problems.push({ field, message });
	if (!isRecord(body)) {
		say('body', 'send a JSON object with name, kind, header, columns and values');
		return { ok: false, problems };
	}

	let name = '';
	if (typeof body.name !== 'string' || !body.name.trim()) {
		say('name', 'give the mapping a name, e.g. "Niche crimes export"');
	} else {
		name = body.name.trim();
		if (name.length > NAME_MAX)
			say('name', `is ${name.length} characters; use ${NAME_MAX} or fewer`);
		else if (CONTROL.test(name) || /[/\\]/.test(name)) {
			say('name', 'may not hold control characters, / or \\');
		} else if (detectPersonalData(name)) {
			say('name', `looks like ${detectPersonalData(name)}: name the source system, not a person`);
		}
	}

	const kind = typeof body.kind === 'string' && isKindName(body.kind) ? body.kind : undefined;
	if (!kind) {
		say(
			'kind',
			`${typeof body.kind === 'string' ? quoted(body.kind) : 'kind'} is not a kind of extract; use one of ${KIND_NAMES.join(', ')}`
		);
	}

	const header: string[] = [];
	if (!Array.isArray(body.header) || body.header.length === 0) {
		say('header', "give the source file's header: its column names in order");
	} else if (body.header.length > HEADER_MAX) {
		say('header', `has ${body.header.length} columns; a mapping takes up to ${HEADER_MAX}`);
	} else {
		const seen = new Map<string, number>();
		body.header.forEach((h, i) => {
			if (typeof h !== 'string') say(`header.${i}`, 'is not a column name (a string)');
			else if (h.length > FIELD_MAX) say(`header.${i}`, `is longer than ${FIELD_MAX} characters`);
			else if (CONTROL.test(h)) say(`header.${i}`, 'holds a control character');
			else {
				const n = normaliseHeader(h);
				if (seen.has(n)) {
					say(
						`header.${i}`,
						`${quoted(h.trim())} repeats column ${seen.get(n)! + 1}: a header names each column once`
					);
				} else seen.set(n, i);
				header.push(h.trim());
			}
		});
	}
	// Columns are checked against the header, so only once it is read.
	if (problems.length && header.length === 0) return { ok: false, problems };
	const inHeader = new Map(header.map((h) => [normaliseHeader(h), h]));

	const columns: Record<string, string | null> = {};
	const targets = new Map<string, string[]>();
	const contract: readonly Column[] = kind ? KINDS[kind].columns : [];
	const contractNames = contract.map((c) => c.name);
	if (!isRecord(body.columns)) {
		say('columns', 'give an object: source column → contract column, or null to ignore it');
	} else {
		for (const [source, target] of Object.entries(body.columns)) {
			const field = `columns.${source}`;
			const asWritten = inHeader.get(normaliseHeader(source));
			if (asWritten === undefined) {
				say(field, `${quoted(source)} is not a column of the header`);
				continue;
			}
			if (target === null) {
				columns[asWritten] = null;
				continue;
			}
			if (typeof target !== 'string' || (kind && !contractNames.includes(target))) {
				if (kind) {
					say(
						field,
						`${typeof target === 'string' ? quoted(target) : 'the target'} is not a column of the ${kind} extract; use one of ${contractNames.join(', ')}, or null to ignore the column`
					);
				}
				continue;
			}
			columns[asWritten] = target;
			targets.set(target, [...(targets.get(target) ?? []), asWritten]);
		}
	}
	// A header field the mapping does not name keeps its own name, so it fills its contract column.
	for (const h of header) {
		if (h in columns) continue;
		const n = normaliseHeader(h);
		if (contractNames.includes(n)) targets.set(n, [...(targets.get(n) ?? []), h]);
	}
	if (kind && isRecord(body.columns)) {
		for (const [target, sources] of targets) {
			if (sources.length > 1) {
				say(
					'columns',
					`${sources.map(quoted).join(' and ')} both map to ${target}: keep one and ignore the other (null)`
				);
			}
		}
		for (const c of contract) {
			if (c.required && !targets.has(c.name)) {
				say(
					'columns',
					`${c.name} is required in the ${kind} extract: map a column of the file to it`
				);
			}
		}
	}

	const values: Record<string, Record<string, string>> = {};
	if (body.values !== undefined && !isRecord(body.values)) {
		say('values', 'give an object: contract column → { source value: contract value }');
	} else if (kind) {
		for (const [column, map] of Object.entries(body.values ?? {})) {
			const field = `values.${column}`;
			const col = contract.find((c) => c.name === column);
			if (!col || (col.type !== 'enum' && col.type !== 'flag')) {
				const choices = contract.filter((c) => c.type === 'enum' || c.type === 'flag');
				say(
					field,
					`${quoted(column)} is not an enum or flag column of the ${kind} extract: values are mapped for ${choices.map((c) => c.name).join(', ') || 'none of its columns'} only`
				);
				continue;
			}
			if (!targets.has(column)) {
				say(field, `no column of the file maps to ${column}, so its values cannot be mapped`);
				continue;
			}
			if (!isRecord(map)) {
				say(field, 'give an object: source value → contract value');
				continue;
			}
			const entries = Object.entries(map);
			if (entries.length > VALUES_MAX) {
				say(field, `maps ${entries.length} values; a column takes up to ${VALUES_MAX}`);
				continue;
			}
			const out: Record<string, string> = {};
			for (const [source, target] of entries) {
				const at = `${field}.${source}`;
				const from = source.trim();
				if (!from || from.length > VALUE_MAX || CONTROL.test(from)) {
					say(at, `a source value must be 1 to ${VALUE_MAX} characters without control characters`);
					continue;
				}
				const personal = detectPersonalData(from);
				if (personal) {
					say(
						at,
						`the source value looks like ${personal}: a value map holds codes, never personal data`
					);
					continue;
				}
				if (from in out) {
					say(at, `${quoted(from)} is mapped twice (the source values are read trimmed)`);
					continue;
				}
				const allowed = allowedValue(col, typeof target === 'string' ? target : '');
				if (allowed === undefined) {
					say(
						at,
						`${typeof target === 'string' ? quoted(target) : 'the target'} is not allowed in ${column}: use ${col.type === 'flag' ? 'Y or N' : `one of ${(col.values ?? []).join(', ')}`}`
					);
					continue;
				}
				out[from] = allowed;
			}
			if (Object.keys(out).length) values[column] = out;
		}
	}

	if (problems.length || !kind) return { ok: false, problems };
	return { ok: true, draft: { name, kind, header, columns, values } };
}

/** The stored spelling of a value-map target, or undefined when the column does not take it. */
function allowedValue(col: Column, target: string): string | undefined {
	if (col.type === 'flag') return FLAG_SPELLINGS[target.trim().toLowerCase()];
	return (col.values ?? []).find((v) => enumKey(v) === enumKey(target));
}

interface MappingRow {
	name: string;
	version: number;
	kind: KindName;
	source_header: string;
	column_map: string;
	value_map: string;
	created_by: string;
	created_at: string;
}

const COLUMNS = `name, version, kind, source_header::VARCHAR AS source_header,
	column_map::VARCHAR AS column_map, value_map::VARCHAR AS value_map, created_by, created_at`;

function toMapping(row: MappingRow): Mapping {
	return {
		name: row.name,
		kind: row.kind,
		version: row.version,
		header: JSON.parse(row.source_header) as string[],
		columns: JSON.parse(row.column_map) as Mapping['columns'],
		values: JSON.parse(row.value_map) as Mapping['values'],
		created_by: row.created_by,
		created_at: row.created_at
	};
}

function problemsText(problems: MappingProblem[]): string {
	const first = problems
		.slice(0, 3)
		.map((p) => `${p.field} ${p.message}`)
		.join('; ');
	const more = problems.length > 3 ? `; and ${problems.length - 3} more (see details)` : '';
	return `The mapping was not saved: ${first}${more}. Nothing was changed.`;
}

/**
 * Save a mapping as the next version of its name (version 1 for a new name); audited. Throws
 * HttpError 400 `invalid_mapping` with every problem (details: field, message) and saves nothing.
 */
export async function saveMapping(
	db: Db,
	body: unknown,
	caller: { user: string; address?: string }
): Promise<Mapping> {
	const checked = checkMapping(body);
	if (!checked.ok) {
		throw new HttpError(400, 'invalid_mapping', problemsText(checked.problems), checked.problems);
	}
	const { draft } = checked;
	// A mapping changes no figure, so the figures computed so far are kept.
	return db.write(
		async (tx) => {
			const next = await tx.one<{ v: number }>(
				`SELECT (coalesce(max(version), 0) + 1)::INTEGER AS v FROM mappings WHERE name = $name`,
				{ name: draft.name }
			);
			const version = next!.v;
			await tx.run(
				`INSERT INTO mappings (name, version, kind, source_header, column_map, value_map, created_by, created_at)
				 VALUES ($name, $version, $kind, $header::JSON, $columns::JSON, $values::JSON, $user, current_timestamp)`,
				{
					name: draft.name,
					version,
					kind: draft.kind,
					header: JSON.stringify(draft.header),
					columns: JSON.stringify(draft.columns),
					values: JSON.stringify(draft.values),
					user: caller.user
				}
			);
			await audit(tx, {
				actor: caller.user,
				action: 'mapping_saved',
				target: draft.name,
				address: caller.address,
				details: { name: draft.name, kind: draft.kind, version }
			});
			const row = await tx.one<MappingRow>(
				`SELECT ${COLUMNS} FROM mappings WHERE name = $name AND version = $version`,
				{ name: draft.name, version }
			);
			return toMapping(row!);
		},
		{ figures: false }
	);
}

/** One version of a mapping (the latest when `version` is left out), or undefined. */
export async function getMapping(
	db: Queryable,
	name: string,
	version?: number
): Promise<Mapping | undefined> {
	const row = await db.one<MappingRow>(
		`SELECT ${COLUMNS} FROM mappings WHERE name = $name AND ($version IS NULL OR version = $version)
		 ORDER BY version DESC LIMIT 1`,
		{ name, version: version ?? null }
	);
	return row && toMapping(row);
}

/** Every version of a mapping, oldest first. */
export async function mappingVersions(db: Queryable, name: string): Promise<MappingVersion[]> {
	return db.all<MappingVersion>(
		`SELECT version, created_by, created_at FROM mappings WHERE name = $name ORDER BY version`,
		{ name }
	);
}

/** The latest version of every mapping, by name. */
export async function listMappings(db: Queryable): Promise<Mapping[]> {
	const rows = await db.all<MappingRow>(
		`SELECT ${COLUMNS} FROM mappings QUALIFY version = max(version) OVER (PARTITION BY name)
		 ORDER BY name`
	);
	return rows.map(toMapping);
}

/** Of `mappings`, the one saved for this very header (the most recently saved when several are). */
export function mappingForHeader(
	mappings: readonly Mapping[],
	header: readonly string[]
): Mapping | undefined {
	return mappings
		.filter((m) => sameHeader(m.header, header))
		.sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
}

/** The saved mapping (latest versions only) whose header is this file's header, if any. */
export async function matchMapping(
	db: Queryable,
	header: readonly string[]
): Promise<Mapping | undefined> {
	return mappingForHeader(await listMappings(db), header);
}

/**
 * The mapping an upload names (`mapping`, optionally `mapping_version`): the latest version, or the
 * one asked for. Throws 400 `bad_parameter` naming it when there is no such mapping or version.
 */
export async function resolveMapping(
	db: Queryable,
	name: string,
	version?: number
): Promise<Mapping> {
	const found = await getMapping(db, name, version);
	if (found) return found;
	const shown = quoted(name);
	if (version !== undefined) {
		const latest = await getMapping(db, name);
		if (latest) {
			throw new HttpError(
				400,
				'bad_parameter',
				`Mapping ${shown} has no version ${version}; its versions are 1 to ${latest.version}. Nothing was loaded.`,
				[{ parameter: 'mapping_version', value: String(version), message: 'no such version' }]
			);
		}
	}
	throw new HttpError(
		400,
		'bad_parameter',
		`There is no mapping named ${shown}. Save it on the Extracts page first (or leave mapping out). Nothing was loaded.`,
		[{ parameter: 'mapping', value: name.slice(0, 80), message: 'no saved mapping by that name' }]
	);
}

/**
 * Parse a `mapping_version` as sent (query, form field, CLI): a whole number from 1, or undefined
 * when empty. Throws 400 `bad_parameter` otherwise.
 */
export function parseMappingVersion(raw: string | null | undefined): number | undefined {
	const value = raw?.trim();
	if (!value) return undefined;
	if (!/^[1-9]\d{0,8}$/.test(value)) {
		throw new HttpError(
			400,
			'bad_parameter',
			`mapping_version must be a version number (1, 2, …), not ${quoted(value)}.`,
			[{ parameter: 'mapping_version', value: value.slice(0, 40), message: 'not a version number' }]
		);
	}
	return Number(value);
}

/**
 * The mapping an upload asks for by its `mapping` and `mapping_version` parameters (query, form
 * fields or the CLI's options), or undefined when it names none. Throws 400 `bad_parameter`.
 */
export async function uploadMapping(
	db: Queryable,
	name: string | null | undefined,
	version: string | null | undefined
): Promise<Mapping | undefined> {
	const asked = parseMappingVersion(version);
	const named = name?.trim();
	if (!named) {
		if (asked === undefined) return undefined;
		throw new HttpError(
			400,
			'bad_parameter',
			'mapping_version goes with mapping: name the mapping too (mapping=NAME&mapping_version=N).',
			[{ parameter: 'mapping_version', message: 'given without mapping' }]
		);
	}
	return resolveMapping(db, named, asked);
}

/** A file's header read through a mapping, field by field. */
export interface MappedHeader {
	/**
	 * The header the contract check reads: a renamed field under its contract column's name, an
	 * ignored one under its own (so it is an extra column: not loaded, still guarded by its name and
	 * its cells), the rest as written.
	 */
	header: string[];
	/** Per field: the mapping ignores it. */
	ignored: boolean[];
	/** Source columns the mapping names that the file does not have. */
	absent: string[];
}

/** Apply a mapping's column part to a file's header (same length and order). */
export function mapHeader(
	mapping: Pick<Mapping, 'columns'>,
	header: readonly string[]
): MappedHeader {
	const bySource = new Map(
		Object.entries(mapping.columns).map(([source, target]) => [normaliseHeader(source), target])
	);
	const present = new Set(header.map(normaliseHeader));
	return {
		header: header.map((h) => bySource.get(normaliseHeader(h)) ?? h),
		ignored: header.map((h) => bySource.get(normaliseHeader(h)) === null),
		absent: Object.keys(mapping.columns).filter((s) => !present.has(normaliseHeader(s)))
	};
}

/**
 * Rewrite mapped values in a staging table (text cells, trimmed) before validation: one UPDATE per
 * mapped column, its values bound as parameters. `columns` are the staging table's columns (contract
 * names from the contract's allow-list); a value map for a column the file lacks is skipped.
 * Returns how many cells changed in each column that had any.
 */
export async function applyValueMaps(
	conn: Queryable,
	table: string,
	columns: readonly string[],
	mapping: Pick<Mapping, 'kind' | 'values'>
): Promise<Record<string, number>> {
	const changed: Record<string, number> = {};
	const allowed = new Set(
		KINDS[mapping.kind].columns
			.filter((c) => c.type === 'enum' || c.type === 'flag')
			.map((c) => c.name)
	);
	for (const [column, map] of Object.entries(mapping.values)) {
		const entries = Object.entries(map);
		if (!allowed.has(column) || !columns.includes(column) || entries.length === 0) continue;
		const params: Record<string, string> = {};
		const whens = entries.map(([from, to], i) => {
			params[`f${i}`] = from;
			params[`t${i}`] = to;
			return `WHEN $f${i} THEN $t${i}`;
		});
		const before = await conn.one<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM ${table} WHERE "${column}" IN (${entries.map((_, i) => `$f${i}`).join(', ')})`,
			Object.fromEntries(entries.map(([from], i) => [`f${i}`, from]))
		);
		if (!before?.n) continue;
		await conn.run(
			`UPDATE ${table} SET "${column}" = CASE "${column}" ${whens.join(' ')} END
			 WHERE "${column}" IN (${entries.map((_, i) => `$f${i}`).join(', ')})`,
			params
		);
		changed[column] = before.n;
	}
	return changed;
}

/** A mapping for one kind named with another kind: refused before anything is read. */
export function mappingKindRefusal(
	mapping: Pick<Mapping, 'name' | 'version' | 'kind'>,
	kind: KindName | undefined,
	fileName: string
): Refusal | undefined {
	if (!kind || kind === mapping.kind) return undefined;
	return refusal(
		400,
		'bad_parameter',
		`The mapping ${quoted(mapping.name)} (version ${mapping.version}) is for ${mapping.kind} extracts, but ${fileName} was sent as ${kind}. Leave the kind out, or choose a mapping made for ${kind}. Nothing was loaded.`,
		[
			{
				parameter: 'mapping',
				value: mapping.name,
				message: `a mapping for ${mapping.kind}, not ${kind}`
			}
		]
	);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The report's line on what the mapping did, from the counts of what it did. */
export function mappingWarning(
	mapping: Pick<Mapping, 'name' | 'version'>,
	did: { renamed: number; ignored: number; absent: string[] },
	rewritten: Record<string, number>
): string {
	const values = Object.entries(rewritten);
	const total = values.reduce((n, [, k]) => n + k, 0);
	const parts = [
		`${plural(did.renamed, 'column')} renamed`,
		`${did.ignored} ignored`,
		total
			? `${plural(total, 'value')} rewritten (${values.map(([c, k]) => `${c} ${k}`).join(', ')})`
			: 'no value rewritten'
	];
	const absent = did.absent.length
		? ` The file has no ${did.absent.map(quoted).join(', ')}, which the mapping names.`
		: '';
	return `Read with the mapping ${quoted(mapping.name)} (version ${mapping.version}): ${parts.join(', ')}.${absent}`;
}
