// Safeguarding: risk assessment, referrals, protective orders, the recognition of stalking and the
// journey from report to charge, for the page's period and filters.
import { getDb } from '$lib/server/db';
import { journey, safeguarding, xmr, type SafeguardingMonth } from '$lib/server/metrics';
import { describeRate } from '$lib/server/metrics/summary';
import {
	inForceFigure,
	journeyFigure,
	ordersFigure,
	recognitionFigure,
	riskFigure,
	riskMixFigure
} from '$lib/server/metrics/declared';
import { getSettings } from '$lib/server/settings';
import { fmtPct } from '$lib/charts/format';
import type { PageServerLoad } from './$types';

/** XmR over a monthly rate; null when a month has no denominator (no rate to judge). */
function rateControl(
	months: SafeguardingMonth[],
	key: 'risk_assessment_rate' | 'stalking_share',
	rebases: string[],
	label: string
) {
	if (months.some((m) => m[key] === null)) return null;
	const points = xmr(
		months.map((m) => ({ month: m.month, value: m[key] as number, incomplete: m.incomplete })),
		rebases
	);
	return { points, summary: describeRate(label, points, (v) => fmtPct(v)) };
}

export const load: PageServerLoad = async ({ parent }) => {
	const { filters } = await parent();
	const db = await getDb();
	const [s, j, settings] = await Promise.all([
		safeguarding(db, filters),
		journey(db, filters),
		getSettings(db)
	]);
	return {
		safeguarding: s,
		journey: j,
		// The table twins: the same declarations a published summary's safeguarding section freezes.
		figures: {
			risk: riskFigure(s, 'risk', 'Risk assessment and referral by month'),
			mix: riskMixFigure(s, 'risk-mix', 'Risk level by month'),
			orders: ordersFigure(s, 'orders', 'Orders by month of application'),
			inForce: inForceFigure(s, 'orders-in-force', 'Orders in force at each month end'),
			recognition: recognitionFigure(s, 'recognition', 'Recognition of stalking by month'),
			journey: journeyFigure(j, 'journey', 'The journey from report to charge')
		},
		control: {
			risk: rateControl(
				s.months,
				'risk_assessment_rate',
				settings.rebase_months,
				'The risk assessment rate'
			),
			recognition: rateControl(
				s.months,
				'stalking_share',
				settings.rebase_months,
				'The share of harassment-type crimes recorded as stalking'
			)
		}
	};
};
