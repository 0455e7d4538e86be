// The XmR chart of a monthly crime series from the database (spc.ts does the arithmetic).
import type { Queryable } from '../db';
import { HttpError } from '../http';
import { getSettings } from '../settings';
import { monthly } from './crime';
import { xmr } from './spc';
import { describeSeries } from './summary';
import { SPC_METRICS, type Filters, type SpcMetric, type SpcResult } from './types';
import { memo } from './cache';

export const SPC_LABELS: Record<SpcMetric, string> = {
	recorded: 'Crimes recorded',
	arrests: 'Arrests',
	charges: 'Charges'
};

/** Read the `metric` parameter (default `recorded`). */
export function parseSpcMetric(raw: string | null): SpcMetric {
	const v = (raw ?? 'recorded').trim().toLowerCase();
	if ((SPC_METRICS as readonly string[]).includes(v)) return v as SpcMetric;
	throw new HttpError(
		400,
		'bad_parameter',
		`Bad query parameter metric: "${raw}" is not a series with a control chart; use one of ${SPC_METRICS.join(', ')}.`,
		[{ parameter: 'metric', value: String(raw), message: `use ${SPC_METRICS.join(', ')}` }]
	);
}

/** GET /api/v1/metrics/spc: the monthly series with limits per segment and signals, and a sentence. */
async function computeSpc(db: Queryable, f: Filters, metric: SpcMetric): Promise<SpcResult> {
	const [{ months }, settings] = await Promise.all([monthly(db, f), getSettings(db)]);
	const points = xmr(
		months.map((m) => ({ month: m.month, value: m[metric], incomplete: m.incomplete })),
		settings.rebase_months
	);
	return { filters: f, metric, points, summary: describeSeries(SPC_LABELS[metric], points) };
}

/** Kept until the data changes (cache.ts). */
export const spc = memo('spc', computeSpc);
