// Plain-English sentences about a series; a change is called significant only with an XmR signal.
import { monthName } from './months';
import type { SpcPoint } from './types';

const count = (n: number) => n.toLocaleString('en-GB');

/** The judgement on one point against its limits, or null when it is within the usual range. */
function judge(p: SpcPoint, previous: SpcPoint | undefined): string | null {
	if (p.centre === null || p.ucl === null || p.lcl === null) return null;
	if (p.signals.includes('outside')) {
		return p.value > p.ucl
			? 'is above the usual range (a significant change)'
			: 'is below the usual range (a significant change)';
	}
	if (p.signals.includes('shift')) {
		return p.value > p.centre
			? 'continues a run of months above the average long enough to be a significant shift'
			: 'continues a run of months below the average long enough to be a significant shift';
	}
	if (p.signals.includes('trend')) {
		return previous && p.value < previous.value
			? 'continues a fall over 6 or more months in a row (a significant trend)'
			: 'continues a rise over 6 or more months in a row (a significant trend)';
	}
	if (p.signals.includes('two_of_three')) {
		return p.value > p.centre
			? 'is near the top of the usual range for the second time in three months (an early sign of a significant change)'
			: 'is near the bottom of the usual range for the second time in three months (an early sign of a significant change)';
	}
	return null;
}

/**
 * "Charges in the 12 months to March 2025: 198, up 41% on the 12 months before; March 2025 is
 * above the usual range (a significant change)." `label` starts the sentence ("Charges").
 * The percentage is stated as a plain difference; only the XmR judgement of the latest month may
 * say "significant", and only when that month has a signal. Incomplete months (metrics.md) are in
 * neither the totals nor the judgement; the sentence says they were left out.
 */
export function describeSeries(label: string, all: SpcPoint[]): string {
	const points = all.filter((p) => !p.incomplete);
	const left = all.filter((p) => p.incomplete);
	const leftOut =
		left.length === 0
			? ''
			: ` ${left.length === 1 ? `${monthName(left[0].month)} is an incomplete month` : `${monthName(left[0].month)} to ${monthName(left[left.length - 1].month)} are incomplete months`} and ${left.length === 1 ? 'is' : 'are'} left out of these figures.`;
	const n = points.length;
	if (n === 0) return `${label}: no complete months in this period.${leftOut}`;
	const last = points[n - 1];
	const span = Math.min(12, n);
	const current = points.slice(n - span).reduce((s, p) => s + p.value, 0);
	const months = span === 12 ? 'the 12 months' : span === 1 ? 'the month' : `the ${span} months`;
	let text = `${label} in ${months} to ${monthName(last.month)}: ${count(current)}`;
	if (n >= 24) {
		const before = points.slice(n - 24, n - 12).reduce((s, p) => s + p.value, 0);
		if (before === 0)
			text +=
				current === 0
					? ', none in the 12 months before either'
					: ', up from none in the 12 months before';
		else {
			const pct = Math.round(((current - before) / before) * 100);
			text +=
				pct === 0
					? ', about the same as the 12 months before'
					: `, ${pct > 0 ? 'up' : 'down'} ${Math.abs(pct)}% on the 12 months before`;
		}
	}
	const verdict = judge(last, points[n - 2]);
	if (last.centre === null) {
		text += `; there is not enough data yet (12 months since the last break in the series) to say whether ${monthName(last.month)} is unusual`;
	} else if (verdict) {
		text += `; ${monthName(last.month)} ${verdict}`;
	} else {
		text += `; ${monthName(last.month)} is within the usual range (no significant change)`;
	}
	return `${text}.${leftOut}`;
}

/** "Charges in March 2024 were above the usual range (special cause)." for one point. */
export function describePoint(label: string, point: SpcPoint, previous?: SpcPoint): string {
	const when = monthName(point.month);
	if (point.incomplete)
		return `${label} in ${when} (${count(point.value)}, incomplete month): not judged until the month is complete.`;
	if (point.centre === null)
		return `${label} in ${when}: ${count(point.value)}; not enough data yet to judge.`;
	if (point.signals.includes('outside')) {
		const side = point.value > (point.ucl ?? Infinity) ? 'above' : 'below';
		return `${label} in ${when} were ${side} the usual range (special cause): ${count(point.value)}.`;
	}
	const verdict = judge(point, previous);
	if (verdict) return `${label} in ${when} (${count(point.value)}): the month ${verdict}.`;
	return `${label} in ${when} (${count(point.value)}) were within the usual range (common cause).`;
}

/**
 * "The risk assessment rate in March 2025: 72.3% (the period's months from 61.0% to 75.2%); March
 * 2025 is within the usual range (no significant change)." For a rate series, where summing the
 * months means nothing; `fmt` prints a value as the page does.
 */
export function describeRate(label: string, all: SpcPoint[], fmt: (v: number) => string): string {
	const points = all.filter((p) => !p.incomplete);
	const n = points.length;
	if (n === 0) return `${label}: no complete months in this period.`;
	const last = points[n - 1];
	const values = points.map((p) => p.value);
	const range =
		n > 1
			? ` (the period's months from ${fmt(Math.min(...values))} to ${fmt(Math.max(...values))})`
			: '';
	let text = `${label} in ${monthName(last.month)}: ${fmt(last.value)}${range}`;
	const verdict = judge(last, points[n - 2]);
	if (last.centre === null) {
		text += `; there is not enough data yet (12 months since the last break in the series) to say whether ${monthName(last.month)} is unusual`;
	} else if (verdict) {
		text += `; ${monthName(last.month)} ${verdict}`;
	} else {
		text += `; ${monthName(last.month)} is within the usual range (no significant change)`;
	}
	return `${text}.`;
}
