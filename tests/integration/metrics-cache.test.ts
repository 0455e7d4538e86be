// Figures kept until the data changes (metrics/cache.ts), on a real DuckDB file: a repeated call is a
// lookup, any write that may change a figure is seen at once, and sign-in writes keep the figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { memo } from '../../src/lib/server/metrics/cache';
import { monthly, parseFilters } from '../../src/lib/server/metrics';
import { seed, tempDb } from '../fixtures/metrics/seed';
import { crimeRows } from '../fixtures/metrics/crime-fixture';
import { refreshFacts } from '../../src/lib/server/metrics/facts';

let db: Db;
beforeAll(async () => {
	db = await tempDb();
	await db.run(`CREATE TABLE counted (n INTEGER)`);
	await db.run(`INSERT INTO counted VALUES (1), (2)`);
});
afterAll(() => db.close());

// A memoised function over a real table that also counts how often it really ran.
let ran = 0;
const total = memo('test-total', async (q, plus: number) => {
	ran++;
	const row = await q.one<{ s: number }>(`SELECT sum(n)::INTEGER AS s FROM counted`);
	return { sum: (row?.s ?? 0) + plus, parts: [row?.s ?? 0, plus] };
});

describe('memo', () => {
	it('computes once per generation for the same arguments, and apart for other arguments', async () => {
		ran = 0;
		expect(await total(db, 0)).toEqual({ sum: 3, parts: [3, 0] });
		expect(await total(db, 0)).toEqual({ sum: 3, parts: [3, 0] });
		expect(ran).toBe(1);
		expect(await total(db, 10)).toEqual({ sum: 13, parts: [3, 10] });
		expect(ran).toBe(2);
	});

	it('shares one computation among callers that ask at the same time', async () => {
		await db.write((tx) => tx.run(`INSERT INTO counted VALUES (0)`));
		ran = 0;
		const all = await Promise.all([total(db, 0), total(db, 0), total(db, 0)]);
		expect(ran).toBe(1);
		expect(all.map((r) => r.sum)).toEqual([3, 3, 3]);
	});

	it('sees a committed write at once, and a rolled-back one costs a recomputation only', async () => {
		ran = 0;
		await db.write((tx) => tx.run(`INSERT INTO counted VALUES (4)`));
		expect((await total(db, 0)).sum).toBe(7); // 1 + 2 + 0 + 4
		expect(ran).toBe(1);
		await db
			.write(async (tx) => {
				await tx.run(`INSERT INTO counted VALUES (100)`);
				throw new Error('changed my mind');
			})
			.catch(() => undefined);
		expect((await total(db, 0)).sum).toBe(7);
		expect(ran).toBe(2);
	});

	it('sees a statement run on the pool (as tests seed) and work on the writer connection', async () => {
		await db.run(`INSERT INTO counted VALUES (5)`);
		expect((await total(db, 0)).sum).toBe(12);
		await db.exclusive((conn) => conn.run(`INSERT INTO counted VALUES (6)`));
		expect((await total(db, 0)).sum).toBe(18);
	});

	it('keeps the figures over a write that says no figure reads it (a session, a sign-in)', async () => {
		expect((await total(db, 0)).sum).toBe(18);
		ran = 0;
		await db.write((tx) => tx.run(`UPDATE counted SET n = n WHERE n = 1`), { figures: false });
		expect((await total(db, 0)).sum).toBe(18);
		expect(ran).toBe(0);
	});

	it('always computes inside a transaction, which may read its own writes', async () => {
		const inside = await db.write(async (tx) => {
			await tx.run(`INSERT INTO counted VALUES (7)`);
			return total(tx, 0);
		});
		expect(inside.sum).toBe(25);
	});

	it('gives each caller its own copy', async () => {
		const a = await total(db, 0);
		a.parts.push(99);
		a.sum = -1;
		expect(await total(db, 0)).toEqual({ sum: 25, parts: [25, 0] });
	});

	it('does not keep a failure', async () => {
		let fail = true;
		const flaky = memo('test-flaky', async () => {
			if (fail) throw new Error('no');
			return 1;
		});
		await expect(flaky(db)).rejects.toThrow('no');
		fail = false;
		expect(await flaky(db)).toBe(1);
	});
});

describe('metrics through the cache', () => {
	it('monthly and the default period follow an upload of new rows', async () => {
		const fresh = await tempDb();
		try {
			await seed(fresh, { crimes: crimeRows.crimes }, { asOf: '2024-06-16' });
			const f1 = await parseFilters(new URLSearchParams('from=2024-01&to=2024-03'), fresh);
			const before = await monthly(fresh, f1);
			// C1, C2, C3 were recorded in January 2024 (crime-fixture.ts).
			expect(before.months[0]).toMatchObject({ month: '2024-01', recorded: 3 });
			// The default period ends at the latest complete month: May 2024 (as-at 2024-06-16).
			expect((await parseFilters(new URLSearchParams(), fresh)).to).toBe('2024-05');

			// A second crimes upload, taken 2024-08-02, adds C10 (recorded 2024-01-09), as a commit would.
			await fresh.write(async (tx) => {
				await tx.run(
					`INSERT INTO crimes (upload_seq, crime_ref, recorded_date, offence_code, area, domestic_abuse)
					 VALUES (1001, 'C10', DATE '2024-01-09', '8Q', 'Ashfield', false)`
				);
				await refreshFacts(tx, 'crimes');
				await tx.run(
					`INSERT INTO uploads (id, seq, kind, mode, active, sha256, bytes, rows, inserted, replaced,
						uploaded_by, uploaded_at, as_of, report)
					 VALUES ('up1001', 1001, 'crimes', 'merge', true, 'second', 0, 1, 1, 0, 'seed',
						TIMESTAMPTZ '2024-08-02 09:00:00+00', DATE '2024-08-02', '{}'::JSON)`
				);
			});
			const f2 = await parseFilters(new URLSearchParams('from=2024-01&to=2024-03'), fresh);
			expect((await monthly(fresh, f2)).months[0]).toMatchObject({ month: '2024-01', recorded: 4 });
			// The newer upload's as-at date, 2024-08-02, makes July 2024 the latest complete month.
			expect((await parseFilters(new URLSearchParams(), fresh)).to).toBe('2024-07');
		} finally {
			await fresh.close();
		}
	});
});
