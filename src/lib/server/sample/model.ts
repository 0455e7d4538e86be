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
