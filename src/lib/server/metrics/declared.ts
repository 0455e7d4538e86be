// Figures declared once (src/lib/figures.ts) from the metrics functions' results: the dashboard's
// table twins and the published summaries render the same declarations.
import { FORCE, type Column, type Figure } from '../../figures';
import { areaLabel, roleLabel } from '../../labels';
import type { CoverageFigures, TrainingResult } from './types';

const COVERAGE_COLUMNS: Column[] = [
	{ key: 'in_scope', label: 'Staff in post', type: 'count' },
	{ key: 'trained', label: 'Trained', type: 'count' },
	{
		key: 'coverage',
		label: 'Coverage',
		type: 'rate',
		numerator: 'trained',
		denominator: 'in_scope'
	}
];

const coverageCells = (x: CoverageFigures) => ({
	in_scope: x.in_scope,
	trained: x.trained,
	coverage: x.coverage
});

/**
 * Coverage by role at the period's last month end, with a total row for all the target roles
 * (the roles partition the target, so the total is the sum of the rows).
 */
export function coverageByRole(t: TrainingResult, id: string, title: string): Figure {
	const atEnd = t.months[t.months.length - 1] ?? { in_scope: 0, trained: 0, coverage: null };
	const end = { from: t.filters.to, to: t.filters.to, area: FORCE };
	return {
		id,
		title,
		columns: [{ key: 'role', label: 'Role', type: 'text' }, ...COVERAGE_COLUMNS],
		rows: [
			...t.by_role.map((r) => ({ role: roleLabel(r.role), ...coverageCells(r) })),
			{ role: 'All these roles', ...coverageCells(atEnd) }
		],
		scopes: [...t.by_role.map((r) => ({ ...end, part: `role:${r.role}` })), end],
		total_row: true,
		chart: { kind: 'bars', x: 'role', y: ['coverage'] }
	};
}

/** Coverage by area at the period's last month end; `areas` keeps only those (the force's own). */
export function coverageByArea(
	t: TrainingResult,
	id: string,
	title: string,
	areas?: string[]
): Figure {
	const rows = areas ? t.by_area.filter((a) => areas.includes(a.area)) : t.by_area;
	return {
		id,
		title,
		columns: [{ key: 'area', label: 'Area', type: 'text' }, ...COVERAGE_COLUMNS],
		rows: rows.map((a) => ({ area: areaLabel(a.area), ...coverageCells(a) })),
		scopes: rows.map((a) => ({ from: t.filters.to, to: t.filters.to, area: a.area })),
		chart: { kind: 'bars', x: 'area', y: ['coverage'] }
	};
}
