// Drawing an XmR chart: segments of constant limits and the marker each signalling point gets.
import type { SpcPoint } from './types';

export interface XmrSegment {
	/** Indexes into the points, inclusive. */
	start: number;
	end: number;
	centre: number;
	ucl: number;
	lcl: number;
}

/**
 * Runs of consecutive points sharing the same centre and limits (the metrics layer gives each point
 * its segment's limits). Points without limits belong to no segment: "not enough data yet".
 */
export function xmrSegments(points: SpcPoint[]): XmrSegment[] {
	const out: XmrSegment[] = [];
	for (let i = 0; i < points.length; i++) {
		const p = points[i];
		if (p.centre === null || p.ucl === null || p.lcl === null) continue;
		const last = out[out.length - 1];
		if (
			last &&
			last.end === i - 1 &&
			last.centre === p.centre &&
			last.ucl === p.ucl &&
			last.lcl === p.lcl
		) {
			last.end = i;
		} else {
			out.push({ start: i, end: i, centre: p.centre, ucl: p.ucl, lcl: p.lcl });
		}
	}
	return out;
}

export type MarkerKind = 'above' | 'below' | 'two_of_three' | 'shift' | 'trend';

/** Each marker has its own shape so a signal is never told by colour alone. */
export const MARKERS: Record<
	MarkerKind,
	{ shape: 'triangle-up' | 'triangle-down' | 'square' | 'diamond' | 'star'; label: string }
> = {
	above: { shape: 'triangle-up', label: 'above the upper limit' },
	below: { shape: 'triangle-down', label: 'below the lower limit' },
	two_of_three: { shape: 'star', label: 'two of three points near a limit' },
	shift: { shape: 'square', label: 'run of 7 or more on one side of the centre' },
	trend: { shape: 'diamond', label: 'run of 6 rising or falling' }
};

/** The one marker a point shows, strongest rule first; null when it does not signal. */
export function markerFor(point: SpcPoint): MarkerKind | null {
	const s = point.signals ?? [];
	if (s.includes('outside')) {
		if (point.value !== null && point.lcl !== null && point.value < point.lcl) return 'below';
		return 'above';
	}
	if (s.includes('two_of_three')) return 'two_of_three';
	if (s.includes('shift')) return 'shift';
	if (s.includes('trend')) return 'trend';
	return null;
}

/** Words for every signal a point carries, for tooltips and the table. */
export function signalWords(point: SpcPoint): string {
	const words: string[] = [];
	for (const s of point.signals ?? []) {
		if (s === 'outside') {
			words.push(
				point.value !== null && point.lcl !== null && point.value < point.lcl
					? MARKERS.below.label
					: MARKERS.above.label
			);
		} else if (s in MARKERS) {
			words.push(MARKERS[s as MarkerKind].label);
		}
	}
	return words.join('; ');
}

/** SVG path for a marker of about `size` px centred on 0,0. */
export function markerPath(shape: string, size = 10): string {
	const r = size / 2;
	switch (shape) {
		case 'triangle-up':
			return `M0,${-r * 1.2}L${r * 1.1},${r * 0.8}L${-r * 1.1},${r * 0.8}Z`;
		case 'triangle-down':
			return `M0,${r * 1.2}L${r * 1.1},${-r * 0.8}L${-r * 1.1},${-r * 0.8}Z`;
		case 'square':
			return `M${-r},${-r}H${r}V${r}H${-r}Z`;
		case 'diamond':
			return `M0,${-r * 1.3}L${r},0L0,${r * 1.3}L${-r},0Z`;
		case 'star': {
			let d = '';
			for (let i = 0; i < 10; i++) {
				const rad = i % 2 === 0 ? r * 1.3 : r * 0.55;
				const a = (Math.PI / 5) * i - Math.PI / 2;
				d += `${i === 0 ? 'M' : 'L'}${(rad * Math.cos(a)).toFixed(2)},${(rad * Math.sin(a)).toFixed(2)}`;
			}
			return d + 'Z';
		}
		default:
			return `M${r},0A${r},${r} 0 1,1 ${-r},0A${r},${r} 0 1,1 ${r},0Z`;
	}
}

/**
 * The explanation every XmR chart carries: the same four rules the metrics layer applies
 * (metrics.md "Significant change"), so a note never calls a signalled month ordinary.
 */
export const XMR_RULES =
	'Average and limits (XmR). A month is a significant change (special cause) when it is outside the limits; ' +
	'when it is one of a run of 7 or more months all above, or all below, the average; when it is one of a run of ' +
	'6 months each higher (or each lower) than the one before; or when it and another of 3 consecutive months are ' +
	'both more than two-thirds of the way from the average to the same limit. A month that meets none of these is ' +
	'ordinary variation. Limits come from the first 20 complete months after each dashed line, which restarts them; ' +
	'incomplete months are drawn hollow and never judged.';
