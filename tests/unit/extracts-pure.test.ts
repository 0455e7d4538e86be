// Pure parts of the extract pipeline: personal-data patterns, header reading, report CSV, byte scan.
import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import {
	CELL_PATTERNS,
	columnLooksPersonal,
	detectPersonalData,
	PATTERN_CELL_CHARS,
	refLooksLikeDate,
	safeValue
} from '../../src/lib/server/extracts/pii';
import { KIND_NAMES, KINDS, kindColumnLists } from '../../src/lib/server/extracts/contract';
import { LOAD_ORDER } from '../../src/lib/load-order';
import { latestDateSql } from '../../src/lib/server/extracts/as-of';
import { detectKind, matchHeader, normaliseHeader } from '../../src/lib/server/extracts/header';
import {
	csvCell,
	reportToCsv,
	summarise,
	problem,
	type ValidationReport
} from '../../src/lib/server/extracts/report';
import { ScanError, scanFile, splitCsvRecord } from '../../src/lib/server/extracts/scan';

const FIX = path.resolve(import.meta.dirname, '../fixtures/extracts');

describe('personal-data cell patterns', () => {
	it.each([
		['jo.bloggs@example.com', 'an email address'],
		['contact me at A.B@police.uk please', 'an email address'],
		['07700 900123', 'a UK phone number'],
		['+44 7700 900123', 'a UK phone number'],
		['0115 967 0999', 'a UK phone number'],
		['(0115) 9670999', 'a UK phone number'],
		// With 44 or 0044, and as Excel leaves it without the leading 0 (extracts.md).
		['447700900123', 'a UK phone number'],
		['0044 7700 900123', 'a UK phone number'],
		['7700900123', 'a UK phone number'],
		['1159670999', 'a UK phone number'],
		['NG1 5AB', 'a full UK postcode'],
		['ng15ab', 'a full UK postcode'],
		['SW1A 1AA', 'a full UK postcode'],
		['AB123456C', 'a National Insurance number'],
		['ab 12 34 56 c', 'a National Insurance number'],
		// Placeholder and administrative prefixes are NI-shaped too: a guard refuses them.
		['QQ 12 34 56 C', 'a National Insurance number'],
		['QQ123456C', 'a National Insurance number'],
		['TN 12 34 56 A', 'a National Insurance number'],
		['OO123456D', 'a National Insurance number'],
		['AB12 CDE', 'a UK vehicle registration'],
		['seen in ab12cde on Tuesday', 'a UK vehicle registration'],
		['A123 BCD', 'a UK vehicle registration'],
		['ABC 123D', 'a UK vehicle registration'],
		['192.168.0.1', 'an IPv4 address'],
		['from 10.0.12.255', 'an IPv4 address']
	])('finds %s as %s', (value, what) => {
		expect(detectPersonalData(value)).toBe(what);
	});

	it.each([
		'CR-000123',
		'INC/2023/000123',
		'2023-01-05',
		'05/01/2023',
		'2023-01-05T10:00:00+01:00',
		// Ten digits of a date and time never read as a phone number without its 0.
		'2019-04-01 00:10:17',
		'01/04/2019 00:10',
		'20190401',
		'8Q',
		'Nottingham North',
		'25_34',
		'1234567',
		'QQ123456E',
		'15B',
		'1A',
		'12.03.1985',
		'256.1.1.1',
		'SYN-CR-0000123',
		'3f2a9c1d-4b5e-4c6d-8e7f-0123456789ab'
	])('leaves %s alone', (value) => {
		expect(detectPersonalData(value)).toBeUndefined();
	});

	it('runs the patterns on the first 256 characters of a 200,000-character cell only', () => {
		const sources = new Set(CELL_PATTERNS.map((p) => p.source));
		const spy = vi.spyOn(RegExp.prototype, 'test');
		try {
			const early = 'x'.repeat(100) + ' jo.bloggs@example.com ' + 'a'.repeat(200_000);
			const late = 'a'.repeat(300) + ' jo.bloggs@example.com';
			expect(detectPersonalData(early)).toBe('an email address');
			expect(detectPersonalData(late)).toBeUndefined();
			expect(detectPersonalData('a'.repeat(200_000))).toBeUndefined();
			const ours = spy.mock.calls.filter((_, i) =>
				sources.has((spy.mock.contexts[i] as RegExp).source)
			);
			// 1 (email found first) + 7 + 7 pattern runs (7 cell patterns: email, two phone forms,
			// postcode, NI number, vehicle registration, IPv4), none on more than 256 characters.
			expect(CELL_PATTERNS).toHaveLength(7);
			expect(ours.length).toBe(15);
			expect(Math.max(...ours.map(([input]) => String(input).length))).toBe(PATTERN_CELL_CHARS);
		} finally {
			spy.mockRestore();
		}
	});

	it('keeps every repeat in the email pattern bounded, so it runs in linear time', () => {
		const email = CELL_PATTERNS.find((p) => p.what === 'an email address')!.source;
		// Character classes may hold + and *; outside them no repeat may be unbounded.
		const outsideClasses = email.replace(/\[[^\]]*\]/g, 'C');
		expect(outsideClasses).not.toMatch(/[+*]|\{\d+,\}/);
		expect(detectPersonalData('x@y.' + 'b'.repeat(300))).toBe('an email address');
	});

	it('masks personal-looking values and cuts long ones', () => {
		expect(safeValue('jo.bloggs@example.com')).toBe('j… (21 characters, hidden)');
		expect(safeValue('x'.repeat(50))).toBe(`${'x'.repeat(37)}…`);
		expect(safeValue(null)).toBe('');
	});
});

describe('personal-data column names', () => {
	it.each([
		['surname', 'a name'],
		['victim_first_name', 'a name'],
		['dob', 'a date of birth'],
		['date_of_birth', 'a date of birth'],
		['age', 'an exact age'],
		['victim_age', 'an exact age'],
		['home_address', 'an address'],
		['postcode', 'a postcode'],
		['mobile', 'a phone number'],
		['email', 'an email address'],
		['ni_number', 'a National Insurance number'],
		['national_insurance_number', 'a National Insurance number'],
		['pnc_id', 'a PNC id'],
		['collar_number', 'a collar number'],
		['notes', 'free text'],
		['mo', 'free text (MO)'],
		['narrative', 'free text'],
		// The words issue 9 found missing, as normaliseHeader leaves them.
		['victim', 'a person'],
		['suspect', 'a person'],
		['details', 'free text'],
		['remarks', 'free text'],
		['location', 'a location'],
		['vrm', 'a vehicle registration'],
		['d.o.b', 'a date of birth'],
		['d.o.b.', 'a date of birth'],
		['e_mail', 'an email address'],
		['e.mail', 'an email address'],
		['victimsurname', 'a name'],
		['offender_ref', 'a person'],
		['witness', 'a person'],
		['complainant', 'a person'],
		['person_id', 'a person'],
		['subject', 'a person'],
		['nominal', 'a person'],
		['circumstances', 'free text'],
		['statement', 'free text'],
		['address_line_1', 'an address'],
		['house_number', 'a location'],
		['flat', 'a location'],
		['grid_ref', 'a location'],
		['grid_reference', 'a location'],
		['latitude', 'a location'],
		['longitude', 'a location'],
		['lsoa', 'a location'],
		['reg', 'a vehicle registration'],
		['vehicle_registration', 'a vehicle registration'],
		['ip_address', 'an IP address'],
		['ip', 'an IP address'],
		// A specific word names the finding before a person word does.
		['suspect_dob', 'a date of birth'],
		['victim_sex', 'a person']
	])('refuses a column named %s (%s)', (name, what) => {
		expect(columnLooksPersonal(name)).toBe(what);
	});

	const crimes = new Set(KINDS.crimes.columns.map((c) => c.name));
	it.each([
		'crime_ref',
		'victim_age_band',
		'victim_sex',
		'incident_ref',
		'first_offence_code',
		'area',
		'course_name',
		'area_name',
		'offence_code',
		'force_division',
		'month',
		'female_count',
		'regional_team'
	])('accepts a crimes file column named %s', (name) => {
		expect(columnLooksPersonal(name, crimes)).toBeUndefined();
	});
});

describe('a ref that is a date', () => {
	it.each([
		'12/03/1985',
		'1985-03-12',
		'12-03-1985',
		'12.03.85',
		'1/3/1985',
		'1985/3/12',
		'03/31/1985'
	])('takes %s for a date of birth', (value) => {
		expect(refLooksLikeDate(value)).toBe(true);
	});
	it.each([
		'CR-000123',
		'INC/2023/000123',
		'2023/0001',
		'12/03',
		'1985-13-40',
		'CR/12/03/1985',
		'123/45/6789'
	])('leaves %s alone', (value) => {
		expect(refLooksLikeDate(value)).toBe(false);
	});
});

describe('header', () => {
	it('normalises case, surrounding spaces, inner spaces and hyphens', () => {
		expect(normaliseHeader('  Recorded-Date ')).toBe('recorded_date');
		expect(normaliseHeader('Victim  Age Band')).toBe('victim_age_band');
	});

	it('detects each kind from its required columns', () => {
		expect(detectKind(['arrest_ref', 'crime_ref', 'arrest_date'])).toEqual({
			ok: true,
			kind: 'arrests'
		});
		expect(detectKind(['crime_ref', 'outcome_type', 'outcome_date'])).toEqual({
			ok: true,
			kind: 'outcomes'
		});
		expect(detectKind(['Staff Ref', 'Course', 'Completed Date'])).toEqual({
			ok: true,
			kind: 'training'
		});
		expect(detectKind(['year', 'rate_pct'])).toEqual({ ok: true, kind: 'prevalence' });
		expect(
			detectKind(['Assessment Ref', 'incident_ref', 'tool', 'completed_at', 'risk_level'])
		).toEqual({ ok: true, kind: 'risk_assessments' });
		expect(detectKind(['order_ref', 'order_type', 'area', 'applied_date', 'status'])).toEqual({
			ok: true,
			kind: 'protective_orders'
		});
	});

	it('loads every kind once, in the order issue 12 gives: reference, staff, incidents, then what refers to them', () => {
		expect([...LOAD_ORDER]).toEqual([
			'population',
			'prevalence',
			'workforce',
			'training',
			'incidents',
			'crimes',
			'arrests',
			'outcomes',
			'risk_assessments',
			'protective_orders'
		]);
		expect([...LOAD_ORDER].sort()).toEqual([...KIND_NAMES].sort());
	});

	it("keeps an order's expiry, a date ahead, out of the dates an extract was taken after", () => {
		expect(kindColumnLists().find((k) => k.kind === 'protective_orders')?.dates).toEqual([
			'applied_date',
			'decision_date'
		]);
		expect(latestDateSql('protective_orders', 't')).toBe(
			'greatest(max(t.applied_date), max(t.decision_date))'
		);
		expect(latestDateSql('risk_assessments', 't')).toBe(
			"timezone('Europe/London', max(t.completed_at))::DATE"
		);
	});

	it('calls a header ambiguous when it has every column of two kinds, unknown when none', () => {
		expect(detectKind(['area', 'year', 'population_16plus', 'rate_pct'])).toEqual({
			ok: false,
			reason: 'ambiguous',
			candidates: ['population', 'prevalence']
		});
		expect(detectKind(['foo', 'bar'])).toMatchObject({ ok: false, reason: 'unknown' });
	});

	it('lists missing, extra and repeated columns', () => {
		const m = matchHeader('arrests', ['arrest_ref', 'Arrest Ref', 'colour']);
		expect(m.missing).toEqual(['crime_ref', 'arrest_date']);
		expect(m.extra.map((e) => e.name)).toEqual(['colour']);
		expect(m.duplicated).toEqual([{ column: 'arrest_ref', positions: [0, 1] }]);
	});

	it('splits a quoted header record', () => {
		expect(splitCsvRecord('a,"b, c","d ""e"""\r\n')).toEqual(['a', 'b, c', 'd "e"']);
	});
});

describe('report', () => {
	it('groups problems into summary lines by column and reason, biggest first', () => {
		const s = summarise([
			problem(2, 'recorded_date', '1/13/2023', 'is DD/MM/YYYY with month 13'),
			problem(3, 'area', '', 'is empty but it is required'),
			problem(4, 'recorded_date', '2/13/2023', 'is DD/MM/YYYY with month 13')
		]);
		expect(s.map((x) => x.message)).toEqual([
			'2 rows: recorded_date is DD/MM/YYYY with month 13',
			'1 row: area is empty but it is required'
		]);
		expect(s[0].firstLines).toEqual([2, 4]);
	});

	it('defuses cells that spreadsheets would run as formulas', () => {
		for (const start of ['=', '+', '-', '@', '\t', '\r']) {
			expect(csvCell(`${start}SUM(A1)`).replace(/^"/, '').startsWith("'")).toBe(true);
		}
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
	});

	it('writes every problem and warning as CSV rows', () => {
		const report: ValidationReport = {
			kind: 'crimes',
			fileName: 'x.csv',
			bytes: 1,
			sha256: '',
			encoding: 'utf-8',
			rows: 2,
			errorCount: 1,
			problems: [problem(2, 'area', '=HYPERLINK("x")', 'is longer than 200 characters')],
			truncated: false,
			summary: [],
			warnings: ['Column "x" was ignored.']
		};
		expect(reportToCsv(report)).toBe(
			'severity,line,column,value,problem\r\n' +
				`error,2,area,"'=HYPERLINK(""x"")",area is longer than 200 characters\r\n` +
				'warning,,,,"Column ""x"" was ignored."\r\n'
		);
	});
});

describe('byte scan', () => {
	const scan = (file: string, max = 1 << 20) => scanFile(path.join(FIX, file), max);
	const refusal = async (file: string, max?: number) => {
		const err = await scan(file, max).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ScanError);
		return (err as ScanError).refusal;
	};

	it('refuses empty, oversized, binary and undecodable files with the line', async () => {
		expect(await refusal('empty.csv')).toEqual({ reason: 'empty' });
		expect(await refusal('crimes-valid.csv', 10)).toMatchObject({ reason: 'too_large', limit: 10 });
		expect(await refusal('binary-nul.csv')).toMatchObject({ reason: 'control_char', line: 3 });
		expect(await refusal('invalid-utf8.csv')).toMatchObject({ reason: 'bad_encoding', line: 4 });
	});

	it('refuses CR-only (old Mac) line ends with the first such line', async () => {
		expect(await refusal('../hostile/cr-only.csv')).toEqual({ reason: 'cr_line_ends', line: 1 });
	});

	it('reads a BOM, CRLF, a Windows-1252 file and record start lines', async () => {
		const bom = await scan('bom-crlf.csv');
		expect([bom.bom, bom.encoding, bom.records, bom.header[0], bom.recordLines]).toEqual([
			true,
			'utf-8',
			2,
			'crime_ref',
			undefined
		]);
		expect((await scan('windows-1252.csv')).encoding).toBe('windows-1252');
		// quoted-newline.csv: record 1 on lines 2-3, blank line 4, record 2 on line 5.
		expect(Array.from((await scan('quoted-newline.csv')).recordLines!)).toEqual([2, 5]);
	});

	it('finds ragged rows with their lines', async () => {
		const r = await scan('ragged.csv');
		expect([r.raggedCount, r.ragged]).toEqual([1, [{ line: 3, fields: 10 }]]);
	});
});
