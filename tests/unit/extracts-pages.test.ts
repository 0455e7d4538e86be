// The Extracts pages' browser-side helpers: the header preview's kind check agrees with the server's
// detection, and the refused-upload CSV (the one writer the server's report download uses too) is
// the text a spreadsheet reads safely.
import { describe, expect, it } from 'vitest';
import {
	cellDate,
	checkHeader,
	defaultAsOf,
	reportCsv,
	type KindColumns
} from '../../src/lib/components/extracts/extracts';
import { kindColumnLists } from '../../src/lib/server/extracts/contract';
import { detectKind } from '../../src/lib/server/extracts/header';
import { problem, summarise, type ValidationReport } from '../../src/lib/server/extracts/report';

const kinds: KindColumns[] = kindColumnLists();
const CRIMES = 'crime_ref,recorded_date,offence_code,area,domestic_abuse'.split(',');

describe('header preview', () => {
	it.each([
		['crimes header', CRIMES],
		[
			'crimes header with spaces and capitals',
			['Crime Ref', 'RECORDED-DATE', 'offence_code', ' area ', 'domestic_abuse']
		],
		['arrests header', ['arrest_ref', 'crime_ref', 'arrest_date']],
		['outcomes header', ['crime_ref', 'outcome_type', 'outcome_date']],
		['training header with an extra column', ['staff_ref', 'course', 'completed_date', 'note']],
		['no known kind', ['a', 'b']]
	])('detects the same kind as the server for a %s', (_name, header) => {
		const server = detectKind(header);
		expect(checkHeader(header, kinds).detected).toBe(server.ok ? server.kind : null);
	});

	it('names the required columns a crimes header lacks', () => {
		const check = checkHeader(
			['crime_ref', 'recorded_date', 'offence_code', 'domestic_abuse'],
			kinds
		);
		expect(check.detected).toBeNull();
		expect(check.kind).toBe('crimes');
		expect(check.missing).toEqual(['area']);
	});

	it('checks against the chosen kind and lists the fields that kind ignores', () => {
		const check = checkHeader([...CRIMES, 'postcode_sector'], kinds, 'arrests');
		expect(check.detected).toBe('crimes');
		expect(check.kind).toBe('arrests');
		expect(check.missing).toEqual(['arrest_ref', 'arrest_date']);
		expect(check.extra).toEqual([
			'recorded_date',
			'offence_code',
			'area',
			'domestic_abuse',
			'postcode_sector'
		]);
	});
});

describe('refused-upload report CSV', () => {
	it('lists each problem with formulas defused, quotes doubled and the problems left out counted', () => {
		const problems = [
			problem(2, 'recorded_date', '12/13/2023', 'is DD/MM/YYYY with month 13'),
			problem(3, 'area', '=HYPERLINK("x")', 'is not a known area'),
			problem(4, 'offence_code', 'a,b', 'is not a Home Office class code')
		];
		const report: ValidationReport = {
			kind: 'crimes',
			fileName: 'x.csv',
			bytes: 10,
			sha256: 'f'.repeat(64),
			encoding: 'utf-8',
			rows: 3,
			errorCount: 5,
			problems,
			truncated: true,
			summary: summarise(problems),
			warnings: ['Column "note" (column 10) is not part of the crimes extract and was ignored.']
		};
		expect(reportCsv(report).split('\r\n')).toEqual([
			'severity,line,column,value,problem',
			'error,2,recorded_date,12/13/2023,recorded_date is DD/MM/YYYY with month 13',
			`error,3,area,"'=HYPERLINK(""x"")",area is not a known area`,
			'error,4,offence_code,"a,b",offence_code is not a Home Office class code',
			// 5 counted, 3 kept: 2 more.
			'error,,,,2 more problems not listed (see the summary)',
			'warning,,,,"Column ""note"" (column 10) is not part of the crimes extract and was ignored."',
			''
		]);
	});
});

describe('the default as-at date the upload page fills in', () => {
	it('reads dates as the server does', () => {
		expect(cellDate('2025-06-02')).toBe('2025-06-02');
		expect(cellDate('2/6/2025')).toBe('2025-06-02'); // UK day/month/year
		expect(cellDate('2025-06-02T10:15:00')).toBe('2025-06-02'); // no offset: London time
		// 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
		expect(cellDate('2025-06-01T23:30:00Z')).toBe('2025-06-02');
		// UK timestamps are London time; an offset written without a colon is read too.
		expect(cellDate('02/06/2025 23:30')).toBe('2025-06-02');
		expect(cellDate('2025-06-02 23:30:00+0100')).toBe('2025-06-02');
		// 23:30 GMT on 31 December stays in December (no summer time).
		expect(cellDate('2024-12-31T23:30:00Z')).toBe('2024-12-31');
		expect(cellDate('2 June')).toBeNull();
		// A day that does not exist is no date (the server refuses it), so it sets no as-at date.
		expect(cellDate('2024-13-01')).toBeNull();
		expect(cellDate('31/02/2024')).toBeNull();
		expect(cellDate('29/02/2024')).toBe('2024-02-29'); // 2024 is a leap year
		expect(cellDate('29/02/2023')).toBeNull();
	});

	it('is the day after the latest date, never after the upload day', () => {
		expect(defaultAsOf('2025-06-02', '2025-06-10')).toBe('2025-06-03');
		expect(defaultAsOf('2025-05-31', '2025-06-10')).toBe('2025-06-01'); // across a month end
		expect(defaultAsOf('2025-06-10', '2025-06-10')).toBe('2025-06-10'); // not the 11th
		expect(defaultAsOf(null, '2025-06-10')).toBe('2025-06-10');
	});
});
