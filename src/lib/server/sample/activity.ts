// The sample's police activity, month by month: crimes with their arrests and outcomes, and the
// control-room incidents (domestic-abuse calls plus the calls crimes came from), streamed to disk.
// Each crime is handed on to the safeguarding generator (safeguarding.ts), which draws from streams
// of its own: what it adds never changes these files' other columns.
import {
	fromLondon,
	formatTimestamp,
	isoDate,
	lastSunday,
	monthsBetween,
	yearOf,
	type TimestampStyle
} from './calendar';
import { CsvWriter } from './csv';
import {
	AREA_WEIGHTS,
	ARREST_GIVEN_OUTCOME,
	chargeProbability,
	CRIME_FROM_INCIDENT,
	daIncidentLevel,
	FIRST_DAY,
	identificationProbability,
	LAST_DAY,
	NON_CHARGE_OUTCOMES,
	OUTCOME_MEDIAN_DAYS,
	OUTCOME_SIGMA,
	otherOffenceLevels,
	seasonal,
	stalkingDaShare,
	stalkingLevel
} from './model';
import { Random, Weighted } from './random';
import type { SampleSafeguarding } from './safeguarding';
import { handlersByMonth, type Staff } from './workforce';

interface Incident {
	ref: string;
	utc: number;
	seconds: number;
	style: TimestampStyle;
	area: string;
	da: boolean;
	identified: boolean;
	handler: Staff | null;
}

interface Crime {
	code: string;
	day: number;
	da: boolean;
	incident: Incident | null;
	ref: string;
	area: string;
	/** The outcome the investigation will reach, and its day (perhaps after the extract ends). */
	outcome: string;
	outcomeDay: number;
}

export interface ActivityWriters {
	crimes: CsvWriter;
	arrests: CsvWriter;
	outcomes: CsvWriter;
	incidents: CsvWriter;
}

const HOUR_WEIGHTS = new Weighted(
	[4, 3, 2.5, 2, 1.5, 1.5, 2, 3, 3.5, 4, 4, 4, 4, 4, 4, 4.5, 5, 5.5, 6, 6.5, 6.5, 6.5, 6, 5].map(
		(w, hour) => [hour, w] as const
	)
);
const STYLES = new Weighted<TimestampStyle>([
	['local', 0.8],
	['utc', 0.1],
	['offset', 0.05],
	['uk', 0.05]
]);
const REPORT_LAG = new Weighted([
	[0, 0.7],
	[1, 0.25],
	[2, 0.05]
]);
const DA_RELATIONSHIP = new Weighted([
	['ex_partner', 0.6],
	['intimate_partner', 0.26],
	['family', 0.14]
]);
const OTHER_RELATIONSHIP = new Weighted([
	['acquaintance', 0.5],
	['stranger', 0.28],
	['unknown', 0.22]
]);
const DA_SEX = new Weighted([
	['F', 0.8],
	['M', 0.18],
	['X', 0.005],
	['U', 0.015]
]);
const OTHER_SEX = new Weighted([
	['F', 0.62],
	['M', 0.35],
	['X', 0.005],
	['U', 0.025]
]);
const AGE = new Weighted([
	['under_16', 0.03],
	['16_24', 0.2],
	['25_34', 0.3],
	['35_44', 0.22],
	['45_54', 0.14],
	['55_64', 0.06],
	['65_plus', 0.03],
	['unknown', 0.02]
]);
// Domestic abuse is defined for victims aged 16 and over.
const DA_AGE = new Weighted([
	['16_24', 0.2],
	['25_34', 0.31],
	['35_44', 0.23],
	['45_54', 0.14],
	['55_64', 0.06],
	['65_plus', 0.04],
	['unknown', 0.02]
]);
const NON_CHARGE = new Weighted(NON_CHARGE_OUTCOMES);
const SUFFIX: Record<string, [string, number]> = {
	'1': ['1A', 0.05],
	'15': ['15B', 0.1],
	'16': ['16A', 0.03]
};

function offenceFamily(code: string): 'stalking' | 'harassment' | 'other' {
	return code === '8Q'
		? 'stalking'
		: code.startsWith('8') && code !== '8N'
			? 'harassment'
			: 'other';
}

export async function generateActivity(
	rng: Random,
	scale: number,
	staff: Staff[],
	out: ActivityWriters,
	safeguarding: SampleSafeguarding
): Promise<void> {
	const areas = new Weighted(AREA_WEIGHTS);
	const months = monthsBetween(FIRST_DAY, LAST_DAY);
	const handlers = handlersByMonth(staff, months);
	let crimeSeq = 0;
	let arrestSeq = 0;
	let incidentSeq = 0;

	for (let t = 0; t < months.length; t++) {
		const m = months[t];
		const roster = handlers[t];
		const incidents: Incident[] = [];

		const newIncident = (
			localDay: number,
			minute: number,
			da: boolean,
			area: string,
			family: 'stalking' | 'harassment' | 'other',
			style?: TimestampStyle
		): Incident => {
			// A few calls have no handler recorded: they count as neither trained nor untrained.
			const handler = roster.length > 0 && rng.chance(0.96) ? rng.pick(roster) : null;
			const trained = handler !== null && handler.stalking <= localDay;
			const incident: Incident = {
				ref: '',
				utc: fromLondon(localDay, minute),
				seconds: rng.int(0, 59),
				style: style ?? STYLES.draw(rng),
				area,
				da,
				identified: rng.chance(identificationProbability(family, trained, t)),
				handler
			};
			incidents.push(incident);
			return incident;
		};
		const minuteOfDay = () => HOUR_WEIGHTS.draw(rng) * 60 + rng.int(0, 59);

		// Crimes of the month, in recording order.
		const crimes: Crime[] = [];
		const add = (code: string, expected: number, daShare: number) => {
			const n = rng.poisson(expected * scale);
			for (let i = 0; i < n; i++) {
				crimes.push({
					code,
					day: m.first + rng.int(0, m.days - 1),
					da: rng.chance(daShare),
					incident: null,
					ref: '',
					area: '',
					outcome: '',
					outcomeDay: 0
				});
			}
		};
		add('8Q', stalkingLevel(t) * seasonal(m.month), stalkingDaShare(t));
		for (const o of otherOffenceLevels(t)) add(o.code, o.level * seasonal(m.month, 0.05), o.da);
		crimes.sort((a, b) => a.day - b.day);

		const crimeRows: string[] = [];
		for (const c of crimes) {
			const area = areas.draw(rng);
			const family = offenceFamily(c.code);
			if (rng.chance(CRIME_FROM_INCIDENT)) {
				const localDay = Math.max(FIRST_DAY, c.day - REPORT_LAG.draw(rng));
				// A call about a domestic-abuse crime is nearly always flagged as such, and vice versa.
				const da = rng.chance(0.97) ? c.da : !c.da;
				c.incident = newIncident(localDay, minuteOfDay(), da, area, family);
			}
			const ref = `SYN-CR-${String(++crimeSeq).padStart(7, '0')}`;
			c.ref = ref;
			c.area = area;
			const relationship = rng.chance(0.03)
				? ''
				: (c.da ? DA_RELATIONSHIP : OTHER_RELATIONSHIP).draw(rng);
			const sex = (c.da ? DA_SEX : OTHER_SEX).draw(rng);
			crimeRows.push(
				`${ref},${isoDate(c.day)},${c.code},${area},${c.da ? 'Y' : 'N'},${relationship},${sex},${(c.da ? DA_AGE : AGE).draw(rng)},`
			);

			// The outcome the investigation will reach, and when.
			const year = yearOf(c.day);
			const type = rng.chance(chargeProbability(c.code, year)) ? '1' : NON_CHARGE.draw(rng);
			const outcomeDay =
				c.day + Math.max(1, Math.round(rng.lognormal(OUTCOME_MEDIAN_DAYS[type], OUTCOME_SIGMA)));
			c.outcome = type;
			c.outcomeDay = outcomeDay;
			if (outcomeDay <= LAST_DAY) {
				const suffix = SUFFIX[type];
				const shown = suffix && rng.chance(suffix[1]) ? suffix[0] : type;
				out.outcomes.raw(`${ref},${shown},${isoDate(outcomeDay)}`);
			} else if (rng.chance(0.25)) {
				// Still under investigation: some forces export an explicit 0 (not yet assigned).
				out.outcomes.raw(`${ref},0,${isoDate(Math.min(LAST_DAY, c.day + rng.int(0, 7)))}`);
			}

			if (out.outcomes.full) await out.outcomes.drain();
			if (out.arrests.full) await out.arrests.drain();
			if (rng.chance(ARREST_GIVEN_OUTCOME[type])) {
				let arrestDay = c.day + Math.round(rng.exponential(10));
				if (type === '1') arrestDay = Math.min(arrestDay, outcomeDay);
				if (arrestDay <= LAST_DAY) {
					out.arrests.raw(
						`SYN-AR-${String(++arrestSeq).padStart(7, '0')},${ref},${isoDate(arrestDay)}`
					);
					// Some suspects are arrested again (breach, further offences in the course of conduct).
					const again = arrestDay + rng.int(7, 90);
					if (rng.chance(0.12) && again <= LAST_DAY) {
						out.arrests.raw(
							`SYN-AR-${String(++arrestSeq).padStart(7, '0')},${ref},${isoDate(again)}`
						);
					}
				}
			}
		}

		// Domestic-abuse calls that did not become one of these crimes.
		const background = rng.poisson(daIncidentLevel(t) * seasonal(m.month, 0.1) * scale);
		for (let i = 0; i < background; i++) {
			newIncident(m.first + rng.int(0, m.days - 1), minuteOfDay(), true, areas.draw(rng), 'other');
		}
		// Calls either side of midnight at the month's end, some written in UTC or with an offset, so
		// the month a call belongs to (in London) is exercised; and calls in the night clocks change.
		const lastDay = m.first + m.days - 1;
		const edge = rng.poisson(3 * scale);
		for (let i = 0; i < edge; i++) {
			// (not after the last month: the extract ends on 31 March 2025)
			const after = lastDay < LAST_DAY && rng.chance(0.5);
			const style: TimestampStyle = rng.pick(['local', 'utc', 'offset']);
			newIncident(
				after ? lastDay + 1 : lastDay,
				after ? rng.int(0, 59) : 23 * 60 + rng.int(0, 59),
				true,
				areas.draw(rng),
				'other',
				style
			);
		}
		if (m.month === 3 || m.month === 10) {
			const change = lastSunday(m.year, m.month);
			const night = rng.poisson(4 * scale);
			for (let i = 0; i < night; i++) {
				const style: TimestampStyle = rng.pick(['local', 'utc', 'offset']);
				newIncident(change, rng.int(0, 179), true, areas.draw(rng), 'other', style);
			}
		}

		// Number the month's incidents in time order, then write everything out.
		incidents.sort((a, b) => a.utc - b.utc);
		for (const inc of incidents) {
			inc.ref = `SYN-IN-${String(++incidentSeq).padStart(7, '0')}`;
			out.incidents.raw(
				`${inc.ref},${formatTimestamp(inc.utc, inc.seconds, inc.style)},${inc.area},${inc.da ? 'Y' : 'N'},${inc.identified ? 'Y' : 'N'},${inc.handler ? inc.handler.ref : ''}`
			);
			if (out.incidents.full) await out.incidents.drain();
		}
		for (let i = 0; i < crimes.length; i++) {
			const c = crimes[i];
			const inc = c.incident;
			const first = safeguarding.crime({
				...c,
				incident: inc ? { ref: inc.ref, utc: inc.utc } : null
			});
			out.crimes.raw(`${inc ? crimeRows[i] + inc.ref : crimeRows[i]},${first}`);
			if (out.crimes.full) await out.crimes.drain();
		}
		safeguarding.month(m);
		await Promise.all([
			out.crimes.drain(),
			out.arrests.drain(),
			out.outcomes.drain(),
			out.incidents.drain(),
			safeguarding.drain()
		]);
	}
}
