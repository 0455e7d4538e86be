// Admin: the dashboard settings, one form per group. Each changed value is one setSetting call
// (validated and audited there); a group is checked whole before any of it is written.
import { getDb } from '$lib/server/db';
import { AuthError } from '$lib/server/auth';
import { HttpError } from '$lib/server/http';
import { WORKFORCE_ROLES } from '$lib/server/metrics';
import { ORDER_TYPES } from '$lib/server/extracts/contract';
import {
	SETTING_KEYS,
	getSettings,
	setSetting,
	type SettingKey,
	type Settings
} from '$lib/server/settings';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { adminAttempt } from '../attempt';

type Kind = 'whole' | 'check' | 'choices' | 'text' | 'percent' | 'date' | 'months';

/** One setting as the page shows it. Limits repeat settings.ts's schema, which setSetting still applies. */
interface Field {
	key: SettingKey;
	/** The setting's name, as labels and "changed from … to …" say it. */
	name: string;
	/** Said after a number ("12 hours"); in the label in brackets. */
	unit?: string;
	hint: string;
	kind: Kind;
	min?: number;
	max?: number;
	/** A checkbox list's options, and what one of them is called ("workforce role"). */
	options?: { value: string; label: string }[];
	option?: string;
}

interface Group {
	/** The form action (`?/disclosure`) and the prefix of the group's ids. */
	action: string;
	legend: string;
	/** Said under the legend, before the fields. */
	note?: string;
	fields: Field[];
}

const roleLabel = (r: string) => r.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** How the court and the force name each order type (extracts.md protective_orders). */
const ORDER_TYPE_LABELS: Record<(typeof ORDER_TYPES)[number], string> = {
	spo: 'Stalking Protection Order',
	interim_spo: 'Interim Stalking Protection Order',
	dapo: 'Domestic Abuse Protection Order',
	dvpo: 'Domestic Violence Protection Order',
	restraining_order: 'Restraining order',
	other: 'Other'
};

const GROUPS: Group[] = [
	{
		action: 'disclosure',
		legend: 'Published summaries — disclosure control',
		note: 'Changes apply to summaries published from now on; published summaries never change.',
		fields: [
			{
				key: 'suppression_threshold',
				name: 'Suppression threshold',
				kind: 'whole',
				min: 1,
				max: 100,
				hint: 'Counts from 1 to threshold−1 are shown as <threshold (at 5, counts of 1 to 4 are shown as <5). A whole number from 1 to 100.'
			},
			{
				key: 'rate_min_denominator',
				name: 'Smallest denominator for a rate',
				kind: 'whole',
				min: 0,
				max: 1000,
				hint: 'A rate is withheld when the count it is out of is below this. A whole number from 0 to 1,000.'
			},
			{
				key: 'round_to_5',
				name: 'Round counts to the nearest 5',
				kind: 'check',
				hint: 'Counts that are not suppressed are published rounded to the nearest 5, and rates are worked out from the rounded counts.'
			}
		]
	},
	{
		action: 'training',
		legend: 'Training coverage',
		fields: [
			{
				key: 'target_roles',
				name: 'Target roles',
				kind: 'choices',
				options: WORKFORCE_ROLES.map((r) => ({ value: r, label: roleLabel(r) })),
				option: 'workforce role',
				hint: 'The workforce roles whose training coverage is measured. Choose at least one.'
			},
			{
				key: 'training_course',
				name: 'Training course',
				kind: 'text',
				max: 128,
				hint: "The stalking course as the training extract's course column names it; capitals and extra spaces do not matter."
			},
			{
				key: 'target_coverage',
				name: 'Target coverage',
				unit: '%',
				kind: 'percent',
				min: 0,
				max: 100,
				hint: 'The share of staff in the target roles who should have completed the course, from 0 to 100.'
			},
			{
				key: 'target_date',
				name: 'Target date',
				kind: 'date',
				hint: 'The date the target coverage should be reached by, as YYYY-MM-DD, such as 2025-03-31.'
			}
		]
	},
	{
		action: 'safeguarding',
		legend: 'Safeguarding',
		fields: [
			{
				key: 'risk_assessment_days',
				name: 'Days to risk assessment',
				unit: 'days',
				kind: 'whole',
				min: 0,
				max: 30,
				hint: 'A crime counts as risk assessed when an assessment was completed by this many days after it was recorded (an assessment at the first call, before the crime was recorded, counts too). A whole number from 0 to 30.'
			},
			{
				key: 'order_types',
				name: 'Order types counted',
				kind: 'choices',
				options: ORDER_TYPES.map((t) => ({ value: t, label: ORDER_TYPE_LABELS[t] })),
				option: 'order type',
				hint: 'The protective orders the order figures count: applications, outcomes, orders in force and breaches. Choose at least one.'
			}
		]
	},
	{
		action: 'charts',
		legend: 'Charts',
		fields: [
			{
				key: 'rebase_months',
				name: 'Rebase months',
				kind: 'months',
				hint: 'Months where the control charts start a new baseline (a counting-rule change, the start of training), as YYYY-MM, separated by commas or spaces. Leave empty for one baseline.'
			}
		]
	},
	{
		action: 'sessions',
		legend: 'Sessions',
		note: 'Changes apply to every session at its next request, including sessions already open.',
		fields: [
			{
				key: 'session_lifetime_hours',
				name: 'Session lifetime',
				unit: 'hours',
				kind: 'whole',
				min: 1,
				max: 168,
				hint: 'A session ends this many hours after sign-in, however busy. A whole number from 1 to 168 (a week).'
			},
			{
				key: 'session_idle_minutes',
				name: 'Idle timeout',
				unit: 'minutes',
				kind: 'whole',
				min: 5,
				max: 1440,
				hint: 'A session not used for this many minutes ends. A whole number from 5 to 1,440 (a day).'
			}
		]
	}
];

// Every setting has its place on the page: a new one in settings.ts stops the server here.
const placed = GROUPS.flatMap((g) => g.fields.map((f) => f.key));
const unplaced = SETTING_KEYS.filter((k) => !placed.includes(k));
if (unplaced.length) throw new Error(`Settings missing from the admin page: ${unplaced}`);

/** What a form control shows: text for boxes, a flag for a checkbox, the ticked choices. */
type Shown = string | boolean | string[];

/** A setting's value as its control shows it. */
function shown(field: Field, value: Settings[SettingKey]): Shown {
	switch (field.kind) {
		case 'check':
			return value === true;
		case 'choices':
			return [...(value as string[])];
		case 'percent':
			// Two decimal places: what the box shows is what saving it again stores.
			return String(Math.round((value as number) * 1e4) / 100);
		case 'months':
			return (value as string[]).join(', ');
		default:
			return String(value);
	}
}

/** The same value read back from a submitted form, to show again when the group is refused. */
function submitted(field: Field, form: FormData): Shown {
	if (field.kind === 'check') return form.has(field.key);
	if (field.kind === 'choices') return form.getAll(field.key).map(String);
	return String(form.get(field.key) ?? '');
}

/** The id of the control an error links to (a checkbox list: its first box). */
function controlId(field: Field): string {
	return field.kind === 'choices' ? `${field.key}-${field.options![0].value}` : field.key;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function realDate(s: string): boolean {
	const d = new Date(s + 'T00:00:00Z');
	return DAY.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const article = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** Read one field from the form: the value to store, or what is wrong with it in the admin's words. */
function read(field: Field, form: FormData): { value: Settings[SettingKey] } | { problem: string } {
	const { name, min = 0, max = Infinity } = field;
	if (field.kind === 'check') return { value: form.has(field.key) };
	if (field.kind === 'choices') {
		const ticked = form.getAll(field.key).map(String);
		const known = field.options!.map((o) => o.value);
		const bad = ticked.find((r) => !known.includes(r));
		if (bad !== undefined)
			return { problem: `${name}: "${bad}" is not ${article(field.option!)}.` };
		if (!ticked.length) return { problem: `Choose at least one of the ${name.toLowerCase()}.` };
		// In the options' order, so the same choice is always stored the same way.
		return { value: known.filter((r) => ticked.includes(r)) as Settings[SettingKey] };
	}
	const raw = form.get(field.key);
	if (typeof raw !== 'string') {
		return {
			problem: `The form did not send the ${name.toLowerCase()}: reload the page and try again.`
		};
	}
	const text = raw.trim();
	const size = `${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}`;
	switch (field.kind) {
		case 'whole': {
			if (!text)
				return { problem: `Enter the ${name.toLowerCase()}, a whole number from ${size}.` };
			const n = Number(text);
			if (!/^-?\d+$/.test(text) || n < min || n > max) {
				return { problem: `${name} must be a whole number from ${size}; "${text}" is not.` };
			}
			return { value: n };
		}
		case 'percent': {
			if (!text)
				return { problem: `Enter the ${name.toLowerCase()} as a percentage from ${size}.` };
			const digits = text.replace(/\s*%$/, '');
			const n = Number(digits);
			if (!/^\d+(\.\d+)?$/.test(digits) || n < min || n > max) {
				return { problem: `${name} must be a percentage from ${size}; "${text}" is not.` };
			}
			return { value: Math.round(n * 100) / 1e4 };
		}
		case 'text':
			if (!text) return { problem: `Enter the ${name.toLowerCase()}.` };
			if (text.length > max) return { problem: `${name} must be ${max} characters or fewer.` };
			return { value: text };
		case 'date':
			if (!realDate(text)) {
				return {
					problem: `${name} must be a date written as YYYY-MM-DD, such as 2025-03-31${text ? `; "${text}" is not` : ''}.`
				};
			}
			return { value: text };
		case 'months': {
			const months = text.split(/[\s,]+/).filter(Boolean);
			const bad = months.filter((m) => !MONTH.test(m));
			if (bad.length) {
				const list = bad.map((m) => `"${m}"`).join(', ');
				return {
					problem: `${name}: ${list} ${bad.length > 1 ? 'are not months' : 'is not a month'}; write each as YYYY-MM, such as 2023-01.`
				};
			}
			return { value: [...new Set(months)].sort() };
		}
	}
}

/** Whether two values of a field read the same on the page (a percentage to two places, choices in any order). */
function same(field: Field, a: Settings[SettingKey], b: Settings[SettingKey]): boolean {
	const norm = (v: Settings[SettingKey]) => {
		const s = shown(field, v);
		return Array.isArray(s) ? [...s].sort().join(',') : s;
	};
	return norm(a) === norm(b);
}

/** A value in a sentence: "5", "12 hours", "95%", "on", "Response officer and Control room", "none". */
function say(field: Field, value: Settings[SettingKey]): string {
	const s = shown(field, value);
	if (field.kind === 'check') return s ? 'on' : 'off';
	if (field.kind === 'choices') {
		const labels = (s as string[]).map(
			(r) => field.options!.find((o) => o.value === r)?.label ?? r
		);
		return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : labels[0];
	}
	if (field.kind === 'months') return (s as string) || 'none';
	if (field.kind === 'percent') return `${s}%`;
	return field.unit ? `${s} ${field.unit}` : String(s);
}

interface Problem {
	/** The id of the control, for the error summary's link. */
	field: string;
	/** The setting, for the message beside its control. */
	key: SettingKey;
	message: string;
}

/** A group refused: every problem with it, and nothing written. */
class GroupRefused extends AuthError {
	constructor(readonly problems: Problem[]) {
		super(problems.map((p) => p.message).join(' '), problems[0]?.field, 400);
	}
}

export const load: PageServerLoad = async ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const settings = await getSettings(await getDb());
	const values = Object.fromEntries(
		GROUPS.flatMap((g) => g.fields).map((f) => [f.key, shown(f, settings[f.key])])
	) as Record<SettingKey, Shown>;
	return { groups: GROUPS, values };
};

/** Save one group: read every field, refuse the lot if any is wrong, else write the changed ones. */
function save(event: RequestEvent, group: Group) {
	return adminAttempt(
		event,
		group.action,
		'change settings',
		async ({ actor, address, form }) => {
			const db = await getDb();
			const before = await getSettings(db);
			const problems: Problem[] = [];
			const changes: { field: Field; value: Settings[SettingKey] }[] = [];
			for (const field of group.fields) {
				const got = read(field, form);
				if ('problem' in got) {
					problems.push({ field: controlId(field), key: field.key, message: got.problem });
				} else if (!same(field, before[field.key], got.value)) {
					changes.push({ field, value: got.value });
				}
			}
			if (problems.length) throw new GroupRefused(problems);

			const done: string[] = [];
			for (const { field, value } of changes) {
				try {
					await setSetting(db, field.key, value, actor, address);
				} catch (err) {
					// settings.ts has the last word; its limits and this page's should never disagree.
					if (!(err instanceof HttpError)) throw err;
					const saved = done.length ? ` Saved before that: ${done.join(' ')}` : '';
					throw new GroupRefused([
						{ field: controlId(field), key: field.key, message: err.message + saved }
					]);
				}
				done.push(
					`${field.name} changed from ${say(field, before[field.key])} to ${say(field, value)}.`
				);
			}
			if (!done.length)
				done.push(`Nothing changed in ${group.legend}: the values were already saved.`);
			return { action: group.action, done };
		},
		(err, form) => ({
			action: group.action,
			values: Object.fromEntries(group.fields.map((f) => [f.key, submitted(f, form)])),
			errors:
				err instanceof GroupRefused ? err.problems : [{ field: err.field, message: err.message }]
		})
	);
}

const group = (action: string) => GROUPS.find((g) => g.action === action)!;

export const actions: Actions = {
	disclosure: (event) => save(event, group('disclosure')),
	training: (event) => save(event, group('training')),
	safeguarding: (event) => save(event, group('safeguarding')),
	charts: (event) => save(event, group('charts')),
	sessions: (event) => save(event, group('sessions'))
};
