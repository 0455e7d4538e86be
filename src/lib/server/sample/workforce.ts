// The sample's workforce and training: staff in post with starters and leavers, and the stalking
// course rolled out through 2023 to response officers and the control room (facts.md).
import { dayOf, isoDate, monthsBetween, partsOf } from './calendar';
import { Random, Weighted } from './random';
import { contractHeader, CsvWriter } from './csv';
import { AREA_WEIGHTS, FIRST_DAY, LAST_DAY } from './model';

export type Role =
	'response_officer' | 'control_room' | 'neighbourhood_officer' | 'investigator' | 'other';

export interface Staff {
	ref: string;
	role: Role;
	area: string;
	start: number;
	/** Day the person left, or Infinity while in post. */
	end: number;
	/** Day the stalking course was completed, or Infinity. */
	stalking: number;
}

/** Headcount in post at scale 1, and the yearly share that leaves (replaced by starters). */
const ROLES: { role: Role; headcount: number; attrition: number; growth: number }[] = [
	// Response grew a little with the national officer uplift (2019–2023).
	{ role: 'response_officer', headcount: 960, attrition: 0.07, growth: 0.015 },
	{ role: 'control_room', headcount: 350, attrition: 0.1, growth: 0 },
	{ role: 'neighbourhood_officer', headcount: 520, attrition: 0.06, growth: 0.01 },
	{ role: 'investigator', headcount: 610, attrition: 0.06, growth: 0.01 },
	{ role: 'other', headcount: 420, attrition: 0.08, growth: 0 }
];

export const STALKING_COURSE = 'stalking';
const TARGET_ROLES: ReadonlySet<Role> = new Set(['response_officer', 'control_room']);
const EARLIEST_START = dayOf(2000, 1, 4);
const ROLLOUT_START = dayOf(2023, 1, 9);
const ROLLOUT_APRIL = dayOf(2023, 4, 30);
const ROLLOUT_END = dayOf(2023, 12, 20);

/** Move a weekend day to the Monday after: courses run on working days. */
function weekday(day: number): number {
	const w = partsOf(day).weekday;
	return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

export function generateStaff(rng: Random, scale: number): Staff[] {
	const areas = new Weighted(AREA_WEIGHTS);
	const staff: Omit<Staff, 'ref' | 'stalking'>[] = [];
	const months = monthsBetween(FIRST_DAY, LAST_DAY);
	for (const { role, headcount, attrition, growth } of ROLES) {
		const meanStay = 365.25 / attrition;
		// Control-room staff work force-wide: their area is left empty, as a force's HR extract would.
		const areaOf = () => (role === 'control_room' ? '' : areas.draw(rng));
		const leave = (from: number) => {
			const end = Math.round(from + rng.exponential(meanStay));
			return end > LAST_DAY ? Infinity : Math.max(end, from + 1);
		};
		// In post on the first day: tenure skewed to recent years, never before 2000.
		const initial = Math.round(headcount * scale);
		for (let i = 0; i < initial; i++) {
			let start = FIRST_DAY - 1 - Math.round(rng.exponential(2900));
			// Long-serving staff: spread over the early 2000s rather than piled on one day.
			if (start < EARLIEST_START) start = EARLIEST_START + rng.int(0, 2000);
			staff.push({ role, area: areaOf(), start, end: leave(FIRST_DAY) });
		}
		for (const m of months) {
			const n = rng.poisson((headcount * scale * (attrition + growth)) / 12);
			for (let i = 0; i < n; i++) {
				const start = m.first + rng.int(0, m.days - 1);
				staff.push({ role, area: areaOf(), start, end: leave(start) });
			}
		}
	}
	staff.sort((a, b) => a.start - b.start || (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
	return staff.map((s, i) => ({
		...s,
		ref: `SYN-ST-${String(i + 1).padStart(6, '0')}`,
		stalking: Infinity
	}));
}

/** Inverse of the roll-out curve: 0 at ROLLOUT_START, `april` by 30 April, `final` by ROLLOUT_END. */
function rolloutDay(u: number, april: number, final: number): number {
	if (u < april) return ROLLOUT_START + Math.round((u / april) * (ROLLOUT_APRIL - ROLLOUT_START));
	return (
		ROLLOUT_APRIL +
		1 +
		Math.round(((u - april) / (final - april)) * (ROLLOUT_END - ROLLOUT_APRIL - 1))
	);
}

/** Decide who completed which course when; sets `stalking` on each Staff and returns the rows. */
export function assignTraining(
	rng: Random,
	staff: Staff[]
): { staff: Staff; course: string; day: number }[] {
	const rows: { staff: Staff; course: string; day: number }[] = [];
	for (const s of staff) {
		let day = Infinity;
		if (TARGET_ROLES.has(s.role)) {
			const inPostAtRollout = s.start <= ROLLOUT_START;
			if (inPostAtRollout) {
				// The control room went first (identification at first contact), then response.
				const [april, final] = s.role === 'control_room' ? [0.45, 0.95] : [0.22, 0.93];
				const u = rng.next();
				if (u < final) day = weekday(rolloutDay(u, april, final));
				else if (rng.chance(0.5)) day = weekday(dayOf(2024, 1, 8) + rng.int(0, 170));
			} else if (rng.chance(0.95)) {
				// New starters: trained within a few months of starting (not before the roll-out).
				day = weekday(Math.max(s.start, ROLLOUT_START) + rng.int(20, 120));
			}
		} else if (rng.chance(0.04)) {
			// A few investigators, neighbourhood officers and others took the course too.
			day = weekday(Math.max(s.start, dayOf(2023, 3, 1)) + rng.int(0, 640));
		}
		if (day <= LAST_DAY && day < s.end && day >= s.start) {
			s.stalking = day;
			rows.push({ staff: s, course: STALKING_COURSE, day });
		}
		// Domestic abuse awareness e-learning: about half of everyone, any time in post.
		if (rng.chance(0.5)) {
			const from = Math.max(s.start, FIRST_DAY);
			const to = Math.min(s.end - 1, LAST_DAY);
			if (to >= from)
				rows.push({
					staff: s,
					course: 'domestic_abuse_awareness',
					day: from + rng.int(0, to - from)
				});
		}
	}
	rows.sort(
		(a, b) =>
			a.day - b.day || (a.staff.ref < b.staff.ref ? -1 : 1) || (a.course < b.course ? -1 : 1)
	);
	return rows;
}

export async function writeWorkforce(path: string, staff: Staff[]): Promise<CsvWriter> {
	const out = await CsvWriter.open(path, contractHeader('workforce'));
	for (const s of staff) {
		out.row([s.ref, s.role, s.area, isoDate(s.start), s.end === Infinity ? '' : isoDate(s.end)]);
		if (out.rows % 10_000 === 0) await out.drain();
	}
	await out.close();
	return out;
}

export async function writeTraining(
	path: string,
	rows: { staff: Staff; course: string; day: number }[]
): Promise<CsvWriter> {
	const out = await CsvWriter.open(path, contractHeader('training'));
	for (const r of rows) {
		out.raw(`${r.staff.ref},${r.course},${isoDate(r.day)}`);
		if (out.rows % 10_000 === 0) await out.drain();
	}
	await out.close();
	return out;
}

/** Control-room staff in post for the whole of each month, for choosing call handlers. */
export function handlersByMonth(
	staff: Staff[],
	months: { first: number; days: number }[]
): Staff[][] {
	const room = staff.filter((s) => s.role === 'control_room');
	return months.map((m) => room.filter((s) => s.start <= m.first && s.end > m.first + m.days - 1));
}
