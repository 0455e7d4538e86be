// Disclosure control for a published summary: withheld counts, rounding, and the stats that follow.
// Small counts are shown as `<t`; further counts as `[c]` until no withheld count can be worked out
// by subtraction across the summary's tables or against the version it replaces (metrics.md
// "Disclosure control"), nor any small count a total leaves once its printed parts are taken away
// (crimes outside the force's areas). Pure: exact figures in, published figures and the method
// note out.
import { monthRange } from '../../months';
import {
	belowThreshold,
	FORCE,
	WITHHELD,
	type Cell,
	type DisclosureSettings,
	type Figure,
	type MeasureSum,
	type Row,
	type RowScope
} from '../../figures';

/** The superseded version: its EXACT figures and the ids of the count cells it withheld. */
export interface Prior {
	figures: Figure[];
	suppressed: string[];
}

export interface Protected {
	/** A deep copy of the input with every cell as published. */
	figures: Figure[];
	/** Sorted ids of every withheld count cell of this version (small and further ones). */
	suppressed: string[];
	/** Plain-English sentences for the method note, from what was done. */
	notes: string[];
}

/** The figures cannot be published as they stand: a builder bug, or a cell no withholding can protect. */
export class DisclosureError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DisclosureError';
	}
}

/** A count cell's identity: the same measure over the same scope is the same number wherever printed. */
export function cellId(measure: string, scope: RowScope): string {
	const id = `${measure}|${scope.from}|${scope.to}|${scope.area}`;
	return scope.part === undefined ? id : `${id}|${scope.part}`;
}

export function protect(
	input: { figures: Figure[]; sums?: MeasureSum[]; areas: string[]; prior?: Prior },
	settings: DisclosureSettings
): Protected {
	checkSettings(settings);
	const sums = input.sums ?? [];
	checkFigures(input.figures, input.areas, 'current');
	const cells = readCounts(input.figures, 'current');
	const relations = relationsOf(cells, input.areas, sums, 'current');
	let prior: PriorCells | undefined;
	if (input.prior) {
		checkFigures(input.prior.figures, input.areas, 'prior');
		const priorCells = readCounts(input.prior.figures, 'prior');
		prior = {
			cells: priorCells,
			relations: relationsOf(priorCells, input.areas, sums, 'prior'),
			withheld: new Set(input.prior.suppressed)
		};
	}
	const system = buildSystem(cells, relations, prior, settings.threshold);
	if (prior) markRevealedByPrior(system);
	suppressFurther(system, prior !== undefined);

	const fates = new Map(system.vars.filter((v) => v.current).map((v) => [v.id, v.fate]));
	const stats = emptyStats();
	const figures = input.figures.map((f) => publishFigure(f, fates, settings, stats));
	const suppressed = [...fates].filter(([, fate]) => fate !== 'published').map(([id]) => id);
	for (const v of system.vars) if (v.current) countFate(v, settings.threshold, stats);
	for (const [v, kind] of system.forRemainder)
		if (system.vars[v].fate === 'secondary') stats.forRemainder.set(v, kind);
	return {
		figures,
		suppressed: suppressed.sort(),
		notes: notesFor(stats, settings, prior !== undefined)
	};
}

// ---------------------------------------------------------------------------------------------
// Reading and checking the figures

type Version = 'current' | 'prior';

interface CountCell {
	id: string;
	measure: string;
	scope: RowScope;
	value: number;
	/** Where it is first printed, for messages. */
	at: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkSettings(s: DisclosureSettings): void {
	if (!Number.isInteger(s.threshold) || s.threshold < 1)
		throw new DisclosureError(
			`The suppression threshold must be a whole number 1 or more, not ${s.threshold}.`
		);
	if (s.rounding !== null && (!Number.isInteger(s.rounding) || s.rounding < 1))
		throw new DisclosureError(`Rounding must be off or a whole number, not ${s.rounding}.`);
}

/** A figure, in words for an error message. */
function named(version: Version, f: Figure): string {
	return `${version === 'prior' ? 'In the version this one replaces, figure' : 'Figure'} "${f.id}"`;
}

/** Where a row is, in words for an error message. */
function where(version: Version, f: Figure, row: number): string {
	const label = Object.values(f.rows[row] ?? {}).find((c) => typeof c === 'string');
	return `${named(version, f)} row ${row + 1}${label ? ` (${label})` : ''}`;
}

/** Scopes are whole months and whole areas; stats name the count columns they are worked from. */
function checkFigures(figures: Figure[], areas: string[], version: Version): void {
	const allowed = new Set([FORCE, ...areas]);
	for (const f of figures) {
		if (f.scopes.length !== f.rows.length)
			throw new DisclosureError(
				`${named(version, f)} has ${f.rows.length} rows but ${f.scopes.length} scopes: every row needs the period and area it describes.`
			);
		f.scopes.forEach((s, i) => checkScope(s, allowed, areas, where(version, f, i)));
		checkColumns(f, version);
	}
}

function checkScope(s: RowScope, allowed: Set<string>, areas: string[], at: string): void {
	if (!MONTH.test(s.from) || !MONTH.test(s.to))
		throw new DisclosureError(
			`${at}: the period "${s.from}" to "${s.to}" must be two months written YYYY-MM.`
		);
	if (s.from > s.to)
		throw new DisclosureError(`${at}: the period starts (${s.from}) after it ends (${s.to}).`);
	if (!allowed.has(s.area))
		throw new DisclosureError(
			`${at}: "${s.area}" is neither the force nor one of its areas (${areas.join(', ') || 'none loaded'}); nothing smaller than an area is published.`
		);
	if (s.part !== undefined && (typeof s.part !== 'string' || s.part === ''))
		throw new DisclosureError(`${at}: a row's part must be a non-empty name.`);
}

function checkColumns(f: Figure, version: Version): void {
	const counts = new Set(f.columns.filter((c) => c.type === 'count').map((c) => c.key));
	const at = `${named(version, f)}, column`;
	const needCount = (col: string, key: string | undefined, role: string) => {
		if (key === undefined || !counts.has(key))
			throw new DisclosureError(
				`${at} "${col}": its ${role} must name a count column of the same figure${key ? ` ("${key}" is not one)` : ''}, so that it can be withheld with that count.`
			);
	};
	for (const c of f.columns) {
		if (c.type === 'rate') {
			needCount(c.key, c.numerator, 'numerator');
			needCount(c.key, c.denominator, 'denominator');
		} else if (c.type === 'ratio' || c.type === 'estimate') {
			for (const d of c.depends ?? []) needCount(c.key, d, 'dependency');
		} else if (c.type === 'median') {
			needCount(c.key, c.cases, 'case count');
		}
	}
}

/** Every count cell by identity, checking each is a whole number and the same wherever printed. */
function readCounts(figures: Figure[], version: Version): Map<string, CountCell> {
	const cells = new Map<string, CountCell>();
	const firstSeen = new Map<string, string>();
	for (const f of figures) {
		const countColumns = f.columns.filter((c) => c.type === 'count');
		f.rows.forEach((row, i) => {
			for (const col of countColumns) {
				const at = `${where(version, f, i)}, column "${col.key}"`;
				const value = row[col.key];
				if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
					throw new DisclosureError(
						`${at}: a count must be a whole number, 0 or more, not ${JSON.stringify(value ?? null)}.`
					);
				const measure = col.measure ?? col.key;
				const id = cellId(measure, f.scopes[i]);
				const seen = cells.get(id);
				if (seen && seen.value !== value)
					throw new DisclosureError(
						`${at} is ${value}, but the same count (${id}) is ${seen.value} at ${firstSeen.get(id)}: a count printed twice must be the same number.`
					);
				if (!seen) {
					const place = `${where('current', f, i)}, column "${col.key}"`;
					cells.set(id, { id, measure, scope: f.scopes[i], value, at: place });
					firstSeen.set(id, at);
				}
			}
		});
	}
	return cells;
}

// ---------------------------------------------------------------------------------------------
// Relations a reader can see between printed counts: total = Σ parts (+ what is left)

/** Which relation a remainder is left over from, for the method note and messages. */
type RemainderKind = 'areas' | 'months' | 'parts';

/**
 * What is left of a printed total once every printed part is taken away: crimes recorded for the
 * force with no area or outside its list, an area or month that is not printed, people with no
 * role. It is never printed, but a reader works it out as exactly as any printed cell, so it is a
 * count in its own right (a virtual cell): 1 to t−1 of them must not be recoverable, as if it were
 * printed as `<t`.
 */
interface Remainder {
	/** `remainder|<relation>|<total's id>`: one remainder per relation, never printed. */
	id: string;
	value: number;
	kind: RemainderKind;
	/** The total it is left over from. */
	total: string;
	/** How many printed parts are taken away. */
	parts: number;
}

/** Where a remainder's count is, in words: for error messages, after the total's id. */
const REMAINDER_WHERE: Record<RemainderKind, string> = {
	areas: 'outside the areas shown',
	months: 'in none of the months shown',
	parts: 'in none of the parts shown for it'
};

/** The same for the method note, which names no cell. */
const REMAINDER_NOTE: Record<RemainderKind, string> = {
	areas: 'the number counted for the force but outside the areas shown',
	months: 'the number counted for a period but in none of the months shown',
	parts: 'the number counted in a total but in none of the parts shown for it'
};

interface Relation {
	total: string;
	parts: string[];
	/** total = Σ parts + remainder, when the printed parts fall short of the total. */
	remainder?: Remainder;
}

function relationsOf(
	cells: Map<string, CountCell>,
	areas: string[],
	sums: MeasureSum[],
	version: Version
): Relation[] {
	return [
		...timeRelations(cells),
		...areaRelations(cells, areas),
		...areaTimeRelations(cells, areas),
		...partRelations(cells),
		...measureRelations(cells, sums, version)
	];
}

/**
 * total = Σ printed parts + remainder. A reader takes every printed part from the total, so what
 * is left is known exactly whether or not every part is printed:
 *
 * - 0: an exact sum, read as one (as if a reader knew there was nothing outside the parts, which
 *   is the most they could know, so the safe reading), with the printed parts alone.
 * - 1 or more: the remainder is a virtual cell (see Remainder), and the relation holds with it.
 * - below 0: the parts overlap (a person counted in two months, two roles or two areas), and
 *   the difference is the number of repeats, not a count of anyone, so there is nothing to
 *   protect in it. What a reader still knows, that the total is no more than the parts, is an
 *   inequality this system of equations does not carry, so the relation is left out as before.
 *   (Read alone with the other parts printed, it cannot pin a `<t` part: it bounds the part below
 *   by its value less the repeats, one or more less, so for t of 3 or more two values still fit.
 *   Combined with other sums it might: a gap, if a small one.)
 *
 * With no part printed there is nothing to take away: no relation.
 */
function relationOf(
	cells: Map<string, CountCell>,
	total: CountCell,
	partIds: string[],
	kind: RemainderKind,
	relation: string
): Relation[] {
	const parts = partIds.filter((id) => cells.has(id));
	if (parts.length === 0) return [];
	const left = parts.reduce((n, id) => n - (cells.get(id) as CountCell).value, total.value);
	if (left === 0) return [{ total: total.id, parts }];
	if (left < 0) return [];
	const id = `remainder|${relation}|${total.id}`;
	return [
		{
			total: total.id,
			parts,
			remainder: { id, value: left, kind, total: total.id, parts: parts.length }
		}
	];
}

function monthsOf(c: CountCell): string[] {
	return monthRange(c.scope.from, c.scope.to);
}

/** A period's count and the counts for each of its months, same measure and area. */
function timeRelations(cells: Map<string, CountCell>): Relation[] {
	return [...cells.values()]
		.filter((c) => c.scope.from < c.scope.to)
		.flatMap((c) =>
			relationOf(
				cells,
				c,
				monthsOf(c).map((m) => cellId(c.measure, { ...c.scope, from: m, to: m })),
				'months',
				'months'
			)
		);
}

/** The force's count and each area's, same measure and period. */
function areaRelations(cells: Map<string, CountCell>, areas: string[]): Relation[] {
	return [...cells.values()]
		.filter((c) => c.scope.area === FORCE)
		.flatMap((c) =>
			relationOf(
				cells,
				c,
				areas.map((area) => cellId(c.measure, { ...c.scope, area })),
				'areas',
				'areas'
			)
		);
}

/** The force's count over a period and every area's count for every month: a table with no margins. */
function areaTimeRelations(cells: Map<string, CountCell>, areas: string[]): Relation[] {
	return [...cells.values()]
		.filter((c) => c.scope.area === FORCE && c.scope.from < c.scope.to)
		.flatMap((c) =>
			relationOf(
				cells,
				c,
				areas.flatMap((area) =>
					monthsOf(c).map((m) => cellId(c.measure, { ...c.scope, area, from: m, to: m }))
				),
				'areas',
				'area-months'
			)
		);
}

/** A row without a part and the rows with parts (e.g. roles), same measure and scope. */
function partRelations(cells: Map<string, CountCell>): Relation[] {
	const partsOf = new Map<string, string[]>();
	for (const c of cells.values()) {
		if (c.scope.part === undefined) continue;
		const whole = cellId(c.measure, { ...c.scope, part: undefined });
		partsOf.set(whole, [...(partsOf.get(whole) ?? []), c.id]);
	}
	return [...cells.values()]
		.filter((c) => c.scope.part === undefined && partsOf.has(c.id))
		.flatMap((c) => relationOf(cells, c, partsOf.get(c.id) ?? [], 'parts', 'parts'));
}

/**
 * Declared sums between measures: the builder says they are exact, so a mismatch is its bug. When
 * only some of the parts are printed (risk assessed = standard + medium + high, with high alone
 * printed), the total less those printed is the rest of the parts together, worked out exactly:
 * a remainder, as for any other relation.
 */
function measureRelations(
	cells: Map<string, CountCell>,
	sums: MeasureSum[],
	version: Version
): Relation[] {
	const out: Relation[] = [];
	for (const sum of sums) {
		for (const total of cells.values()) {
			if (total.measure !== sum.total) continue;
			const parts = sum.parts.flatMap((p) => cells.get(cellId(p, total.scope)) ?? []);
			if (parts.length === 0) continue;
			const added = parts.reduce((s, p) => s + p.value, 0);
			const all = parts.length === sum.parts.length;
			if (all ? added !== total.value : added > total.value)
				throw new DisclosureError(
					`${version === 'prior' ? 'In the version this one replaces, ' : ''}${sum.total} is ${total.value} for ${total.scope.area} ${total.scope.from} to ${total.scope.to}, but ${all ? sum.parts.join(' + ') : `${parts.map((p) => p.measure).join(' + ')} (of ${sum.parts.join(' + ')})`} add up to ${added}: the declared sum does not hold, so the figures are inconsistent.`
				);
			out.push(
				...relationOf(
					cells,
					total,
					parts.map((p) => p.id),
					'parts',
					`sum:${sum.parts.join('+')}`
				)
			);
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// The system a reader could solve: one variable per distinct number, equations between them

type Fate = 'published' | 'primary' | 'secondary' | 'inherited';

interface Variable {
	id: string;
	value: number;
	/** Where it is first printed (in its own version), for messages. */
	at: string;
	/** Printed in this version, so it can be withheld now. */
	current: boolean;
	fate: Fate;
	/** Printed in the version this replaces: a reader has it, withholding it now hides nothing. */
	fixed: boolean;
	/** Withheld in the version this replaces. */
	priorWithheld: boolean;
	/** Already recoverable from the version this replaces alone: nothing now can hide it. */
	revealed: boolean;
	/**
	 * A remainder (virtual cell): never printed, so unknown to a reader from the start and never
	 * chosen to withhold, nor in the output. Not current: it has no fate of its own.
	 */
	remainder?: Remainder;
}

interface Equation {
	total: number;
	parts: number[];
	/** From the version this replaces. */
	prior: boolean;
}

interface System {
	vars: Variable[];
	equations: Equation[];
	/** The equations each variable is in. */
	byVar: number[][];
	threshold: number;
	/** Variables shown to take another value in some solution: not recoverable, now or later. */
	free: Set<number>;
	/** Cells withheld for a small remainder (the round's recoverable number was one), by kind. */
	forRemainder: Map<number, RemainderKind>;
}

interface PriorCells {
	cells: Map<string, CountCell>;
	relations: Relation[];
	withheld: Set<string>;
}

/**
 * Current cells first (so ties go to the earlier printed cell), then prior cells: a prior cell with
 * the same id and the same exact value is the same number, so the same variable; a changed one is
 * another variable.
 */
function buildSystem(
	cells: Map<string, CountCell>,
	relations: Relation[],
	prior: PriorCells | undefined,
	threshold: number
): System {
	const vars: Variable[] = [];
	const current = new Map<string, number>();
	for (const c of cells.values()) {
		current.set(c.id, vars.length);
		vars.push({
			id: c.id,
			value: c.value,
			at: c.at,
			current: true,
			fate: 'published',
			fixed: false,
			priorWithheld: false,
			revealed: false
		});
	}
	const previous = new Map<string, number>();
	for (const c of prior?.cells.values() ?? []) {
		const withheld = prior?.withheld.has(c.id) ?? false;
		const same = current.get(c.id);
		if (same !== undefined && vars[same].value === c.value) {
			vars[same].fixed = !withheld;
			vars[same].priorWithheld = withheld;
			previous.set(c.id, same);
		} else {
			previous.set(c.id, vars.length);
			vars.push({
				id: c.id,
				value: c.value,
				at: c.at,
				current: false,
				fate: 'published',
				fixed: !withheld,
				priorWithheld: withheld,
				revealed: false
			});
		}
	}
	// Remainders after every printed cell (so a printed cell is handled first in each round), the
	// prior's after the current ones, with the same id and value the same number, as for cells.
	const addRemainders = (relations: Relation[], index: Map<string, number>) => {
		for (const { remainder: r } of relations) {
			if (!r || index.has(r.id)) continue;
			const same = current.get(r.id);
			if (same !== undefined && vars[same].value === r.value) {
				index.set(r.id, same);
				continue;
			}
			index.set(r.id, vars.length);
			vars.push({
				id: r.id,
				value: r.value,
				at: r.total,
				current: false,
				fate: 'published',
				fixed: false,
				priorWithheld: false,
				revealed: false,
				remainder: r
			});
		}
	};
	addRemainders(relations, current);
	if (prior) addRemainders(prior.relations, previous);
	for (const v of vars) {
		if (!v.current) continue;
		if (isSmall(v.value, threshold)) v.fate = 'primary';
		else if (v.priorWithheld) v.fate = 'inherited';
	}
	const equations: Equation[] = [];
	const seen = new Set<string>();
	const add = (r: Relation, index: Map<string, number>, isPrior: boolean) => {
		const total = index.get(r.total) as number;
		const parts = [...r.parts, ...(r.remainder ? [r.remainder.id] : [])].map(
			(p) => index.get(p) as number
		);
		// Per version: the prior's own equations must all be there for markRevealedByPrior.
		const key = `${isPrior}:${total}=${[...parts].sort((a, b) => a - b).join('+')}`;
		if (seen.has(key)) return;
		seen.add(key);
		equations.push({ total, parts, prior: isPrior });
	};
	for (const r of relations) add(r, current, false);
	for (const r of prior?.relations ?? []) add(r, previous, true);
	const byVar: number[][] = vars.map(() => []);
	equations.forEach((e, i) => {
		for (const v of new Set([e.total, ...e.parts])) byVar[v].push(i);
	});
	return { vars, equations, byVar, threshold, free: new Set(), forRemainder: new Map() };
}

function isSmall(value: number, threshold: number): boolean {
	return value >= 1 && value < threshold;
}

/** A reader has the exact value: printed now, printed before, or already recoverable before. */
function isKnown(v: Variable): boolean {
	return v.fixed || v.revealed || (v.current && v.fate === 'published');
}

/**
 * What the version this replaces already gave away cannot be taken back: treat it as known, so the
 * loop protects what this version could newly reveal rather than refusing every revision.
 */
function markRevealedByPrior(s: System): void {
	const priorOnly: System = {
		...s,
		equations: s.equations.filter((e) => e.prior),
		free: new Set()
	};
	const known = (v: Variable) => !v.priorWithheld && !v.remainder;
	for (const i of recoverable(priorOnly, known)) s.vars[i].revealed = true;
}

/**
 * Could this cell be withheld now to hide another? Only a count printed now and never before (nor
 * already given away by it), and not a zero that is part of a total below t (a `<t` total, or a
 * printed 0): its parts are all below t, so a `[c]` among them can only be 0. Withholding it would
 * hide nothing, and worse, the `[c]` would itself be worked out as 0 whatever else was withheld,
 * so the outward search below would chase it to no end. (A zero under a printed 0 total becomes a
 * choice again once that total is withheld.)
 */
function choosable(s: System, v: number): boolean {
	const x = s.vars[v];
	if (!withholdable(x)) return false;
	return (
		x.value !== 0 ||
		!s.byVar[v].some((e) => s.equations[e].parts.includes(v) && belowT(s, s.equations[e].total))
	);
}

/** Printed now, never before, and not already recoverable from the version this replaces. */
function withholdable(x: Variable): boolean {
	return x.current && x.fate === 'published' && !x.fixed && !x.revealed;
}

/** Must stay hidden: `<t` now, withheld before and unchanged, or a prior count not printed now. */
function mustHide(x: Variable): boolean {
	return !isKnown(x) && x.fate !== 'secondary';
}

/** A reader knows this total is below t: it is shown as `<t`, or printed (or known) under t. */
function belowT(s: System, v: number): boolean {
	const x = s.vars[v];
	return isSmall(x.value, s.threshold) || (isKnown(x) && x.value < s.threshold);
}

/**
 * Withhold further cells until no withheld number can be worked out. One cell a round, for the
 * first recoverable number in printed order, then everything is checked again: one more unknown
 * often protects several numbers at once, so this withholds no more than it must.
 *
 * Withholding more never makes a hidden number easier to work out (a reader's solutions stay
 * solutions with one more unknown), so "everything that can be withheld, withheld" is the last
 * word on what can be protected. Before the rounds, one cheap look at that state (sums and the
 * markers' ranges, one equation at a time) refuses what nothing could protect, at once and saying
 * why, rather than after withholding half the summary. Should the rounds still find no cell to
 * withhold (only after a choice that could itself never be hidden, or a search that ran out of
 * budget), the complete answer takes over: see safeCells.
 */
function suppressFurther(s: System, hasPrior: boolean): void {
	const most = withholdAll(s);
	const hopeless = recoverable(most, isKnown, false).find((v) => mustHide(most.vars[v]));
	if (hopeless !== undefined) throw unprotectable(most, hopeless, hasPrior);
	if (withholdRounds(s, (v) => choosable(s, v))) return;
	const safe = safeCells(most, hasPrior);
	// Start again choosing only among the safe cells (the earlier choices may include one that can
	// never be hidden); solutions remembered for the earlier choices need not hold for these.
	for (const v of s.vars) if (v.fate === 'secondary') v.fate = 'published';
	s.free.clear();
	s.forRemainder.clear();
	if (withholdRounds(s, (v) => safe.has(v) && s.vars[v].fate === 'published')) return;
	for (const v of safe) if (s.vars[v].fate === 'published') s.vars[v].fate = 'secondary';
}

/** The rounds: true once nothing withheld can be worked out, false when no candidate is left. */
function withholdRounds(s: System, candidate: (v: number) => boolean): boolean {
	for (;;) {
		const pinned = recoverable(s, isKnown);
		if (pinned.length === 0) return true;
		let pick: number | undefined;
		let cause = -1;
		for (const u of pinned) {
			pick = chooseCell(s, u, candidate);
			cause = u;
			if (pick !== undefined) break;
		}
		if (pick === undefined) return false;
		s.vars[pick].fate = 'secondary';
		const r = s.vars[cause].remainder;
		if (r) s.forRemainder.set(pick, r.kind);
	}
}

/**
 * A copy of the system with every cell that could usefully be withheld, withheld: all counts
 * printed now and never before, but for zeros under a total below t (which would be worked out
 * as 0 whatever else is withheld), repeated because a zero total left printed makes the zeros
 * under it such zeros too.
 */
function withholdAll(s: System): System {
	const most: System = { ...s, vars: s.vars.map((v) => ({ ...v })), free: new Set() };
	const chosen = most.vars.flatMap((v, i) => (withholdable(v) ? [i] : []));
	for (const i of chosen) most.vars[i].fate = 'secondary';
	for (let changed = true; changed;) {
		changed = false;
		for (const i of chosen) {
			const x = most.vars[i];
			if (x.fate !== 'secondary' || x.value !== 0) continue;
			const hopeless = most.byVar[i].some(
				(e) => most.equations[e].parts.includes(i) && belowT(most, most.equations[e].total)
			);
			if (hopeless) {
				x.fate = 'published';
				changed = true;
			}
		}
	}
	return most;
}

/**
 * The complete answer: start from everything withheld and print back whatever a reader could
 * work out even so (it is worked out in every smaller choice too, so hiding it is no use), until
 * nothing withheld can be worked out. What is left is safe, and holds every safe choice; if a
 * count that must stay hidden is worked out on the way, nothing can protect it.
 */
function safeCells(most: System, hasPrior: boolean): Set<number> {
	const u: System = { ...most, vars: most.vars.map((v) => ({ ...v })) };
	for (;;) {
		u.free = new Set();
		const pinned = recoverable(u, isKnown);
		const hopeless = pinned.find((v) => mustHide(u.vars[v]));
		if (hopeless !== undefined) throw unprotectable(u, hopeless, hasPrior);
		if (pinned.length === 0)
			return new Set(u.vars.flatMap((v, i) => (v.fate === 'secondary' ? [i] : [])));
		for (const v of pinned) u.vars[v].fate = 'published';
	}
}

/**
 * The cell to withhold for a recoverable u: in the equations containing u, the smallest printed
 * non-zero part (a part before a total: totals are the figures readers come for; a non-zero before
 * a zero: a zero withheld hides less), ties to the earlier printed. When u's own equations have
 * nothing left to withhold, search outward, breadth first, through the withheld cells they hold
 * and the equations those are in, taking the best candidate of the nearest layer that has one.
 */
function chooseCell(s: System, u: number, candidate: (v: number) => boolean): number | undefined {
	const seenEquations = new Set<number>();
	const seenVars = new Set<number>([u]);
	let frontier = [u];
	while (frontier.length > 0) {
		const equations = [...new Set(frontier.flatMap((v) => s.byVar[v]))].filter(
			(e) => !seenEquations.has(e)
		);
		equations.forEach((e) => seenEquations.add(e));
		const best = bestCandidate(s, equations, candidate);
		if (best !== undefined) return best;
		const next = new Set<number>();
		for (const e of equations)
			for (const v of [s.equations[e].total, ...s.equations[e].parts])
				if (!seenVars.has(v) && !isKnown(s.vars[v])) {
					seenVars.add(v);
					next.add(v);
				}
		frontier = [...next];
	}
	return undefined;
}

function bestCandidate(
	s: System,
	equations: number[],
	candidate: (v: number) => boolean
): number | undefined {
	const asPart = new Map<number, boolean>();
	for (const e of equations) {
		for (const p of s.equations[e].parts) if (candidate(p)) asPart.set(p, true);
		const t = s.equations[e].total;
		if (candidate(t) && !asPart.has(t)) asPart.set(t, false);
	}
	const rank = (v: number) => [
		asPart.get(v) ? 0 : 1,
		s.vars[v].value === 0 ? 1 : 0,
		s.vars[v].value,
		v
	];
	const order = [...asPart.keys()].sort((a, b) => {
		const [ra, rb] = [rank(a), rank(b)];
		for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
		return 0;
	});
	return order[0];
}

/** How an equation would read in state s: printed numbers, `<t` and `[c]`. */
function reading(s: System, e: Equation): string {
	const shown = (v: number) => {
		const x = s.vars[v];
		if (isKnown(x)) return String(x.value);
		if (x.remainder) return 'the rest';
		return isSmall(x.value, s.threshold) ? belowThreshold(s.threshold) : WITHHELD;
	};
	const parts = e.parts.map(shown);
	const listed = parts.length > 24 ? [...parts.slice(0, 24), '…'] : parts;
	return `${shown(e.total)} = ${listed.join(' + ')}`;
}

/**
 * Nothing can protect count u: it is worked out in state `most`, with everything that could be
 * withheld withheld. Say so, with the sum that gives it away where one sum alone does, and what a
 * publisher can change.
 */
function unprotectable(most: System, u: number, hasPrior: boolean): DisclosureError {
	const t = most.threshold;
	const x = most.vars[u];
	const rest = (e: number) =>
		[most.equations[e].total, ...most.equations[e].parts].some((v) => most.vars[v].remainder);
	const ranges = (es: number[]) =>
		`${belowThreshold(t)} is 1 to ${t - 1}, ${WITHHELD} is 0 or ${t} and over${es.some(rest) ? ', the rest (never printed) is 0 or more' : ''}`;
	const alone = most.byVar[u].find((e) => {
		const comp = components({ ...most, equations: [most.equations[e]] }, isKnown)[0];
		const i = comp.vars.indexOf(u);
		const values = comp.vars.map((v) => most.vars[v].value);
		const byInterval = intervalPinned(comp, values, readerRanges(most, comp, Infinity), t);
		return linearlyPinned(comp)[i] || byInterval[i];
	});
	let why: string;
	if (alone !== undefined) {
		const e = most.equations[alone];
		const count = (n: number) => (n === 1 ? 'count' : `${n} counts`);
		const role = x.remainder
			? `it is what is left of ${x.remainder.total} once the ${count(x.remainder.parts)} printed for it ${x.remainder.parts === 1 ? 'is' : 'are'} taken away`
			: e.total === u
				? `it is the total of ${e.parts.length === 1 ? most.vars[e.parts[0]].id : `${e.parts.length} counts`}`
				: `it is one of the ${count(e.parts.length)} that add up to ${most.vars[e.total].id}`;
		why = `${role}${e.prior ? ' in the version this one replaces' : ''}, and with every count that could be withheld withheld that sum reads ${reading(most, e)} (${ranges([alone])}), which leaves it only one value`;
	} else {
		why = `the ${most.byVar[u].length} sums it is in, read together with every count that could be withheld withheld (${ranges(most.byVar[u])}), leave it only one value`;
	}
	const around = alone === undefined ? most.byVar[u] : [alone];
	const printedBefore =
		hasPrior &&
		around.some((e) =>
			[most.equations[e].total, ...most.equations[e].parts].some(
				(v) => most.vars[v].fixed || most.vars[v].revealed
			)
		);
	// A remainder is printed nowhere: its role above says where it comes from.
	const place = x.remainder
		? ''
		: x.current
			? ` It is printed in ${x.at.charAt(0).toLowerCase()}${x.at.slice(1)}.`
			: ` It was printed in ${x.at.charAt(0).toLowerCase()}${x.at.slice(1)} of the version this one replaces.`;
	const what = x.remainder
		? `number counted in ${x.remainder.total} but ${REMAINDER_WHERE[x.remainder.kind]}`
		: `withheld count ${x.id}`;
	return new DisclosureError(
		`The ${what} could be worked out from the published counts${hasPrior ? ' of this summary or the version it replaces' : ''}, and no further count can be withheld to prevent it: ${why}.${place} To publish, print fewer of the counts it adds up with (leave out a total or a breakdown of it), or choose another period, area level or threshold${printedBefore ? '; counts the version this one replaces printed cannot be withheld now' : ''}.`
	);
}

// ---------------------------------------------------------------------------------------------
// Which withheld numbers a reader could work out

/** Σ coef·x = rhs over the unknowns of one component (local indices). */
interface LinearRow {
	vars: number[];
	coefs: number[];
	rhs: number;
}

interface Component {
	/** Global variable index of each local one. */
	vars: number[];
	rows: LinearRow[];
}

/**
 * Indices (in printed order) of the unknowns a reader could pin to one value: by linear algebra
 * (the unit vector lies in the row space), by one equation and what the markers say (`<t` is 1 to
 * t−1, `[c]` is 0 or t and over), and finally by an exact search for a second solution of the
 * whole system within the markers' ranges, which also catches pins that only show when
 * equations are combined with the ranges (a 2 × 2 block of withheld cells, for one). Not exact:
 * the first two only, a quick look that finds fewer pins, but every one it finds is real.
 * Remainders of t or more are left out of the answer: one may be worked out (see relationOf).
 */
function recoverable(s: System, known: (v: Variable) => boolean, exact = true): number[] {
	const t = s.threshold;
	const cap = s.vars.reduce((sum, v) => sum + v.value, 0) + t;
	const pinned: number[] = [];
	for (const comp of components(s, known)) {
		const values = comp.vars.map((v) => s.vars[v].value);
		const linear = linearlyPinned(comp);
		const byInterval = intervalPinned(comp, values, readerRanges(s, comp, Infinity), t);
		const domains = readerRanges(s, comp, cap);
		comp.vars.forEach((g, i) => {
			// A remainder of t or more may be worked out: it is a count that could be printed.
			if (!mustNotBeWorkedOut(s.vars[g], t)) return;
			if (linear[i] || byInterval[i]) pinned.push(g);
			else if (exact && !s.free.has(g) && !hasSecondSolution(comp, i, values, domains, s.free))
				pinned.push(g);
		});
	}
	return pinned.sort((a, b) => a - b);
}

/** The equations over unknowns (knowns moved to the right), split into independent components. */
function components(s: System, known: (v: Variable) => boolean): Component[] {
	const rows: { vars: number[]; coefs: number[]; rhs: number }[] = [];
	for (const e of s.equations) {
		const coef = new Map<number, number>();
		let rhs = 0;
		const term = (v: number, a: number) => {
			if (known(s.vars[v])) rhs -= a * s.vars[v].value;
			else coef.set(v, (coef.get(v) ?? 0) + a);
		};
		term(e.total, 1);
		for (const p of e.parts) term(p, -1);
		const vars = [...coef.keys()].filter((v) => coef.get(v) !== 0);
		if (vars.length > 0) rows.push({ vars, coefs: vars.map((v) => coef.get(v) as number), rhs });
	}
	const parent = new Map<number, number>();
	const find = (v: number): number => {
		const p = parent.get(v) ?? v;
		if (p === v) return v;
		const root = find(p);
		parent.set(v, root);
		return root;
	};
	for (const r of rows) for (const v of r.vars) parent.set(find(v), find(r.vars[0]));
	const byRoot = new Map<number, { vars: Set<number>; rows: typeof rows }>();
	for (const r of rows) {
		const root = find(r.vars[0]);
		const c = byRoot.get(root) ?? { vars: new Set<number>(), rows: [] };
		r.vars.forEach((v) => c.vars.add(v));
		c.rows.push(r);
		byRoot.set(root, c);
	}
	return [...byRoot.values()].map((c) => {
		const vars = [...c.vars].sort((a, b) => a - b);
		const local = new Map(vars.map((v, i) => [v, i]));
		return {
			vars,
			rows: c.rows.map((r) => ({
				vars: r.vars.map((v) => local.get(v) as number),
				coefs: r.coefs,
				rhs: r.rhs
			}))
		};
	});
}

const EPS = 1e-9;

/** Gauss–Jordan to reduced row echelon form: a pivot row with no other entry pins its unknown. */
function linearlyPinned(comp: Component): boolean[] {
	const n = comp.vars.length;
	const m = comp.rows.map((r) => {
		const row = new Float64Array(n);
		r.vars.forEach((v, k) => (row[v] += r.coefs[k]));
		return row;
	});
	const pivots: [number, number][] = [];
	let p = 0;
	for (let col = 0; col < n && p < m.length; col++) {
		let best = -1;
		for (let r = p; r < m.length; r++)
			if (Math.abs(m[r][col]) > EPS && (best < 0 || Math.abs(m[r][col]) > Math.abs(m[best][col])))
				best = r;
		if (best < 0) continue;
		[m[p], m[best]] = [m[best], m[p]];
		const pivot = m[p];
		const d = pivot[col];
		for (let k = 0; k < n; k++) pivot[k] /= d;
		for (let r = 0; r < m.length; r++) {
			const f = m[r][col];
			if (r === p || Math.abs(f) <= EPS) continue;
			for (let k = 0; k < n; k++) {
				m[r][k] -= f * pivot[k];
				if (Math.abs(m[r][k]) <= EPS) m[r][k] = 0;
			}
		}
		pivots.push([p, col]);
		p++;
	}
	const pinned = new Array<boolean>(n).fill(false);
	for (const [r, col] of pivots)
		if (m[r].every((x, k) => k === col || Math.abs(x) <= EPS)) pinned[col] = true;
	return pinned;
}

// Sets of whole numbers as sorted, disjoint, non-adjacent intervals (ends may be ±Infinity).
type Interval = [number, number];
type Domain = Interval[];

/**
 * What a reader knows of each unknown in a component: a withheld cell's marker (rangeOf), and of
 * a remainder only that it is 0 or more. It is not printed, so no marker says whether it is
 * small: a reader who could tell it apart from 0 or from t and over would know more than the
 * summary shows. (Treating a small one as 1..t−1 would only withhold more, never less.) And as it
 * is worked out as a count, whether 1 to t−1 of them can be is what matters, as for `<t` (below).
 */
function readerRanges(s: System, comp: Component, cap: number): Domain[] {
	return comp.vars.map((g): Domain => {
		const x = s.vars[g];
		return x.remainder ? [[0, cap]] : rangeOf(x.value, s.threshold, cap);
	});
}

/** Every withheld cell, and a remainder of 1 to t−1 (a small count, as if shown as `<t`). */
function mustNotBeWorkedOut(x: Variable, t: number): boolean {
	return !x.remainder || isSmall(x.value, t);
}

/** What a reader knows of a withheld cell from its marker: `<t` is 1..t−1, `[c]` is 0 or ≥ t. */
function rangeOf(value: number, t: number, cap: number): Domain {
	return isSmall(value, t)
		? [[1, t - 1]]
		: normalise([
				[0, 0],
				[t, cap]
			]);
}

function normalise(d: Interval[]): Domain {
	const sorted = d.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
	const out: Domain = [];
	for (const [lo, hi] of sorted) {
		const last = out[out.length - 1];
		if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
		else out.push([lo, hi]);
	}
	return out;
}

/** Above this many pieces a sum is replaced by its hull: looser, so it never pins wrongly. */
const MAX_PIECES = 64;

function addDomains(a: Domain, b: Domain): Domain {
	const out = normalise(
		a.flatMap(([alo, ahi]) => b.map(([blo, bhi]): Interval => [alo + blo, ahi + bhi]))
	);
	return out.length > MAX_PIECES ? [[out[0][0], out[out.length - 1][1]]] : out;
}

function negate(d: Domain): Domain {
	return d.map(([lo, hi]): Interval => [-hi, -lo]).reverse();
}

function intersect(d: Domain, lo: number, hi: number): Domain {
	return d.map(([a, b]): Interval => [Math.max(a, lo), Math.min(b, hi)]).filter(([a, b]) => a <= b);
}

function size(d: Domain): number {
	return d.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
}

/**
 * One equation at a time: the values a small member (`<t`, or a remainder of 1 to t−1) could take
 * given what the other members' ranges allow (total 6 = `<5` + `[c]` leaves only 1 + 5; 50 = 20
 * + 27 + the rest leaves the rest only 3). Fewer than two within its own range and it is
 * recoverable.
 */
function intervalPinned(comp: Component, values: number[], ranges: Domain[], t: number): boolean[] {
	const pinned = new Array<boolean>(comp.vars.length).fill(false);
	for (const row of comp.rows) {
		if (row.coefs.some((a) => Math.abs(a) !== 1)) continue;
		row.vars.forEach((v, k) => {
			if (!isSmall(values[v], t)) return;
			// coef·x = rhs − Σ others, and coef is ±1, so x = coef·(rhs − Σ others).
			let others: Domain = [[0, 0]];
			row.vars.forEach((w, j) => {
				if (j !== k) others = addDomains(others, row.coefs[j] > 0 ? ranges[w] : negate(ranges[w]));
			});
			let x = addDomains([[row.rhs, row.rhs]], negate(others));
			if (row.coefs[k] < 0) x = negate(x);
			if (size(ranges[v].flatMap(([lo, hi]) => intersect(x, lo, hi))) < 2) pinned[v] = true;
		});
	}
	return pinned;
}

/** Nodes one search may visit; past this the cell is treated as recoverable (withhold more). */
const SEARCH_BUDGET = 5000;

class OutOfBudget extends Error {}

/**
 * Is there a whole-number solution of every equation, each unknown within its marker's range, in
 * which unknown u differs from its true value? Found solutions are remembered (with every unknown
 * that moved): withholding more cells later only adds unknowns, so such a solution stays valid.
 */
function hasSecondSolution(
	comp: Component,
	u: number,
	values: number[],
	domains: Domain[],
	free: Set<number>
): boolean {
	const budget = { nodes: 0 };
	const sides: Interval[] = [
		[-Infinity, values[u] - 1],
		[values[u] + 1, Infinity]
	];
	for (const [lo, hi] of sides) {
		const start = domains.map((d) => d.map((i): Interval => [i[0], i[1]]));
		start[u] = intersect(start[u], lo, hi);
		if (start[u].length === 0) continue;
		let solution: number[] | null;
		try {
			solution = search(comp.rows, start, values, budget);
		} catch (e) {
			if (e instanceof OutOfBudget) return false;
			throw e;
		}
		if (solution) {
			solution.forEach((x, i) => {
				if (x !== values[i]) free.add(comp.vars[i]);
			});
			return true;
		}
	}
	return false;
}

/** Depth-first, trying each unknown's true value first, with bounds pruning at every node. */
function search(
	rows: LinearRow[],
	domains: Domain[],
	values: number[],
	budget: { nodes: number }
): number[] | null {
	if (++budget.nodes > SEARCH_BUDGET) throw new OutOfBudget();
	if (!tighten(rows, domains)) return null;
	let pick = -1;
	domains.forEach((d, i) => {
		if (size(d) > 1 && (pick < 0 || size(d) < size(domains[pick]))) pick = i;
	});
	if (pick < 0) {
		const x = domains.map((d) => d[0][0]);
		return rows.every((r) => r.vars.reduce((s, v, k) => s + r.coefs[k] * x[v], 0) === r.rhs)
			? x
			: null;
	}
	for (const branch of branches(domains[pick], values[pick])) {
		const next = domains.map((d) => d.map((i): Interval => [i[0], i[1]]));
		next[pick] = branch;
		const found = search(rows, next, values, budget);
		if (found) return found;
	}
	return null;
}

/** The true value first, then the rest below and above it; a small domain value by value. */
function branches(d: Domain, value: number): Domain[] {
	const inside = size(intersect(d, value, value)) === 1;
	if (size(d) <= 8) {
		const all = d.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
		return all
			.sort((a, b) => Math.abs(a - value) - Math.abs(b - value) || a - b)
			.map((x): Domain => [[x, x]]);
	}
	if (inside)
		return [
			[[value, value]] as Domain,
			intersect(d, -Infinity, value - 1),
			intersect(d, value + 1, Infinity)
		].filter((b) => b.length > 0);
	const mid = Math.floor((d[0][0] + d[d.length - 1][1]) / 2);
	return [intersect(d, -Infinity, mid), intersect(d, mid + 1, Infinity)];
}

/** Bounds propagation: each unknown within what the others' bounds leave. False when impossible. */
function tighten(rows: LinearRow[], domains: Domain[]): boolean {
	for (let pass = 0; pass < 30; pass++) {
		let changed = false;
		for (const r of rows) {
			const span = r.vars.map((v, k): Interval => {
				const d = domains[v];
				const [lo, hi] = [d[0][0] * r.coefs[k], d[d.length - 1][1] * r.coefs[k]];
				return lo <= hi ? [lo, hi] : [hi, lo];
			});
			const lo = span.reduce((s, x) => s + x[0], 0);
			const hi = span.reduce((s, x) => s + x[1], 0);
			for (let k = 0; k < r.vars.length; k++) {
				const a = r.coefs[k];
				// a·x lies in [rhs − (others' highest), rhs − (others' lowest)].
				const low = r.rhs - (hi - span[k][1]);
				const high = r.rhs - (lo - span[k][0]);
				const [xlo, xhi] =
					a > 0
						? [Math.ceil(low / a), Math.floor(high / a)]
						: [Math.ceil(high / a), Math.floor(low / a)];
				const v = r.vars[k];
				const before = size(domains[v]);
				domains[v] = intersect(domains[v], xlo, xhi);
				if (domains[v].length === 0) return false;
				if (size(domains[v]) < before) changed = true;
			}
		}
		if (!changed) return true;
	}
	return true;
}

// ---------------------------------------------------------------------------------------------
// Publishing the cells

interface Stats {
	primary: number;
	withheld: number;
	rounded: number;
	ratesFromRounded: number;
	ratesSmallDenominator: number;
	ratesWithheldCount: number;
	estimatesWithheld: number;
	ratiosWithheld: number;
	mediansWithheld: number;
	/** Further cells withheld for a small remainder, by kind of remainder. */
	forRemainder: Map<number, RemainderKind>;
}

function emptyStats(): Stats {
	return {
		primary: 0,
		withheld: 0,
		rounded: 0,
		ratesFromRounded: 0,
		ratesSmallDenominator: 0,
		ratesWithheldCount: 0,
		estimatesWithheld: 0,
		ratiosWithheld: 0,
		mediansWithheld: 0,
		forRemainder: new Map()
	};
}

function countFate(v: Variable, t: number, stats: Stats): void {
	if (v.fate === 'published') return;
	if (marker(v.fate, v.value, t) === WITHHELD) stats.withheld++;
	else stats.primary++;
}

/** Small counts keep their `<t` marker, however they came to be withheld; the rest are `[c]`. */
function marker(fate: Fate, value: number, t: number): string {
	return fate === 'primary' || (fate === 'inherited' && isSmall(value, t))
		? belowThreshold(t)
		: WITHHELD;
}

/** Nearest multiple of `to`, halves up (7 → 5, 8 → 10 for 5). */
function roundTo(value: number, to: number): number {
	return Math.floor(value / to + 0.5) * to;
}

function publishFigure(
	f: Figure,
	fates: Map<string, Fate>,
	settings: DisclosureSettings,
	stats: Stats
): Figure {
	const out = structuredClone(f);
	out.rows = f.rows.map((row, i) => publishRow(f, row, f.scopes[i], fates, settings, stats));
	return out;
}

function publishRow(
	f: Figure,
	row: Row,
	scope: RowScope,
	fates: Map<string, Fate>,
	s: DisclosureSettings,
	stats: Stats
): Row {
	const out: Row = { ...row };
	const columns = new Map(f.columns.map((c) => [c.key, c]));
	const fateOf = (key: string): Fate => {
		const c = columns.get(key);
		return fates.get(cellId(c?.measure ?? key, scope)) ?? 'published';
	};
	const withheld = (key: string) => fateOf(key) !== 'published';
	const exact = (key: string) => row[key] as number;
	const rounded = (key: string) => (s.rounding ? roundTo(exact(key), s.rounding) : exact(key));
	for (const c of f.columns) {
		const cell: Cell = row[c.key] ?? null;
		if (c.type === 'count') {
			const fate = fateOf(c.key);
			if (fate !== 'published') out[c.key] = marker(fate, exact(c.key), s.threshold);
			else {
				out[c.key] = rounded(c.key);
				if (s.rounding && exact(c.key) !== 0) stats.rounded++;
			}
		} else if (c.type === 'rate' && c.numerator && c.denominator) {
			out[c.key] = publishRate(
				cell,
				c.numerator,
				c.denominator,
				{ withheld, exact, rounded },
				s,
				stats
			);
		} else if ((c.type === 'ratio' || c.type === 'estimate') && c.depends?.some(withheld)) {
			if (cell !== null) stats[c.type === 'ratio' ? 'ratiosWithheld' : 'estimatesWithheld']++;
			out[c.key] = null;
		} else if (c.type === 'ratio' && s.rounding && typeof cell === 'number' && c.depends) {
			// A ratio of a count to a printed figure (recorded ÷ estimate) gives the exact count back,
			// as a rate would: with rounding it is worked out from the rounded counts too.
			let ratio = cell;
			for (const d of c.depends) if (exact(d) !== 0) ratio *= rounded(d) / exact(d);
			out[c.key] = ratio;
			stats.ratesFromRounded++;
		} else if (c.type === 'median' && c.cases && exact(c.cases) < s.statistic_min_cases) {
			if (cell !== null) stats.mediansWithheld++;
			out[c.key] = null;
		}
	}
	return out;
}

/**
 * A rate is withheld over a small denominator or beside a withheld count; with rounding it is
 * worked from the rounded counts, so that rate × denominator gives no exact count back.
 */
function publishRate(
	cell: Cell,
	numerator: string,
	denominator: string,
	counts: {
		withheld: (k: string) => boolean;
		exact: (k: string) => number;
		rounded: (k: string) => number;
	},
	s: DisclosureSettings,
	stats: Stats
): Cell {
	if (cell === null) return null;
	if (counts.exact(denominator) < s.rate_min_denominator) {
		stats.ratesSmallDenominator++;
		return null;
	}
	if (counts.withheld(numerator) || counts.withheld(denominator)) {
		stats.ratesWithheldCount++;
		return null;
	}
	if (!s.rounding) return cell;
	const d = counts.rounded(denominator);
	if (d === 0) return null;
	stats.ratesFromRounded++;
	return counts.rounded(numerator) / d;
}

// ---------------------------------------------------------------------------------------------
// The method note

function plural(n: number, one: string, many: string): string {
	return n === 1 ? one : many;
}

function notesFor(stats: Stats, s: DisclosureSettings, hasPrior: boolean): string[] {
	const t = s.threshold;
	const notes: string[] = [];
	if (stats.primary > 0)
		notes.push(
			t === 2
				? `A count of 1 is shown as ${belowThreshold(t)}.`
				: `Counts from 1 to ${t - 1} are shown as ${belowThreshold(t)}.`
		);
	if (stats.withheld > 0) {
		const n = stats.withheld;
		notes.push(
			`${n} further ${plural(n, 'count is', 'counts are')} shown as ${WITHHELD} so that ${plural(n, 'it', 'they')} cannot be worked out by subtraction${hasPrior ? ', nor by comparing this version with the one it replaces' : ''}.`
		);
		const k = stats.forRemainder.size;
		if (k > 0) {
			const kinds = (Object.keys(REMAINDER_NOTE) as RemainderKind[]).filter((kind) =>
				[...stats.forRemainder.values()].includes(kind)
			);
			const who =
				k === n
					? plural(n, 'It also keeps', 'They also keep')
					: `${k === 1 ? 'One' : k} of them also ${plural(k, 'keeps', 'keep')}`;
			notes.push(
				`${who} ${kinds.map((kind) => REMAINDER_NOTE[kind]).join(' and ')} from being worked out.`
			);
		}
	}
	if (stats.rounded > 0)
		notes.push(
			`${stats.primary + stats.withheld > 0 ? 'Other counts' : 'Counts'} are rounded to the nearest ${s.rounding}${stats.ratesFromRounded > 0 ? ', and rates are worked out from the rounded counts' : ''}.`
		);
	const rateReasons = [
		...(stats.ratesSmallDenominator > 0
			? [`the count they are out of is below ${s.rate_min_denominator}`]
			: []),
		...(stats.ratesWithheldCount > 0 ? ['a count they are worked out from is withheld'] : [])
	];
	if (rateReasons.length > 0) notes.push(`Rates are not shown where ${rateReasons.join(' or ')}.`);
	const derived = [
		...(stats.estimatesWithheld > 0 ? ['Estimates'] : []),
		...(stats.ratiosWithheld > 0 ? [stats.estimatesWithheld > 0 ? 'ratios' : 'Ratios'] : [])
	];
	if (derived.length > 0)
		notes.push(`${derived.join(' and ')} worked out from a withheld count are not shown.`);
	if (stats.mediansWithheld > 0)
		notes.push(`Medians over fewer than ${s.statistic_min_cases} cases are not shown.`);
	return notes;
}
