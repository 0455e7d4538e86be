// The reference extracts the sample ships with: adult population by district (2019–2024, derived from
// the 2020 reference figures with a stated growth assumption) and the published survey prevalence.
// data/reference/*.csv hold the same text; a test keeps them identical.
import { csvLine } from './csv';

/** The force's districts with the 2020 reference figures (shared/reference/population_nottinghamshire.csv). */
export const DISTRICTS_2020 = [
	[
		'Nottingham',
		'E06000018',
		272780,
		'Derived: ONS 2018-based projection for 2020 (333963) x Census 2021 share aged 16+ for Nottingham City (264400/323700)'
	],
	[
		'Ashfield',
		'E07000170',
		106870,
		'Derived: ONS 2018-based projection for 2020 (129825) x Census 2021 share aged 16+ for Nottinghamshire County (679000/824800)'
	],
	[
		'Bassetlaw',
		'E07000171',
		97660,
		'Derived: ONS 2018-based projection for 2020 (118634) x Census 2021 county share aged 16+'
	],
	[
		'Broxtowe',
		'E07000172',
		94680,
		'Derived: ONS 2018-based projection for 2020 (115012) x Census 2021 county share aged 16+'
	],
	[
		'Gedling',
		'E07000173',
		98180,
		'Derived: ONS 2018-based projection for 2020 (119267) x Census 2021 county share aged 16+'
	],
	[
		'Mansfield',
		'E07000174',
		90750,
		'Derived: ONS 2018-based projection for 2020 (110247) x Census 2021 county share aged 16+'
	],
	[
		'Newark and Sherwood',
		'E07000175',
		101690,
		'Derived: ONS 2018-based projection for 2020 (123532) x Census 2021 county share aged 16+'
	],
	[
		'Rushcliffe',
		'E07000176',
		99110,
		'Derived: ONS 2018-based projection for 2020 (120396) x Census 2021 county share aged 16+'
	]
] as const;

export type District = (typeof DISTRICTS_2020)[number][0];
export const DISTRICTS: readonly District[] = DISTRICTS_2020.map((d) => d[0]);

/**
 * Assumed change of the adult population per year, used only to extend the 2020 reference figures
 * to 2019 and 2021–2024 for the sample. It is an assumption (close to the county's recent growth),
 * not a published estimate, and every derived row says so in its source column.
 */
export const ASSUMED_GROWTH_PER_YEAR = 0.006;
export const POPULATION_YEARS = [2019, 2020, 2021, 2022, 2023, 2024] as const;

export function populationRows(): {
	area: string;
	ons_code: string;
	year: number;
	population_16plus: number;
	source: string;
}[] {
	const rows = [];
	for (const year of POPULATION_YEARS) {
		for (const [area, ons, base, source] of DISTRICTS_2020) {
			if (year === 2020) {
				rows.push({ area, ons_code: ons, year, population_16plus: base, source });
				continue;
			}
			// Rounded to the nearest 10, like the reference figures, so no false precision appears.
			const value =
				Math.round((base * Math.pow(1 + ASSUMED_GROWTH_PER_YEAR, year - 2020)) / 10) * 10;
			rows.push({
				area,
				ons_code: ons,
				year,
				population_16plus: value,
				source:
					`Sample assumption, not a published estimate: the 2020 figure (${base}) ` +
					`x 1.006^(${year}-2020), i.e. +0.6 % a year`
			});
		}
	}
	return rows;
}

export const POPULATION_HEADER = ['area', 'ons_code', 'year', 'population_16plus', 'source'];

export function populationCsv(): string {
	const lines = [POPULATION_HEADER.join(',')];
	for (const r of populationRows()) {
		lines.push(
			csvLine([r.area, r.ons_code, String(r.year), String(r.population_16plus), r.source])
		);
	}
	return lines.join('\n') + '\n';
}

/** shared/reference/prevalence.csv as published: 2022–2024 only; earlier years honestly have none. */
export const PREVALENCE_CSV =
	'year,rate_pct,lower_pct,upper_pct,source\n' +
	'2022,3.4,,,"ONS, Crime Survey for England and Wales, year ending March 2023: adults 16+ stalked in the last 12 months"\n' +
	'2023,3.2,,,"ONS, Crime Survey for England and Wales, year ending March 2024: adults 16+ stalked in the last 12 months (ONS article 26 September 2024)"\n' +
	'2024,2.9,,,"ONS, Crime Survey for England and Wales, year ending March 2025: adults 16+ stalked in the last 12 months"\n';
