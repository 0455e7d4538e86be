// The sample's safeguarding calibration as pure functions (model.ts) and the generator on hand-made
// crimes (safeguarding.ts): no SPO before the Act, roll-outs that start and end where facts.md says,
// and the same draws for the same seed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayOf } from '../../src/lib/server/sample/calendar';
import { CsvWriter } from '../../src/lib/server/sample/csv';
import {
	advocacyProbability,
	reclassifiedShare,
	riskAssessedProbability,
	riskToolWeights,
	rollout,
	spoProbability,
	SPO_IN_FORCE,
	trained
} from '../../src/lib/server/sample/model';
import { Random, Weighted } from '../../src/lib/server/sample/random';
import { SampleSafeguarding, type SampleCrime } from '../../src/lib/server/sample/safeguarding';

describe('the safeguarding calibration', () => {
	it('rolls out linearly between two days', () => {
		expect(rollout(10, 20, 30)).toBe(0);
		expect(rollout(25, 20, 30)).toBe(0.5);
		expect(rollout(40, 20, 30)).toBe(1);
		expect(trained(dayOf(2022, 12, 31))).toBe(0);
		expect(trained(dayOf(2024, 1, 1))).toBe(1);
	});

	it('applies for no SPO before the Act came into force on 20 January 2020', () => {
		expect(SPO_IN_FORCE).toBe(dayOf(2020, 1, 20));
		expect(spoProbability(dayOf(2020, 1, 19), false)).toBe(0);
		expect(spoProbability(dayOf(2020, 1, 20), false)).toBeGreaterThan(0);
		// A few in a hundred stalking crimes at most: tens of applications a year.
		expect(spoProbability(dayOf(2025, 3, 31), false)).toBeLessThan(0.1);
		expect(spoProbability(dayOf(2024, 1, 1), true)).toBeLessThan(
			spoProbability(dayOf(2024, 1, 1), false)
		);
	});

	it('recognises stalking sooner, assesses and refers more once staff are trained', () => {
		const before = dayOf(2022, 6, 1);
		const after = dayOf(2024, 6, 1);
		expect(reclassifiedShare(after)).toBeLessThan(reclassifiedShare(before));
		expect(riskAssessedProbability('8Q', true, after, false)).toBeGreaterThan(
			riskAssessedProbability('8Q', true, before, false)
		);
		// Most but not all domestic-abuse stalking crimes; fewer when first recorded as harassment.
		expect(riskAssessedProbability('8Q', true, after, false)).toBeLessThan(1);
		expect(riskAssessedProbability('8Q', true, after, true)).toBeLessThan(
			riskAssessedProbability('8Q', true, after, false)
		);
		expect(advocacyProbability('8Q', 'medium', after)).toBeGreaterThan(
			advocacyProbability('8Q', 'medium', before)
		);
		expect(advocacyProbability('8Q', 'high', after)).toBeLessThan(0.5);
	});

	it('uses DASH before 2022 and mostly DARA for domestic abuse from mid-2023', () => {
		const weight = (day: number, tool: string) =>
			riskToolWeights('8Q', true, day).find(([t]) => t === tool)![1];
		expect(weight(dayOf(2021, 6, 1), 'dara')).toBe(0);
		expect(weight(dayOf(2024, 1, 1), 'dara')).toBeGreaterThan(0.9);
	});
});

async function generate(seed: number, crimes: SampleCrime[]): Promise<Record<string, string>> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-sg-'));
	try {
		const out = {
			risk_assessments: await CsvWriter.open(path.join(dir, 'ra.csv'), ['h']),
			protective_orders: await CsvWriter.open(path.join(dir, 'po.csv'), ['h'])
		};
		const sg = new SampleSafeguarding(
			new Random(seed, 'recognition'),
			new Random(seed, 'risk_assessments'),
			new Random(seed, 'protective_orders'),
			1,
			new Weighted([['Mansfield', 1]]),
			out
		);
		const first = crimes.map((c) => sg.crime(c));
		await sg.finish();
		await out.risk_assessments.close();
		await out.protective_orders.close();
		return {
			first: first.join(','),
			ra: fs.readFileSync(path.join(dir, 'ra.csv'), 'utf8'),
			po: fs.readFileSync(path.join(dir, 'po.csv'), 'utf8')
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

describe('the safeguarding generator', () => {
	const crimes: SampleCrime[] = Array.from({ length: 400 }, (_, i) => ({
		ref: `SYN-CR-${String(i + 1).padStart(7, '0')}`,
		code: i % 4 === 3 ? '8L' : '8Q',
		day: dayOf(2023, 6, 1) + (i % 30),
		da: i % 2 === 0,
		area: 'Mansfield',
		incident:
			i % 3 === 0 ? { ref: `SYN-IN-${i}`, utc: (dayOf(2023, 6, 1) + (i % 30)) * 1440 } : null,
		outcome: i % 5 === 0 ? '1' : '16',
		outcomeDay: dayOf(2023, 9, 1)
	}));

	it('draws the same first codes, assessments and orders for the same seed', async () => {
		const a = await generate(1, crimes);
		expect(await generate(1, crimes)).toEqual(a);
		expect((await generate(2, crimes)).ra).not.toBe(a.ra);
	});

	it('links every assessment to its crime or its crime’s incident, and orders to their crime', async () => {
		const { ra, po, first } = await generate(1, crimes);
		const refs = new Set(crimes.map((c) => c.ref));
		const incidents = new Set(crimes.flatMap((c) => (c.incident ? [c.incident.ref] : [])));
		const rows = ra.trim().split('\n').slice(1);
		expect(rows.length).toBeGreaterThan(150);
		for (const row of rows) {
			const [, crime, incident] = row.split(',');
			expect(crime || incident).toBeTruthy();
			if (crime) expect(refs.has(crime)).toBe(true);
			if (incident) expect(incidents.has(incident)).toBe(true);
		}
		for (const row of po.trim().split('\n').slice(1)) {
			const crime = row.split(',')[2];
			if (crime) expect(refs.has(crime)).toBe(true);
		}
		// Every 8L keeps its code or moves to 8R; some 8Q were first recorded as something else.
		const codes = first.split(',');
		crimes.forEach((c, i) => {
			if (c.code === '8L') expect(['8L', '8R', '']).toContain(codes[i]);
		});
		expect(
			codes.filter((x, i) => crimes[i].code === '8Q' && x !== '8Q' && x !== '').length
		).toBeGreaterThan(0);
	});
});
