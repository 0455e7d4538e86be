import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import {
	DISTRICTS,
	populationCsv,
	populationRows,
	PREVALENCE_CSV
} from '../../src/lib/server/sample/reference';

describe('sample reference data', () => {
	it('ships data/reference/population.csv exactly as the generator writes it', () => {
		expect(fs.readFileSync('data/reference/population.csv', 'utf8')).toBe(populationCsv());
	});

	it('ships data/reference/prevalence.csv exactly as the generator writes it', () => {
		expect(fs.readFileSync('data/reference/prevalence.csv', 'utf8')).toBe(PREVALENCE_CSV);
	});

	it('has population for the eight districts in every year 2019–2024', () => {
		const rows = populationRows();
		expect(rows).toHaveLength(48);
		expect(DISTRICTS).toEqual([
			'Nottingham',
			'Ashfield',
			'Bassetlaw',
			'Broxtowe',
			'Gedling',
			'Mansfield',
			'Newark and Sherwood',
			'Rushcliffe'
		]);
		for (const year of [2019, 2020, 2021, 2022, 2023, 2024]) {
			expect(rows.filter((r) => r.year === year).map((r) => r.area)).toEqual([...DISTRICTS]);
		}
	});

	it('keeps the 2020 reference figures and their sources unchanged', () => {
		const nottingham = populationRows().find((r) => r.area === 'Nottingham' && r.year === 2020)!;
		expect(nottingham.population_16plus).toBe(272780);
		expect(nottingham.source).toMatch(/^Derived: ONS 2018-based projection for 2020 \(333963\)/);
	});

	it('derives other years at +0.6 % a year, rounded to 10, and says it is an assumption', () => {
		// Nottingham 2021: 272,780 x 1.006 = 274,416.7 -> 274,420; 2019: 272,780 / 1.006 = 271,153.1 -> 271,150.
		// Rushcliffe 2024: 99,110 x 1.006^4 = 101,509.6 -> 101,510.
		const get = (area: string, year: number) =>
			populationRows().find((r) => r.area === area && r.year === year)!;
		expect(get('Nottingham', 2021).population_16plus).toBe(274420);
		expect(get('Nottingham', 2019).population_16plus).toBe(271150);
		expect(get('Rushcliffe', 2024).population_16plus).toBe(101510);
		for (const r of populationRows().filter((r) => r.year !== 2020)) {
			expect(r.source).toMatch(/not a published estimate/);
			expect(r.source).toMatch(/\+0\.6 % a year/);
		}
	});

	it('publishes prevalence for 2022–2024 only, as the survey does', () => {
		const years = PREVALENCE_CSV.trim()
			.split('\n')
			.slice(1)
			.map((l) => l.split(',')[0]);
		expect(years).toEqual(['2022', '2023', '2024']);
	});
});
