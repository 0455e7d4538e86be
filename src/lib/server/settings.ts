// Dashboard settings kept in the `settings` table, with the spec's defaults; admins change them.
import { z } from 'zod';
import type { Db, Queryable } from './db';
import { audit } from './audit';
import { HttpError } from './http';
import { ORDER_TYPES } from './extracts/contract';
import { memo } from './metrics/cache';

const ROLE_NAMES = [
	'response_officer',
	'control_room',
	'neighbourhood_officer',
	'investigator',
	'other'
] as const;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
const day = z
	.string()
	.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as YYYY-MM-DD');

/** Every setting with its validation and its default (metrics.md and product.md). */
const schema = z.object({
	/** Workforce roles whose training coverage is measured (metrics.md "Training coverage"). */
	target_roles: z.array(z.enum(ROLE_NAMES)).min(1),
	/** The training.course value that means the stalking course. */
	training_course: z.string().min(1).max(128),
	/** Target coverage as a fraction and the date it should be reached by. */
	target_coverage: z.number().min(0).max(1),
	target_date: day,
	/** Months that start a new XmR segment (counting-rule change, training roll-out). */
	rebase_months: z.array(month),
	/** Published summaries: counts from 1 to threshold−1 are shown as `<threshold`. */
	suppression_threshold: z.number().int().min(1).max(100),
	/** Published summaries: a rate is withheld when its denominator is below this. */
	rate_min_denominator: z.number().int().min(0).max(1000),
	/** Published summaries: round unsuppressed counts to the nearest 5. */
	round_to_5: z.boolean(),
	/** Days after recording within which a risk assessment counts (metrics.md "Safeguarding"). */
	risk_assessment_days: z.number().int().min(0).max(30),
	/** The protective order types the order figures count. */
	order_types: z.array(z.enum(ORDER_TYPES)).min(1),
	/** A session ends this many hours after sign-in, however busy (ASVS 3.3). */
	session_lifetime_hours: z
		.number()
		.int()
		.min(1)
		.max(24 * 7),
	/** A session not used for this many minutes ends. */
	session_idle_minutes: z
		.number()
		.int()
		.min(5)
		.max(24 * 60)
});

export type Settings = z.infer<typeof schema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
	target_roles: ['response_officer', 'control_room'],
	training_course: 'stalking',
	target_coverage: 1,
	target_date: '2023-12-31',
	rebase_months: ['2020-04', '2023-01'],
	suppression_threshold: 5,
	rate_min_denominator: 10,
	round_to_5: false,
	risk_assessment_days: 2,
	order_types: ['spo', 'interim_spo'],
	session_lifetime_hours: 12,
	session_idle_minutes: 30
};

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

/** All settings: stored values over the defaults (a stored value that no longer validates is ignored). */
async function computeGetSettings(db: Queryable): Promise<Settings> {
	const rows = await db.all<{ key: string; value: string }>(
		'SELECT key, value::VARCHAR AS value FROM settings'
	);
	const out: Settings = structuredClone(DEFAULT_SETTINGS);
	for (const row of rows) {
		if (!(row.key in DEFAULT_SETTINGS)) continue;
		const key = row.key as SettingKey;
		const parsed = schema.shape[key].safeParse(JSON.parse(row.value));
		if (parsed.success) (out as Record<string, unknown>)[key] = parsed.data;
	}
	return out;
}

/** Kept until the data changes (cache.ts). */
export const getSettings = memo('getSettings', computeGetSettings);

/**
 * Change one setting, audited. Throws HttpError 400 naming the setting when the value is not
 * allowed, so an admin page or API can show it as it is.
 */
export async function setSetting<K extends SettingKey>(
	db: Db,
	key: K,
	value: Settings[K],
	actor: string,
	address: string | null = null
): Promise<void> {
	if (!(key in DEFAULT_SETTINGS)) {
		throw new HttpError(400, 'bad_setting', `Unknown setting "${String(key)}".`, [
			{ message: `settings are: ${SETTING_KEYS.join(', ')}` }
		]);
	}
	const parsed = schema.shape[key].safeParse(value);
	if (!parsed.success) {
		throw new HttpError(
			400,
			'bad_setting',
			`The setting ${key} was not changed: ${parsed.error.issues.map((i) => i.message).join('; ')}.`,
			parsed.error.issues.map((i) => ({ column: key, message: i.message }))
		);
	}
	await db.write(async (tx) => {
		const before = await tx.one<{ value: string }>(
			'SELECT value::VARCHAR AS value FROM settings WHERE key = $key',
			{ key }
		);
		await tx.run(
			`INSERT INTO settings (key, value, updated_at, updated_by)
			 VALUES ($key, $value::JSON, current_timestamp, $actor)
			 ON CONFLICT (key) DO UPDATE SET value = excluded.value,
			   updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			{ key, value: JSON.stringify(parsed.data), actor }
		);
		await audit(tx, {
			actor,
			action: 'settings_changed',
			target: key,
			address,
			details: {
				before: before ? JSON.parse(before.value) : DEFAULT_SETTINGS[key],
				after: parsed.data
			}
		});
	});
}

/** How long sessions last, in ms, from the settings: an absolute lifetime and an idle timeout. */
export async function sessionLimits(
	db: Queryable
): Promise<{ lifetimeMs: number; idleMs: number }> {
	const settings = await getSettings(db);
	return {
		lifetimeMs: settings.session_lifetime_hours * 60 * 60 * 1000,
		idleMs: settings.session_idle_minutes * 60 * 1000
	};
}

/** The offence groups (group -> codes), as stored in the offence_groups table (seeded by migration 2). */
async function computeGetOffenceGroups(
	db: Queryable
): Promise<{ name: string; codes: string[] }[]> {
	const rows = await db.all<{ name: string; codes: string[] }>(
		`SELECT group_name AS name, list(offence_code ORDER BY offence_code) AS codes
		 FROM offence_groups GROUP BY group_name ORDER BY group_name`
	);
	return rows.map((r) => ({ name: r.name, codes: [...r.codes] }));
}

/** Kept until the data changes (cache.ts). */
export const getOffenceGroups = memo('getOffenceGroups', computeGetOffenceGroups);

const groupName = z
	.string()
	.regex(/^[a-z][a-z0-9_]{0,62}$/, 'a group name of lower-case letters, digits and _');
const offenceCode = z.string().regex(/^\d{1,3}[A-Z]{0,2}$/, 'Home Office offence codes such as 8Q');

/** Create or replace an offence group (admins); an empty code list deletes it. Audited. */
export async function setOffenceGroup(
	db: Db,
	name: string,
	codes: string[],
	actor: string,
	address: string | null = null
): Promise<void> {
	const n = groupName.safeParse(name);
	const c = z.array(offenceCode).safeParse(codes.map((x) => x.trim().toUpperCase()));
	if (!n.success || !c.success) {
		const issues = [...(n.error?.issues ?? []), ...(c.error?.issues ?? [])];
		throw new HttpError(
			400,
			'bad_setting',
			`The offence group was not changed: ${issues.map((i) => i.message).join('; ')}.`,
			issues.map((i) => ({ column: 'offence_groups', message: i.message }))
		);
	}
	await db.write(async (tx) => {
		await tx.run('DELETE FROM offence_groups WHERE group_name = $name', { name: n.data });
		for (const code of new Set(c.data)) {
			await tx.run('INSERT INTO offence_groups VALUES ($name, $code)', { name: n.data, code });
		}
		await audit(tx, {
			actor,
			action: 'settings_changed',
			target: `offence_group:${n.data}`,
			address,
			details: { codes: [...new Set(c.data)] }
		});
	});
}

export interface OutcomeType {
	outcome_type: number;
	name: string;
	group: string;
}

/** Home Office outcome types 0–22 with the group each is reported under (seeded by migration 2). */
async function computeGetOutcomeTypes(db: Queryable): Promise<OutcomeType[]> {
	return db.all<OutcomeType>(
		'SELECT outcome_type, name, group_name AS "group" FROM outcome_types ORDER BY outcome_type'
	);
}

/** Kept until the data changes (cache.ts). */
export const getOutcomeTypes = memo('getOutcomeTypes', computeGetOutcomeTypes);

/** Move an outcome type to another group (admins). Audited. */
export async function setOutcomeGroup(
	db: Db,
	outcomeType: number,
	group: string,
	actor: string,
	address: string | null = null
): Promise<void> {
	const g = groupName.safeParse(group);
	const known = (await getOutcomeTypes(db)).find((t) => t.outcome_type === outcomeType);
	if (!g.success || !known) {
		throw new HttpError(
			400,
			'bad_setting',
			!known
				? `There is no Home Office outcome type ${outcomeType}; types are 0 to 22.`
				: `The outcome group was not changed: ${g.error!.issues.map((i) => i.message).join('; ')}.`,
			[{ column: 'outcome_types', message: !known ? 'unknown outcome type' : 'bad group name' }]
		);
	}
	await db.write(async (tx) => {
		await tx.run('UPDATE outcome_types SET group_name = $group WHERE outcome_type = $type', {
			group: g.data,
			type: outcomeType
		});
		await audit(tx, {
			actor,
			action: 'settings_changed',
			target: `outcome_type:${outcomeType}`,
			address,
			details: { before: known.group, after: g.data }
		});
	});
}
