// The order a month's extracts are loaded in, one list for the Extracts page (in the browser), the
// command line's folder load and the sample: reference data first, then what refers to it (staff
// before their training, incidents before the crimes that came from them, crimes before their
// arrests, outcomes, assessments and orders), so each file's cross-checks see the rows it points at.
export const LOAD_ORDER = [
	'population',
	'prevalence',
	'workforce',
	'training',
	'incidents',
	'crimes',
	'arrests',
	'outcomes',
	'risk_assessments',
	'protective_orders'
] as const;
