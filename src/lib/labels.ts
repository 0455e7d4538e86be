// Names for the data's codes, shared by the dashboard (browser) and the server's declarations.

/** Plain names for the workforce roles (extracts.md `role`). */
export const ROLE_LABELS: Record<string, string> = {
	response_officer: 'Response officers',
	control_room: 'Control-room staff',
	neighbourhood_officer: 'Neighbourhood officers',
	investigator: 'Investigators',
	other: 'Other staff'
};

export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role.replace(/_/g, ' ');

/** Staff with no area are counted under `unknown` (metrics/training.ts). */
export const areaLabel = (area: string) => (area === 'unknown' ? 'Area not recorded' : area);

/** Protective order types (extracts.md `order_type`): only the abbreviations are capitals. */
export const ORDER_TYPE_LABELS: Record<string, string> = {
	spo: 'SPO',
	interim_spo: 'interim SPO',
	dapo: 'DAPO',
	dvpo: 'DVPO',
	restraining_order: 'restraining order',
	other: 'other orders'
};

/** "SPO and interim SPO". */
export function orderTypesLabel(types: string[]): string {
	const names = types.map((t) => ORDER_TYPE_LABELS[t] ?? t.replace(/_/g, ' '));
	return names.length <= 1
		? (names[0] ?? '')
		: `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
