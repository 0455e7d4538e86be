// The Reference page's data: the reference datasets loaded (population, prevalence) with the upload each
// row came from, and the offence and outcome groups with where they came from and when they last changed.
import type { Queryable } from './db';
import { getOffenceGroups, getOutcomeTypes } from './settings';

export interface Provenance {
	/** The upload (reference datasets) or null for rows seeded with the database. */
	upload: string | null;
	at: string;
	by: string | null;
}

export interface ReferenceData {
	population: {
		area: string;
		ons_code: string | null;
		year: number;
		population_16plus: number;
		source: string | null;
		upload: string;
		at: string;
		by: string;
	}[];
	prevalence: {
		year: number;
		rate_pct: number;
		lower_pct: number | null;
		upper_pct: number | null;
		source: string | null;
		upload: string;
		at: string;
		by: string;
	}[];
	offenceGroups: {
		name: string;
		codes: { code: string; name: string | null; source: string | null }[];
	}[];
	outcomeGroups: { name: string; types: { type: number; name: string }[] }[];
	/** When the groups were seeded (migration 2) and when an admin last changed them, if ever. */
	seeded: string | null;
	offenceChanged: { at: string; by: string | null } | null;
	outcomeChanged: { at: string; by: string | null } | null;
}

async function lastChange(db: Queryable, prefix: string) {
	const row = await db.one<{ at: string; by: string | null }>(
		`SELECT occurred_at AS at, actor AS by FROM audit_log
		 WHERE action = 'settings_changed' AND starts_with(target, $prefix) ORDER BY id DESC LIMIT 1`,
		{ prefix }
	);
	return row ?? null;
}

export async function referenceData(db: Queryable): Promise<ReferenceData> {
	const population = await db.all<ReferenceData['population'][number]>(
		`SELECT p.area, p.ons_code, p.year, p.population_16plus, p.source,
			u.id AS upload, u.uploaded_at AS at, u.uploaded_by AS by
		 FROM population p JOIN uploads u ON u.seq = p.upload_seq ORDER BY p.year DESC, p.area`
	);
	const prevalence = await db.all<ReferenceData['prevalence'][number]>(
		`SELECT p.year, p.rate_pct::DOUBLE AS rate_pct, p.lower_pct::DOUBLE AS lower_pct,
			p.upper_pct::DOUBLE AS upper_pct, p.source, u.id AS upload, u.uploaded_at AS at, u.uploaded_by AS by
		 FROM prevalence p JOIN uploads u ON u.seq = p.upload_seq ORDER BY p.year DESC`
	);
	const codes = new Map(
		(
			await db.all<{ code: string; name: string; source: string | null }>(
				`SELECT offence_code AS code, name, source FROM offence_codes`
			)
		).map((c) => [c.code, c])
	);
	const offenceGroups = (await getOffenceGroups(db)).map((g) => ({
		name: g.name,
		codes: g.codes.map((code) => ({
			code,
			name: codes.get(code)?.name ?? null,
			source: codes.get(code)?.source ?? null
		}))
	}));
	const byGroup = new Map<string, { type: number; name: string }[]>();
	for (const t of await getOutcomeTypes(db)) {
		byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), { type: t.outcome_type, name: t.name }]);
	}
	const seeded = await db.one<{ at: string }>(
		`SELECT applied_at AS at FROM schema_migrations WHERE version = 2`
	);
	return {
		population,
		prevalence,
		offenceGroups,
		outcomeGroups: [...byGroup].map(([name, types]) => ({ name, types })),
		seeded: seeded?.at ?? null,
		offenceChanged: await lastChange(db, 'offence_group:'),
		outcomeChanged: await lastChange(db, 'outcome_type:')
	};
}
