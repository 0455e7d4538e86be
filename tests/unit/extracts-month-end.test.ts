// The month-end upload's pure logic (src/lib/components/extracts/month-end.ts), on hand-made headers
// and rows: dependency order, recognising a saved mapping's header, drafts, values the contract
// refuses, the mapped preview, what a draft still lacks, personal-looking names, the NDJSON reader.
import { describe, expect, it } from 'vitest';
import { KINDS, kindColumnLists } from '../../src/lib/server/extracts/contract';
import {
	draftMapping,
	draftProblems,
	inUploadOrder,
	mappedPreview,
	mappingsForHeader,
	ndjsonReader,
	pagesChanged,
	personalColumns,
	stagesSoFar,
	unrecognisedValues,
	valueAccepted,
	type ContractKind,
	type Mapping
} from '../../src/lib/components/extracts/month-end';

// The kinds as the page load passes them (each column's type and allowed values; Y/N for flags).
const kinds: ContractKind[] = kindColumnLists().map((k) => ({
	...k,
	columns: KINDS[k.kind].columns.map((c) => ({
		name: c.name,
		type: c.type,
		required: c.required,
		values: c.values ? [...c.values] : c.type === 'flag' ? ['Y', 'N'] : undefined
	}))
}));
const crimes = kinds.find((k) => k.kind === 'crimes')!;

const NICHE = ['Crime Number', 'Date Recorded', 'HO Class', 'District', 'DA Flag', 'Relation Type'];
const ROWS = [
	['CR-1', '03/05/2024', '8Q', 'Ashfield', 'DA', 'Partner'],
	['CR-2', '10/05/2024', '8Q', 'Bassetlaw', 'Not DA', 'Ex partner'],
	['CR-3', '11/05/2024', '8L', 'Ashfield', 'yes', 'Partner']
];
const NICHE_MAP = {
	'Crime Number': 'crime_ref',
	'Date Recorded': 'recorded_date',
	'HO Class': 'offence_code',
	District: 'area',
	'DA Flag': 'domestic_abuse',
	'Relation Type': 'relationship'
};

describe('the month-end upload in the browser', () => {
	it('sends files in dependency order, keeping the chosen order within a kind', () => {
		const files = [
			{ kind: 'outcomes', name: 'o' },
			{ kind: 'crimes', name: 'c1' },
			{ kind: 'population', name: 'p' },
			{ kind: 'crimes', name: 'c2' },
			{ kind: 'incidents', name: 'i' },
			{ kind: 'protective_orders', name: 'po' },
			{ kind: 'workforce', name: 'w' }
		];
		expect(inUploadOrder(files).map((f) => f.name)).toEqual(['p', 'w', 'i', 'c1', 'c2', 'o', 'po']);
	});

	it("recognises a saved mapping's header as the server reads names (case, spaces, hyphens)", () => {
		const saved = (name: string, header: string[], created_at: string): Mapping => ({
			name,
			kind: 'crimes',
			version: 1,
			header,
			columns: {},
			values: {},
			created_by: 'anna',
			created_at
		});
		const older = saved('Old', ['crime-number', 'DATE RECORDED'], '2024-01-01T00:00:00Z');
		const newer = saved('New', [' Crime Number', 'date_recorded'], '2024-02-01T00:00:00Z');
		const other = saved('Other', ['Crime Number'], '2024-03-01T00:00:00Z');
		expect(
			mappingsForHeader(['Crime Number', 'Date Recorded'], [older, other, newer]).map((m) => m.name)
		).toEqual(['New', 'Old']);
	});

	it('drafts a mapping from the names that are already contract columns, once each', () => {
		expect(draftMapping(['Crime_Ref', 'When', 'area', 'Area'], crimes).columns).toEqual({
			Crime_Ref: 'crime_ref',
			When: null,
			area: 'area',
			Area: null
		});
	});

	it('reads enum and flag values as the server does', () => {
		const flag = crimes.columns.find((c) => c.name === 'domestic_abuse')!;
		const rel = crimes.columns.find((c) => c.name === 'relationship')!;
		expect(['Y', 'no', ' TRUE ', '0', ''].map((v) => valueAccepted(flag, v))).toEqual([
			true,
			true,
			true,
			true,
			true
		]);
		expect(['DA', 'maybe'].map((v) => valueAccepted(flag, v))).toEqual([false, false]);
		expect(
			['Intimate Partner', 'ex-partner', 'STRANGER'].map((v) => valueAccepted(rel, v))
		).toEqual([true, true, true]);
		expect(valueAccepted(rel, 'Partner')).toBe(false);
	});

	it('lists the preview values the contract would refuse, once each, in first-seen order', () => {
		const draft = { columns: NICHE_MAP, values: {} };
		// DA Flag: DA, Not DA refused (yes is a flag); Relation Type: Partner (Ex partner is ex_partner).
		expect(unrecognisedValues(NICHE, ROWS, draft, crimes)).toEqual({
			domestic_abuse: ['DA', 'Not DA'],
			relationship: ['Partner']
		});
	});

	it('shows the mapped preview in contract order with values rewritten', () => {
		const draft = {
			columns: { ...NICHE_MAP, 'HO Class': null },
			values: {
				domestic_abuse: { DA: 'Y', 'Not DA': 'N' },
				relationship: { Partner: 'intimate_partner' }
			}
		};
		expect(mappedPreview(NICHE, ROWS, draft, crimes)).toEqual({
			header: ['crime_ref', 'recorded_date', 'area', 'domestic_abuse', 'relationship'],
			rows: [
				['CR-1', '03/05/2024', 'Ashfield', 'Y', 'intimate_partner'],
				['CR-2', '10/05/2024', 'Bassetlaw', 'N', 'Ex partner'],
				['CR-3', '11/05/2024', 'Ashfield', 'yes', 'intimate_partner']
			]
		});
	});

	it('says what a draft still lacks: two sources on one column, a required column, a value', () => {
		const draft = {
			columns: { ...NICHE_MAP, 'HO Class': null, District: 'crime_ref' },
			values: { domestic_abuse: { DA: 'Y' } }
		};
		expect(draftProblems(NICHE, ROWS, draft, crimes)).toEqual([
			'"Crime Number" and "District" both map to crime_ref: keep one, ignore the other.',
			'offence_code is required: map a column of the file to it.',
			'area is required: map a column of the file to it.',
			'domestic_abuse: choose what "Not DA" means.',
			'relationship: choose what "Partner" means.'
		]);
		const done = {
			columns: NICHE_MAP,
			values: {
				domestic_abuse: { DA: 'Y', 'Not DA': 'N' },
				relationship: { Partner: 'intimate_partner' }
			}
		};
		expect(draftProblems(NICHE, ROWS, done, crimes)).toEqual([]);
	});

	it('flags personal-looking names unless they are mapped onto a contract column', () => {
		const header = ['crime_ref', 'Postcode', 'Victim Gender', 'Status'];
		expect(personalColumns(header, crimes, null)).toEqual([
			{ column: 'Postcode', what: 'a postcode' },
			{ column: 'Victim Gender', what: 'a person' }
		]);
		const draft = { columns: { 'Victim Gender': 'victim_sex', Postcode: null }, values: {} };
		expect(personalColumns(header, crimes, draft)).toEqual([
			{ column: 'Postcode', what: 'a postcode' }
		]);
	});

	it('reads NDJSON lines as they arrive, a line split across chunks included', () => {
		const read = ndjsonReader();
		const a = '{"type":"stage","stage":"stored","bytes":10,"ms":1}\n{"type":"stage","sta';
		expect(read(a)).toEqual([{ type: 'stage', stage: 'stored', bytes: 10, ms: 1 }]);
		const b =
			a + 'ge":"reading","rows":5,"ms":2}\nnot json\n{"type":"result","status":201,"body":{}}\n';
		expect(read(b)).toEqual([
			{ type: 'stage', stage: 'reading', rows: 5, ms: 2 },
			{ type: 'result', status: 201, body: {} }
		]);
	});

	it('keeps the latest event of a repeated stage, in stage order', () => {
		expect(
			stagesSoFar([
				{ type: 'stage', stage: 'stored', bytes: 5, ms: 1 },
				{ type: 'stage', stage: 'reading', rows: 100, ms: 2 },
				{ type: 'stage', stage: 'reading', rows: 250, ms: 3 }
			])
		).toEqual([
			{ type: 'stage', stage: 'stored', bytes: 5, ms: 1 },
			{ type: 'stage', stage: 'reading', rows: 250, ms: 3 }
		]);
	});

	it('lists each page the loaded kinds change once, in the navigation order', () => {
		expect(pagesChanged(['training', 'risk_assessments', 'workforce']).map((p) => p.href)).toEqual([
			'/under-reporting',
			'/training',
			'/safeguarding'
		]);
	});
});
