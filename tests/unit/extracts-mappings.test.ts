// Column mappings, the pure parts: checking a mapping against the contract (every refusal by field),
// its stored form, recognising a header, and reading a file's header through a mapping.
import { describe, expect, it } from 'vitest';
import {
	checkMapping,
	mapHeader,
	mappingForHeader,
	sameHeader,
	type Mapping
} from '../../src/lib/server/extracts/mappings';

// A Niche-like crimes export: every required column under another name, and one to ignore.
const NICHE_HEADER = [
	'Crime Reference',
	'Date Recorded',
	'HO Code',
	'District',
	'DA Flag',
	'Relationship',
	'Officer In Case'
];
const niche = () => ({
	name: 'Niche crimes export',
	kind: 'crimes',
	header: [...NICHE_HEADER],
	columns: {
		'Crime Reference': 'crime_ref',
		'Date Recorded': 'recorded_date',
		'HO Code': 'offence_code',
		District: 'area',
		'DA Flag': 'domestic_abuse',
		Relationship: 'relationship',
		'Officer In Case': null
	} as Record<string, string | null>,
	values: {
		relationship: { 'Intimate partner': 'intimate_partner', 'Ex-partner (former)': 'Ex Partner' },
		domestic_abuse: { DA: 'yes', 'Not DA': 'N' }
	} as Record<string, Record<string, unknown>>
});

const fields = (body: unknown) => {
	const r = checkMapping(body);
	return r.ok ? [] : r.problems.map((p) => p.field);
};
const messages = (body: unknown) => {
	const r = checkMapping(body);
	return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
};

describe('checking a mapping against the contract', () => {
	it('accepts a complete mapping and stores enum targets as the contract spells them, flags as Y/N', () => {
		const r = checkMapping({ ...niche(), name: '  Niche crimes export  ' });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.draft.name).toBe('Niche crimes export');
		expect(r.draft.kind).toBe('crimes');
		expect(r.draft.header).toEqual(NICHE_HEADER);
		expect(r.draft.columns['Officer In Case']).toBeNull();
		expect(r.draft.values).toEqual({
			relationship: { 'Intimate partner': 'intimate_partner', 'Ex-partner (former)': 'ex_partner' },
			domestic_abuse: { DA: 'Y', 'Not DA': 'N' }
		});
	});

	it('lets a header field that already names a contract column fill it without being listed', () => {
		const body = niche();
		body.header[3] = 'area';
		delete body.columns.District;
		expect(checkMapping(body).ok).toBe(true);
	});

	it('refuses an unknown kind, naming the kinds', () => {
		expect(messages({ ...niche(), kind: 'burglaries' })).toEqual([
			expect.stringMatching(
				/^kind: "burglaries" is not a kind of extract; use one of crimes, arrests/
			)
		]);
	});

	it('refuses a target that is not a column of the kind', () => {
		const body = niche();
		body.columns['Officer In Case'] = 'officer';
		expect(messages(body)).toEqual([
			expect.stringMatching(
				/^columns\.Officer In Case: "officer" is not a column of the crimes extract; use one of crime_ref, recorded_date/
			)
		]);
	});

	it('refuses two sources onto one target, naming both', () => {
		const body = niche();
		body.columns['Officer In Case'] = 'area';
		expect(messages(body)).toEqual([
			'columns: "District" and "Officer In Case" both map to area: keep one and ignore the other (null)'
		]);
	});

	it('counts a field that names the target itself as a second source', () => {
		const body = niche();
		body.header.push('AREA ');
		expect(messages(body)).toEqual([
			'columns: "District" and "AREA" both map to area: keep one and ignore the other (null)'
		]);
	});

	it('refuses a required column left unmapped (ignored or not named), one problem each', () => {
		const body = niche();
		body.columns['HO Code'] = null;
		body.columns['Date Recorded'] = null;
		expect(messages(body)).toEqual([
			'columns: recorded_date is required in the crimes extract: map a column of the file to it',
			'columns: offence_code is required in the crimes extract: map a column of the file to it'
		]);
	});

	it('refuses a source column that is not in the header', () => {
		const body = niche();
		body.columns['Crime Ref'] = 'crime_ref';
		expect(messages(body)).toEqual([
			'columns.Crime Ref: "Crime Ref" is not a column of the header'
		]);
	});

	it('refuses value targets the enum or flag does not allow', () => {
		const body = niche();
		body.values.relationship = { 'Intimate partner': 'partner' };
		body.values.domestic_abuse = { DA: 'maybe' };
		expect(messages(body)).toEqual([
			'values.relationship.Intimate partner: "partner" is not allowed in relationship: use one of intimate_partner, ex_partner, family, acquaintance, stranger, unknown',
			'values.domestic_abuse.DA: "maybe" is not allowed in domestic_abuse: use Y or N'
		]);
	});

	it('refuses value maps on a column that is not an enum or flag, or that nothing maps to', () => {
		const body = niche();
		body.values.area = { N: 'North' };
		body.values.victim_sex = { Female: 'F' };
		expect(messages(body)).toEqual([
			'values.area: "area" is not an enum or flag column of the crimes extract: values are mapped for domestic_abuse, relationship, victim_sex, victim_age_band only',
			'values.victim_sex: no column of the file maps to victim_sex, so its values cannot be mapped'
		]);
	});

	it('refuses a source value that looks like personal data without echoing more than its field', () => {
		const body = niche();
		body.values.relationship = { 'jo@example.org': 'stranger' };
		expect(messages(body)).toEqual([
			'values.relationship.jo@example.org: the source value looks like an email address: a value map holds codes, never personal data'
		]);
	});

	it('refuses a missing or too long name, a header with a repeated column, and a body that is not an object', () => {
		expect(fields({ ...niche(), name: '   ' })).toEqual(['name']);
		expect(messages({ ...niche(), name: 'x'.repeat(81) })).toEqual([
			'name: is 81 characters; use 80 or fewer'
		]);
		expect(fields({ ...niche(), name: 'Niche/crimes' })).toEqual(['name']);
		const body = niche();
		body.header.push('crime reference');
		expect(messages(body)).toEqual([
			'header.7: "crime reference" repeats column 1: a header names each column once'
		]);
		expect(fields([])).toEqual(['body']);
		expect(fields({ ...niche(), header: [] })).toEqual(['header']);
	});

	it('lists every problem at once', () => {
		const body = { ...niche(), name: '', columns: { ...niche().columns, 'HO Code': null } };
		body.values = { relationship: { x: 'nope' } };
		expect(fields(body)).toEqual(['name', 'columns', 'values.relationship.x']);
	});
});

const saved = (over: Partial<Mapping>): Mapping => ({
	name: 'Niche crimes export',
	kind: 'crimes',
	version: 1,
	header: [...NICHE_HEADER],
	columns: {},
	values: {},
	created_by: 'analyst1',
	created_at: '2026-11-01T10:00:00.000Z',
	...over
});

describe('recognising a header', () => {
	it('reads names trimmed and case-insensitively (spaces and hyphens as the header check reads them), in order', () => {
		expect(
			sameHeader(
				NICHE_HEADER,
				NICHE_HEADER.map((h) => ` ${h.toUpperCase()} `)
			)
		).toBe(true);
		expect(sameHeader(NICHE_HEADER, ['crime-reference', ...NICHE_HEADER.slice(1)])).toBe(true);
		expect(sameHeader(NICHE_HEADER, [...NICHE_HEADER].reverse())).toBe(false);
		expect(sameHeader(NICHE_HEADER, NICHE_HEADER.slice(1))).toBe(false);
	});

	it('offers the most recently saved mapping made for the header, and none for another header', () => {
		const a = saved({ name: 'A', created_at: '2026-11-01T10:00:00.000Z' });
		const b = saved({ name: 'B', created_at: '2026-11-02T10:00:00.000Z' });
		const other = saved({ name: 'C', header: ['x', 'y'], created_at: '2026-11-03T10:00:00.000Z' });
		expect(
			mappingForHeader(
				[a, b, other],
				NICHE_HEADER.map((h) => h.toLowerCase())
			)?.name
		).toBe('B');
		expect(mappingForHeader([a, b], ['crime_ref', 'recorded_date'])).toBeUndefined();
	});
});

describe("reading a file's header through a mapping", () => {
	it('renames mapped fields, keeps ignored and unnamed ones as written, and lists absent sources', () => {
		const m = {
			columns: { 'crime reference': 'crime_ref', Postcode: null, 'Date Recorded': 'recorded_date' }
		};
		expect(mapHeader(m, ['Crime Reference', ' POSTCODE', 'area', 'Extra'])).toEqual({
			header: ['crime_ref', ' POSTCODE', 'area', 'Extra'],
			ignored: [false, true, false, false],
			absent: ['Date Recorded']
		});
	});
});
