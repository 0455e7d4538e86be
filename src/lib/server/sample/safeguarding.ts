// The sample's safeguarding: each crime's first offence code, its risk assessments (at the call or
// after recording, some reviewed later) and the protective orders sought (SPOs with interim orders,
// DVPOs, restraining orders), drawn crime by crime from streams of their own so the police-activity
// files keep their bytes. Calibration in model.ts.
import { formatTimestamp, fromLondon, isoDate, type Month, type TimestampStyle } from './calendar';
import { CsvWriter } from './csv';
import {
	FLAG_NOT_RECORDED,
	advocacyProbability,
	ASSESSED_AT_CALL,
	ASSESSMENT_LAG,
	AT_CALL_INCIDENT_ONLY,
	BREACH_FIRST_YEAR,
	BREACH_NOT_RECORDED,
	DVPO_OF_DA_CRIME,
	FIRST_CODE_MISSING,
	FIRST_CODES_OF_STALKING,
	INTERIM_OUTCOMES,
	INTERIM_WITH_SPO,
	LAST_DAY,
	MARAC_REFERRAL,
	OTHER_CODE_CHANGED,
	reclassifiedShare,
	RESTRAINING_OF_CHARGED,
	REVIEW_ASSESSMENT,
	riskAssessedProbability,
	riskLevelWeights,
	riskToolWeights,
	SPO_APPLICATION_DAYS,
	SPO_DECISION_DAYS,
	SPO_IN_FORCE,
	SPO_OUTCOMES,
	SPO_WITHOUT_CRIME,
	SPO_YEARS,
	spoProbability
} from './model';
import { Random, Weighted } from './random';

/** A crime as the activity generator made it, once its incident has its ref. */
export interface SampleCrime {
	ref: string;
	code: string;
	/** Day recorded. */
	day: number;
	da: boolean;
	area: string;
	incident: { ref: string; utc: number } | null;
	/** The Home Office outcome it will reach, and when (perhaps after the extract's last day). */
	outcome: string;
	outcomeDay: number;
}

export interface SafeguardingWriters {
	risk_assessments: CsvWriter;
	protective_orders: CsvWriter;
}

interface Order {
	type: string;
	crime: string;
	area: string;
	applied: number;
	status: string;
	decided: number | null;
	expires: number | null;
	breaches: number | null;
}

const FIRST_CODES = new Weighted(FIRST_CODES_OF_STALKING);
const LAG = new Weighted(ASSESSMENT_LAG);
const SPO_END = new Weighted(SPO_OUTCOMES);
const INTERIM_END = new Weighted(INTERIM_OUTCOMES);
const SPO_LENGTH = new Weighted(SPO_YEARS);
const STYLES = new Weighted<TimestampStyle | 'date'>([
	['local', 0.85],
	['utc', 0.1],
	['date', 0.05]
]);
const LEVEL_UP: Record<string, string> = { standard: 'medium', medium: 'high', high: 'high' };
const HARASSMENT_CODES = ['8L', '8R'];

const flag = (yes: boolean) => (yes ? 'Y' : 'N');

export class SampleSafeguarding {
	private assessmentSeq = 0;
	private readonly orders: Order[] = [];

	/**
	 * Three streams (recognition, assessments, orders), so a change to one leaves the other files
	 * as they were.
	 */
	constructor(
		private readonly recognition: Random,
		private readonly risk: Random,
		private readonly court: Random,
		private readonly scale: number,
		private readonly areas: Weighted<string>,
		private readonly out: SafeguardingWriters
	) {}

	/** Everything that follows from one crime; returns its first_offence_code cell. */
	crime(c: SampleCrime): string {
		const first = this.firstCode(c);
		const reclassified = first !== '' && first !== c.code;
		this.assess(c, reclassified);
		this.seekOrders(c);
		return first;
	}

	/** Once a month: the SPO applications that rest on no recorded crime. */
	month(m: Month): void {
		const n = this.court.poisson(SPO_WITHOUT_CRIME * this.scale);
		for (let i = 0; i < n; i++) {
			const day = m.first + this.court.int(0, m.days - 1);
			if (day >= SPO_IN_FORCE) this.spo('', this.areas.draw(this.court), day);
		}
	}

	/** Write the month's assessments out (the generator awaits this at each month's end). */
	async drain(): Promise<void> {
		await this.out.risk_assessments.drain();
	}

	/** Write the orders, in the order they were applied for, numbered in that order. */
	async finish(): Promise<void> {
		const orders = this.orders
			.map((o, i) => ({ o, i }))
			.sort((a, b) => a.o.applied - b.o.applied || a.i - b.i);
		let seq = 0;
		for (const { o } of orders) {
			const date = (d: number | null) => (d === null ? '' : isoDate(d));
			this.out.protective_orders.raw(
				[
					`SYN-PO-${String(++seq).padStart(6, '0')}`,
					o.type,
					o.crime,
					o.area,
					isoDate(o.applied),
					o.status,
					date(o.decided),
					date(o.expires),
					o.breaches === null ? '' : String(o.breaches)
				].join(',')
			);
			if (this.out.protective_orders.full) await this.out.protective_orders.drain();
		}
	}

	// The code first recorded: a share of stalking was first recorded as harassment or malicious
	// communications, falling with the training; other crimes mostly keep theirs.
	private firstCode(c: SampleCrime): string {
		const rng = this.recognition;
		if (rng.chance(FIRST_CODE_MISSING)) return '';
		if (c.code === '8Q') return rng.chance(reclassifiedShare(c.day)) ? FIRST_CODES.draw(rng) : '8Q';
		if (HARASSMENT_CODES.includes(c.code) && rng.chance(OTHER_CODE_CHANGED)) {
			return c.code === '8L' ? '8R' : '8L';
		}
		return c.code;
	}

	private assess(c: SampleCrime, reclassified: boolean): void {
		const rng = this.risk;
		if (!rng.chance(riskAssessedProbability(c.code, c.da, c.day, reclassified))) return;
		const tool = new Weighted(riskToolWeights(c.code, c.da, c.day)).draw(rng);
		const level = new Weighted(riskLevelWeights(c.code, c.da)).draw(rng);
		let utc: number;
		let crimeRef = c.ref;
		let incidentRef = '';
		if (c.incident && rng.chance(ASSESSED_AT_CALL)) {
			// At the call, within a few hours: before the crime was recorded.
			utc = c.incident.utc + rng.int(20, 240);
			incidentRef = c.incident.ref;
			if (rng.chance(AT_CALL_INCIDENT_ONLY)) crimeRef = '';
		} else {
			utc = fromLondon(c.day + LAG.draw(rng), rng.int(8 * 60, 22 * 60 - 1));
			if (c.incident && rng.chance(0.5)) incidentRef = c.incident.ref;
		}
		this.write(crimeRef, incidentRef, tool, utc, level, c);
		if (rng.chance(REVIEW_ASSESSMENT)) {
			// A review weeks later, on the crime; the risk sometimes found higher.
			const review = utc + rng.int(7, 60) * 1440;
			const again = rng.chance(0.3) ? LEVEL_UP[level] : level;
			this.write(c.ref, '', tool, review, again, c);
		}
	}

	private write(
		crimeRef: string,
		incidentRef: string,
		tool: string,
		utc: number,
		level: string,
		c: SampleCrime
	): void {
		const rng = this.risk;
		const style = STYLES.draw(rng);
		const seconds = rng.int(0, 59);
		const marac = rng.chance(MARAC_REFERRAL[level]);
		const advocacy = rng.chance(advocacyProbability(c.code, level, c.day));
		const maracCell = rng.chance(FLAG_NOT_RECORDED) ? '' : flag(marac);
		const advocacyCell = rng.chance(FLAG_NOT_RECORDED) ? '' : flag(advocacy);
		// The London day of the instant: after the extract's last day, not in the extract yet.
		const local = formatTimestamp(utc, seconds, 'local');
		if (local.slice(0, 10) > isoDate(LAST_DAY)) return;
		const when = style === 'date' ? local.slice(0, 10) : formatTimestamp(utc, seconds, style);
		this.out.risk_assessments.raw(
			[
				`SYN-RA-${String(++this.assessmentSeq).padStart(7, '0')}`,
				crimeRef,
				incidentRef,
				tool,
				when,
				level,
				maracCell,
				advocacyCell
			].join(',')
		);
	}

	private seekOrders(c: SampleCrime): void {
		const rng = this.court;
		if (c.code === '8Q') {
			const applied = c.day + Math.max(3, Math.round(rng.lognormal(SPO_APPLICATION_DAYS, 0.6)));
			if (rng.chance(spoProbability(applied, c.da))) this.spo(c.ref, c.area, applied);
		}
		if (c.da && rng.chance(DVPO_OF_DA_CRIME)) this.dvpo(c, c.day + rng.int(0, 2));
		if (c.code === '8Q' && c.outcome === '1' && rng.chance(RESTRAINING_OF_CHARGED)) {
			this.restraining(c, c.outcomeDay + rng.int(30, 120));
		}
	}

	/** A full SPO application, with an interim order sought alongside it in some cases. */
	private spo(crime: string, area: string, applied: number): void {
		const rng = this.court;
		if (applied > LAST_DAY) return;
		const decided = applied + Math.max(7, Math.round(rng.lognormal(SPO_DECISION_DAYS, 0.5)));
		const full = this.decide('spo', crime, area, applied, decided, SPO_END);
		if (full.status === 'granted') {
			const years = SPO_LENGTH.draw(rng);
			full.expires = years === 0 ? null : full.decided! + Math.round(years * 365.25);
			full.breaches = this.breaches(full.decided!, 1);
		}
		if (rng.chance(INTERIM_WITH_SPO)) {
			const interim = this.decide(
				'interim_spo',
				crime,
				area,
				applied,
				applied + rng.int(0, 7),
				INTERIM_END
			);
			if (interim.status === 'granted') {
				// An interim order lasts until the full application is decided.
				interim.expires = full.decided !== null ? Math.max(full.decided, interim.decided!) : null;
				interim.breaches = this.breaches(interim.decided!, 0.3);
			}
		}
	}

	private dvpo(c: SampleCrime, applied: number): void {
		const order = this.decide('dvpo', c.ref, c.area, applied, applied + 1, INTERIM_END);
		if (order.status === 'granted') {
			order.expires = order.decided! + this.court.int(14, 28);
			order.breaches = this.breaches(order.decided!, 0.4);
		}
	}

	private restraining(c: SampleCrime, applied: number): void {
		const order = this.decide('restraining_order', c.ref, c.area, applied, applied, INTERIM_END);
		if (order.status === 'granted') {
			const years = this.court.int(0, 5);
			order.expires = years === 0 ? null : order.decided! + Math.round(years * 365.25);
			order.breaches = this.breaches(order.decided!, 0.8);
		}
	}

	/** An application and its outcome; pending when the decision falls after the extract's last day. */
	private decide(
		type: string,
		crime: string,
		area: string,
		applied: number,
		decided: number,
		outcomes: Weighted<string>
	): Order {
		const order: Order = {
			type,
			crime,
			area,
			applied,
			status: 'pending',
			decided: null,
			expires: null,
			breaches: null
		};
		if (applied > LAST_DAY) return order;
		const status = outcomes.draw(this.court);
		if (decided <= LAST_DAY) {
			order.status = status;
			order.decided = decided;
		}
		this.orders.push(order);
		return order;
	}

	/** Breaches of a granted order so far: a share breached in their first year, a few more than once. */
	private breaches(from: number, weight: number): number | null {
		const rng = this.court;
		if (rng.chance(BREACH_NOT_RECORDED)) return null;
		const years = Math.min(1, (LAST_DAY - from) / 365);
		return rng.chance(BREACH_FIRST_YEAR * weight * years) ? 1 + rng.poisson(0.5) : 0;
	}
}
