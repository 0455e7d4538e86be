// The sample's calibration in one place: period, districts' weights, monthly volumes and the
// probabilities behind outcomes, arrests and identification. Figures are from facts.md; the
// comments say which published figure each one is tuned to.
import { dayOf } from './calendar';
import { DISTRICTS_2020 } from './reference';

export const FIRST_DAY = dayOf(2019, 4, 1);
export const LAST_DAY = dayOf(2025, 3, 31);
export const DEFAULT_SEED = 20190401;

/** Crime and workforce spread over districts by adult population; the city carries more crime. */
export const AREA_WEIGHTS: [string, number][] = DISTRICTS_2020.map(([area, , pop]) => [
	area,
	area === 'Nottingham' ? pop * 1.3 : pop
]);

const APRIL_2020 = 12; // month index of the counting-rule change (months since April 2019)

/** Mild seasonality: a summer peak and a winter dip of about ±8 %. */
export function seasonal(month: number, amplitude = 0.08): number {
	return 1 + amplitude * Math.cos((2 * Math.PI * (month - 7)) / 12);
}

/**
 * Expected stalking (8Q) crimes in month index t (0 = April 2019), before seasonality.
 * FY 2019/20 about 50 a month (≈460 in April–December 2019, the part of calendar 2019 the sample
 * covers; published 492 for the whole year); the April 2020 counting-rule step to about 68, then a
 * steady rise of 1.15 a month: FY 2020/21 ≈ 890 (published 891), calendar 2023 ≈ 1,360 (1,356),
 * calendar 2024 ≈ 1,530 (1,544).
 */
export function stalkingLevel(t: number): number {
	return t < APRIL_2020 ? 49 + 0.3 * t : 68 + 1.15 * (t - APRIL_2020);
}

/** Other offence codes in the extract, per month at scale 1, and the domestic-abuse share of each. */
export function otherOffenceLevels(t: number): { code: string; level: number; da: number }[] {
	const after = t >= APRIL_2020;
	return [
		// Harassment lost ex-partner courses of conduct to 8Q in April 2020.
		{ code: '8L', level: after ? 210 : 250, da: 0.55 },
		{ code: '8M', level: 14, da: 0.05 },
		{ code: '8R', level: 190 + 1.0 * t, da: 0.45 },
		// Other domestic-abuse crimes in the same extract: the offence filter must matter.
		{ code: '8N', level: 150, da: 1 },
		{ code: '5D', level: 90, da: 1 },
		{ code: '9A', level: 45, da: 1 }
	];
}

/** Domestic-abuse share of stalking: ex-partner stalking became 8Q by default in April 2020. */
export function stalkingDaShare(t: number): number {
	return t < APRIL_2020 ? 0.56 : 0.68;
}

/** Probability that a crime is charged, by offence family and recording year. Tuned to: near 10 % in
 * 2021, about 200 stalking charges in 2023 (facts.md: 198). */
export function chargeProbability(code: string, year: number): number {
	const stalking: Record<number, number> = {
		2019: 0.1,
		2020: 0.09,
		2021: 0.1,
		2022: 0.135,
		2023: 0.16,
		2024: 0.16,
		2025: 0.16
	};
	if (code === '8Q') return stalking[year];
	if (code === '8N' || code === '5D') return 0.2;
	return 0.07;
}

/**
 * Final outcomes other than charge, with weights: more than half of stalking cases end with the victim
 * not supporting action (14, 16); the suffixes are the sub-codes some forces use.
 */
export const NON_CHARGE_OUTCOMES: [string, number][] = [
	['16', 0.4],
	['14', 0.13],
	['15', 0.12],
	['18', 0.07],
	['10', 0.05],
	['20', 0.05],
	['8', 0.04],
	['3', 0.02],
	['9', 0.01],
	['2', 0.005],
	['5', 0.002],
	['17', 0.003]
];

/** Median days from recording to the outcome, by outcome number (median days to charge 60–120). */
export const OUTCOME_MEDIAN_DAYS: Record<string, number> = {
	'1': 100,
	'2': 80,
	'3': 90,
	'5': 120,
	'8': 80,
	'9': 120,
	'10': 120,
	'14': 90,
	'15': 180,
	'16': 100,
	'17': 200,
	'18': 60,
	'20': 90
};
/** Log-scale spread of days to outcome: long tails, so recent months are mostly still open. */
export const OUTCOME_SIGMA = 0.75;

/** Probability of at least one arrest given the outcome the crime will reach. */
export const ARREST_GIVEN_OUTCOME: Record<string, number> = {
	'1': 0.85,
	'2': 0.7,
	'3': 0.7,
	'5': 0.3,
	'8': 0.3,
	'9': 0.6,
	'10': 0.3,
	'14': 0.15,
	'15': 0.45,
	'16': 0.3,
	'17': 0.2,
	'18': 0.02,
	'20': 0.2
};

/** Background domestic-abuse incidents a month at scale 1 (plus those crimes came from). */
export function daIncidentLevel(t: number): number {
	return 1650 * (1 + 0.01 * (t / 12));
}

/** Share of crimes raised from a control-room incident. */
export const CRIME_FROM_INCIDENT = 0.75;

/**
 * Probability that the call handler flags stalking at first contact. Trained handlers identify it
 * clearly more often (facts: the 2023 training targeted this); untrained awareness creeps up slowly.
 */
export function identificationProbability(
	kind: 'stalking' | 'harassment' | 'other',
	trained: boolean,
	t: number
): number {
	const drift = 1 + 0.02 * (t / 12);
	switch (kind) {
		case 'stalking':
			return (trained ? 0.46 : 0.22) * drift;
		case 'harassment':
			return (trained ? 0.12 : 0.06) * drift;
		case 'other':
			return (trained ? 0.09 : 0.04) * drift;
	}
}

// ---- Safeguarding and the recognition of stalking (facts.md "Safeguarding") ----------------------

/** The Stalking Protection Act 2019 came into force on 20 January 2020: no SPO before it. */
export const SPO_IN_FORCE = dayOf(2020, 1, 20);
/** The stalking training started in January 2023 and ran to the end of the year (facts.md). */
const TRAINING_FROM = dayOf(2023, 1, 1);
const TRAINING_TO = dayOf(2024, 1, 1);
/** DARA replaced DASH for domestic abuse from 2022 (College of Policing). */
const DARA_FROM = dayOf(2022, 1, 1);
const DARA_MOST = dayOf(2023, 7, 1);

/** 0 before `from`, 1 after `to`, linear between: how far a roll-out had got on a day. */
export function rollout(day: number, from: number, to: number): number {
	return day <= from ? 0 : day >= to ? 1 : (day - from) / (to - from);
}

/** How far the stalking training had got on a day (0 before 2023, 1 from 2024). */
export function trained(day: number): number {
	return rollout(day, TRAINING_FROM, TRAINING_TO);
}

/**
 * Share of stalking (8Q) crimes first recorded under another code and reclassified to 8Q later: the
 * super-complaint found stalking still recorded as harassment or malicious communications. About
 * one in five before the training, falling to about one in twelve once staff are trained.
 */
export function reclassifiedShare(day: number): number {
	return 0.2 - 0.12 * trained(day);
}
/** The codes a reclassified stalking crime was first recorded under. */
export const FIRST_CODES_OF_STALKING: [string, number][] = [
	['8L', 0.62],
	['8R', 0.33],
	['8M', 0.05]
];
/** Non-stalking crimes mostly keep their first code; a few moved between harassment classes. */
export const OTHER_CODE_CHANGED = 0.03;
/** The records system did not keep the first code of a few crimes (an empty cell). */
export const FIRST_CODE_MISSING = 0.03;

/**
 * Probability that a crime gets a risk assessment. Most domestic-abuse stalking crimes are assessed
 * (DASH/DARA), fewer non-domestic ones (S-DASH screening), rising with the training; harassment
 * outside domestic abuse is seldom assessed. A crime first recorded as harassment is assessed less
 * often: stalking was not recognised when the assessment would have been done.
 */
export function riskAssessedProbability(
	code: string,
	da: boolean,
	day: number,
	reclassified: boolean
): number {
	const t = trained(day);
	const p =
		code === '8Q'
			? da
				? 0.8 + 0.1 * t
				: 0.5 + 0.15 * t
			: da
				? 0.75
				: code.startsWith('8')
					? 0.15
					: 0;
	return reclassified ? p * 0.8 : p;
}
/** Share of assessments of a crime from a call done at the call (they precede the crime record). */
export const ASSESSED_AT_CALL = 0.45;
/** Of those, the share linked by the incident only (the crime did not exist yet). */
export const AT_CALL_INCIDENT_ONLY = 0.6;
/** Days from recording to an assessment done afterwards: most the same day, a tail of late ones. */
export const ASSESSMENT_LAG: [number, number][] = [
	[0, 0.5],
	[1, 0.17],
	[2, 0.08],
	[3, 0.05],
	[4, 0.04],
	[5, 0.03],
	[7, 0.03],
	[10, 0.04],
	[14, 0.03],
	[21, 0.03]
];
/** A later review of the risk (crime_ref only), sometimes at a higher level. */
export const REVIEW_ASSESSMENT = 0.1;

/** The tool of a crime's assessment: DARA replacing DASH for domestic abuse from 2022. */
export function riskToolWeights(code: string, da: boolean, day: number): [string, number][] {
	if (da) {
		const dara = 0.95 * rollout(day, DARA_FROM, DARA_MOST);
		return [
			['dara', dara],
			['dash', 1 - dara - 0.01],
			['other', 0.01]
		];
	}
	return code === '8Q'
		? [
				['s_dash', 0.85],
				['dash', 0.1],
				['other', 0.05]
			]
		: [
				['dash', 0.6],
				['s_dash', 0.3],
				['other', 0.1]
			];
}

/** Risk levels: domestic-abuse stalking is most often high risk. */
export function riskLevelWeights(code: string, da: boolean): [string, number][] {
	const [high, medium] =
		code === '8Q' ? (da ? [0.28, 0.42] : [0.12, 0.38]) : da ? [0.18, 0.4] : [0.05, 0.3];
	return [
		['standard', 1 - high - medium],
		['medium', medium],
		['high', high]
	];
}

/** MARAC referral by risk level: high-risk cases should go to MARAC; a few medium on judgement. */
export const MARAC_REFERRAL: Record<string, number> = { high: 0.78, medium: 0.06, standard: 0.01 };

/**
 * Referral to specialist advocacy (the Stalking Advocacy Service, IDVAs): a minority of stalking
 * victims before the training, rising through 2023 (the super-complaint found too few referred).
 */
export function advocacyProbability(code: string, level: string, day: number): number {
	const base = code === '8Q' ? 0.14 + 0.2 * trained(day) : level === 'high' ? 0.3 : 0.05;
	return Math.min(1, level === 'high' ? base * 1.3 : base);
}
/** A referral flag left empty (not recorded). */
export const FLAG_NOT_RECORDED = 0.03;

/**
 * Chance that a stalking crime leads to an SPO application, by the application day: tens a year
 * for a force this size (facts.md: "too few SPOs"), rising slowly and faster after the
 * super-complaint of September 2024. Non-domestic stalking (the case the Act was written for) is
 * more likely to get one; domestic cases more often get a DVPO or a restraining order.
 */
export function spoProbability(day: number, da: boolean): number {
	if (day < SPO_IN_FORCE) return 0;
	const rate =
		0.018 +
		0.008 * rollout(day, SPO_IN_FORCE, dayOf(2023, 1, 1)) +
		0.008 * rollout(day, dayOf(2023, 1, 1), dayOf(2024, 9, 1)) +
		0.008 * rollout(day, dayOf(2024, 9, 1), dayOf(2025, 3, 31));
	return rate * (da ? 0.7 : 1.6);
}
/** SPO applications a month that rest on no recorded crime (conduct known from other agencies). */
export const SPO_WITHOUT_CRIME = 0.25;
/** Median days from recording to the SPO application, and its log-scale spread. */
export const SPO_APPLICATION_DAYS = 40;
/** Share of SPO applications with an interim order sought at the same time. */
export const INTERIM_WITH_SPO = 0.4;
/** Median days from application to the court's decision on a full order. */
export const SPO_DECISION_DAYS = 45;
/** How full SPO applications end once decided; most are granted. */
export const SPO_OUTCOMES: [string, number][] = [
	['granted', 0.8],
	['refused', 0.08],
	['withdrawn', 0.12]
];
export const INTERIM_OUTCOMES: [string, number][] = [
	['granted', 0.9],
	['refused', 0.07],
	['withdrawn', 0.03]
];
/** How long a granted SPO lasts: the Act's minimum of two years, five, or until further order. */
export const SPO_YEARS: [number, number][] = [
	[2, 0.6],
	[5, 0.25],
	[0, 0.15]
];
/** Share of granted orders with a breach in their first year in force; the rest of the breaches. */
export const BREACH_FIRST_YEAR = 0.28;
/** Breach counts of a few orders are not recorded (an empty cell). */
export const BREACH_NOT_RECORDED = 0.08;
/** DVPOs on domestic-abuse crimes (a notice, then an order within 48 hours lasting 14–28 days). */
export const DVPO_OF_DA_CRIME = 0.015;
/** Restraining orders on charged stalking crimes, made at sentencing. */
export const RESTRAINING_OF_CHARGED = 0.2;
