// Titles and sentences that state a direction or a comparison, computed from the figures they describe
// (metrics.md: never fixed text the data can contradict). Pure functions: pages show what these return.
import { fmtCount, fmtPct, partYearLabel } from '../../charts/format';
import type { IdentificationFigures, ReportingYear } from './types';

export interface Words {
	title: string;
	summary: string;
}

/**
 * The recorded-against-estimated chart: the title says what the latest full year with an estimate
 * shows; a part year is named as such and never compared with full years.
 */
export function reportingWords(years: ReportingYear[]): Words {
	const full = years.filter((y) => y.complete && y.reporting_ratio !== null);
	const last = full[full.length - 1];
	const part = years.find((y) => !y.complete);
	const partNote = part
		? ` ${part.fy} is a part year (${partYearLabel(part)}): its ${fmtCount(part.recorded)} recorded crimes are shown but not set against a full year's estimate.`
		: '';
	if (!last || last.reporting_ratio === null || last.estimated_victims === null) {
		return {
			title: 'Recorded stalking against the estimated true level',
			summary: `No full financial year in this period has both recorded crimes and a survey estimate.${partNote}`
		};
	}
	const ratio = last.reporting_ratio;
	// Judged on the percentage the page prints (one decimal place), so words and figure agree.
	const shown = tenths(ratio);
	const title =
		shown < 500
			? `Most estimated stalking was not recorded in ${last.fy}`
			: shown === 500
				? `About half of estimated stalking was recorded in ${last.fy}`
				: shown < 1000
					? `More than half of estimated stalking was recorded in ${last.fy}`
					: `Recorded stalking reached the estimated level in ${last.fy}`;
	const gap =
		shown < 1000
			? `; about ${fmtCount(last.estimated_unreported)} did not reach a crime record`
			: '; recorded crimes count offences, not victims, so they can exceed the estimate';
	return {
		title,
		summary: `In ${last.fy} the force recorded ${fmtCount(last.recorded)} stalking crimes against an estimated ${fmtCount(last.estimated_victims)} adults stalked in its area (${fmtPct(ratio)})${gap}.${partNote}`
	};
}

/** A rate as the page prints it, in tenths of a percent (fmtPct's one decimal place): 0.3326 -> 333. */
function tenths(rate: number): number {
	return Math.round(rate * 1000);
}

/**
 * Trained against untrained call handlers: which way the difference goes, said as a description
 * of the two groups, not a tested effect of training.
 */
export function handlerWords(t: IdentificationFigures): Words {
	const rate = (n: number, d: number) => (d ? n / d : null);
	const trained = rate(t.trained_handler_identified, t.trained_handler_incidents);
	const untrained = rate(t.untrained_handler_identified, t.untrained_handler_incidents);
	const groups = `Handlers who had completed the stalking course identified stalking in ${fmtPct(trained)} of their incidents (${fmtCount(t.trained_handler_identified)} of ${fmtCount(t.trained_handler_incidents)}), against ${fmtPct(untrained)} for handlers without it (${fmtCount(t.untrained_handler_identified)} of ${fmtCount(t.untrained_handler_incidents)}).`;
	const caveat =
		' The comparison is descriptive, not a tested effect of training: trained and untrained handlers may take different calls, in different areas and at different times.';
	if (trained === null || untrained === null) {
		const missing = trained === null ? 'trained' : 'untrained';
		return {
			title: 'Identification by trained and untrained call handlers',
			summary: `No incidents in this view were handled by ${missing} handlers, so the two groups cannot be compared. ${groups}`
		};
	}
	// Compared as printed, so the title never contradicts the two percentages under it.
	const diff = tenths(trained) - tenths(untrained);
	if (diff === 0) {
		return {
			title: 'Trained and untrained call handlers identified stalking about equally often',
			summary: groups + caveat
		};
	}
	const points = `${(Math.abs(diff) / 10).toFixed(1)} percentage points`;
	return diff > 0
		? {
				title: 'Trained call handlers identified stalking more often than untrained ones',
				summary: `${groups} Trained handlers' rate is ${points} higher.${caveat}`
			}
		: {
				title: 'Untrained call handlers identified stalking more often than trained ones',
				summary: `${groups} Untrained handlers' rate is ${points} higher.${caveat}`
			};
}
