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
