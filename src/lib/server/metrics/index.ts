// The metrics layer: every figure of metrics.md, one function per endpoint, for pages, API and CLI.
export * from './types';
export { monthly, outcomes, ratio, PROVISIONAL_DAYS } from './crime';
export { reporting } from './reporting';
export { identification } from './identification';
export { safeguarding, journey, HARASSMENT_TYPE_CODES } from './safeguarding';
export { training, parseRoles, WORKFORCE_ROLES } from './training';
export { spc, parseSpcMetric, SPC_LABELS } from './control';
export { xmr, limits, signals, segments, MIN_POINTS, BASELINE_MAX } from './spc';
export { describeSeries, describePoint } from './summary';
export { dataFreshness, type DataFreshness, type KindFreshness } from './freshness';
export { parseFilters, areas, offenceGroups, completeOnly, DEFAULT_MONTHS } from './filters';
export { datasetAsAt, type AsAt } from './as-at';
export {
	toCsv,
	csvCell,
	monthlyCsv,
	outcomesCsv,
	reportingCsv,
	identificationCsv,
	trainingCsv,
	spcCsv,
	safeguardingCsv,
	journeyCsv
} from './csv';
export { metricsResponse, jsonResponse, wantsCsv } from './endpoint';
export { monthName, monthRange, addMonths, monthEnd, fyLabel } from './months';
export { reportingWords, handlerWords, type Words } from './words';
