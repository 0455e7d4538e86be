// Issue 4 figures on the sample: loads it into a temp database, prints FY figures, times `monthly`.
// Run: npx tsx scripts/metrics-figures.ts (needs no server; leaves nothing behind).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../src/lib/server/db';
import { readConfig } from '../src/lib/server/config';
import { loadSampleIfEmpty } from '../src/lib/server/sample/load';
import { monthly, parseFilters, reporting, training } from '../src/lib/server/metrics';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-sample-'));
const db = await openDb(path.join(dir, 's.duckdb'));
const config = { ...readConfig({ DATA_DIR: dir, SAMPLE_DATA: 'on' } as NodeJS.ProcessEnv) };
const t0 = performance.now();
await loadSampleIfEmpty(db, config, () => {});
console.log(`sample loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const f = (q: string) => parseFilters(new URLSearchParams(q), db);
for (const [fy, q] of [
	['2022/23', 'from=2022-04&to=2023-03'],
	['2023/24', 'from=2023-04&to=2024-03']
]) {
	const t = (await monthly(db, await f(q))).totals;
	console.log(
		fy,
		JSON.stringify({
			recorded: t.recorded,
			arrests: t.arrests,
			charges: t.charges,
			charged_recorded: t.charged_recorded,
			charge_rate: t.charge_rate,
			outcome_assigned: t.outcome_assigned,
			charge_rate_assigned: t.charge_rate_assigned,
			median_days_to_charge: t.median_days_to_charge
		})
	);
}
const cal = (await monthly(db, await f('from=2023-01&to=2023-12'))).totals;
console.log('calendar 2023', cal.recorded, 'recorded', cal.charges, 'charges');
console.log(
	JSON.stringify((await reporting(db, await f('from=2019-04&to=2024-04'))).years, null, 0)
);
const tr = await training(db, { ...(await f('from=2023-12&to=2023-12')), role: null });
console.log('training 2023-12-31', JSON.stringify(tr.months[0]), JSON.stringify(tr.by_role));
const def = await f('');
console.log('default period', def.from, def.to);
const times: number[] = [];
for (let i = 0; i < 50; i++) {
	const s = performance.now();
	await monthly(db, def);
	times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
console.log(
	`monthly x50: p50 ${times[24].toFixed(1)} ms, p90 ${times[44].toFixed(1)} ms, max ${times[49].toFixed(1)} ms`
);
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
