// The metrics layer: every figure of metrics.md, one function per endpoint, for pages, API and CLI.
export * from './types';
export { monthly, outcomes, ratio, PROVISIONAL_DAYS } from './crime';
export { parseFilters, areas, offenceGroups, latestMonthWithData, DEFAULT_MONTHS } from './filters';
export { monthName, monthRange, addMonths, monthEnd, fyLabel } from './months';
