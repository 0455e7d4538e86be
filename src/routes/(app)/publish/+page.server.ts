// Publish (publisher, admin): compose a summary, preview exactly what the public will see, publish
// it after confirming; revise or withdraw what is published. The API's functions, as forms.
import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { HttpError, type ErrorDetail } from '$lib/server/http';
import { datasetAsAt } from '$lib/server/metrics/as-at';
import {
	AREA_LEVELS,
	DEFAULT_SUPPORT_LINES,
	parsePeriodValue,
	parseSummaryRequest,
	parseSupportLines,
	periodOptions,
	SECTION_IDS,
	supportLinesText,
	type SummaryRequest
} from '$lib/server/publish/request';
import { SECTION_TITLES } from '$lib/server/publish/sections';
import { disclosureSettings } from '$lib/server/publish/compose';
import {
	createDraft,
	getDraft,
	listSummaries,
	parseSlug,
	publishDraft,
	requestOf,
	withdraw
} from '$lib/server/publish/store';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** What the compose form shows: a request's fields as the form holds them. */
interface FormValues {
	title: string;
	period: string;
	area_level: string;
	sections: string[];
	commentary: string;
	support_lines: string;
	revise: string;
	revision_note: string;
}

function valuesOf(req: SummaryRequest, revise = '', note = ''): FormValues {
	return {
		title: req.title,
		period: `${req.period.kind}:${req.period.to}`,
		area_level: req.area_level,
		sections: [...req.sections],
		commentary: req.commentary,
		support_lines: supportLinesText(req.support_lines),
		revise,
		revision_note: note
	};
}

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDb();
	const actor = { name: locals.user?.name ?? '' };
	const { complete_to, as_of } = await datasetAsAt(db);
	const periods = periodOptions(complete_to);
	let values: FormValues = {
		title: '',
		period: periods.quarter[0]?.value ?? '',
		area_level: 'force',
		sections: [...SECTION_IDS],
		commentary: '',
		support_lines: supportLinesText(DEFAULT_SUPPORT_LINES),
		revise: '',
		revision_note: ''
	};
	// ?revise=<slug>: start from what its latest version was composed from.
	const revise = parseSlug(url.searchParams.get('revise') ?? '');
	const summaries = await listSummaries(db, { withdrawn: true });
	const revising = revise ? summaries.find((s) => s.slug === revise && !s.withdrawal) : undefined;
	if (revising) {
		const req = await requestOf(db, revising.slug, revising.version);
		if (req) values = valuesOf(req, revising.slug);
	}
	// ?draft=<id>: the preview to check, then publish.
	const draftId = url.searchParams.get('draft');
	const draft = draftId ? await getDraft(db, draftId, actor) : null;
	if (draft) values = valuesOf(draft.request, draft.revises ?? '', draft.revision_note ?? '');
	return {
		periods,
		completeTo: complete_to,
		asOf: as_of,
		sectionChoices: SECTION_IDS.map((id) => ({ id, title: SECTION_TITLES[id] })),
		areaLevels: AREA_LEVELS,
		values,
		revising: revising
			? { slug: revising.slug, title: revising.title, version: revising.version }
			: draft?.revises
				? { slug: draft.revises, title: draft.body.title, version: draft.body.version - 1 }
				: null,
		draft: draft
			? {
					id: draft.id,
					title: draft.body.title,
					slug: draft.body.slug,
					version: draft.body.version
				}
			: null,
		disclosure: await disclosureSettings(db),
		summaries,
		published: url.searchParams.get('published'),
		withdrawn: url.searchParams.get('withdrawn')
	};
};

function actorOf(event: RequestEvent) {
	return { name: event.locals.user?.name ?? 'unknown', address: event.getClientAddress() };
}

/** HttpError details → the form's error summary, each linked to the field it is about. */
function formErrors(
	details: ErrorDetail[],
	message: string
): { field?: string; message: string }[] {
	if (details.length === 0) return [{ message }];
	return details.map((d) => {
		const parameter = typeof d.parameter === 'string' ? d.parameter : undefined;
		return {
			field: parameter ? fieldOf(parameter) : undefined,
			message: parameter ? `${labelOf(parameter)}: ${d.message}` : d.message
		};
	});
}

const FIELD_LABELS: Record<string, string> = {
	title: 'Title',
	period: 'Period',
	area_level: 'Areas',
	sections: 'Sections',
	commentary: 'Commentary',
	support_lines: 'Support lines',
	revision_note: 'What changed'
};

function fieldOf(parameter: string): string {
	const top = parameter.split('.')[0];
	return top === 'period' ? 'period' : top in FIELD_LABELS ? top : 'title';
}

function labelOf(parameter: string): string {
	return FIELD_LABELS[fieldOf(parameter)] ?? parameter;
}

export const actions: Actions = {
	preview: async (event) => {
		const form = await event.request.formData();
		const values: FormValues = {
			title: String(form.get('title') ?? ''),
			period: String(form.get('period') ?? ''),
			area_level: String(form.get('area_level') ?? 'force'),
			sections: form.getAll('sections').map(String),
			commentary: String(form.get('commentary') ?? ''),
			support_lines: String(form.get('support_lines') ?? ''),
			revise: String(form.get('revise') ?? ''),
			revision_note: String(form.get('revision_note') ?? '')
		};
		const db = await getDb();
		const { complete_to } = await datasetAsAt(db);
		const support = parseSupportLines(values.support_lines);
		const period = parsePeriodValue(values.period);
		const problems: ErrorDetail[] = [...support.problems];
		if (!period)
			problems.push({ parameter: 'period', message: 'choose the period the summary covers' });
		const revise = values.revise ? parseSlug(values.revise) : null;
		if (revise && values.revision_note.trim().length < 3) {
			problems.push({
				parameter: 'revision_note',
				message: 'say what this revision corrects (at least 3 characters)'
			});
		}
		if (problems.length) return fail(400, { values, errors: formErrors(problems, '') });
		try {
			const req = parseSummaryRequest(
				{
					title: values.title,
					period,
					area_level: values.area_level,
					sections: values.sections,
					commentary: values.commentary,
					support_lines: support.lines
				},
				complete_to
			);
			const draft = await createDraft(
				db,
				req,
				actorOf(event),
				revise ? { slug: revise, note: values.revision_note.trim() } : undefined
			);
			redirect(303, `/publish?draft=${draft.id}#check`);
		} catch (err) {
			if (err instanceof HttpError) {
				return fail(err.status, { values, errors: formErrors(err.details ?? [], err.message) });
			}
			throw err;
		}
	},
	publish: async (event) => {
		const form = await event.request.formData();
		const id = String(form.get('draft') ?? '');
		if (form.get('confirm') !== 'yes') {
			return fail(400, {
				publishErrors: [
					{
						field: 'confirm',
						message: 'Tick the box to confirm you have checked the preview and it may be published.'
					}
				]
			});
		}
		try {
			const done = await publishDraft(await getDb(), id, actorOf(event));
			redirect(303, `/publish?published=${encodeURIComponent(`${done.slug}:${done.version}`)}`);
		} catch (err) {
			if (err instanceof HttpError)
				return fail(err.status, { publishErrors: [{ message: err.message }] });
			throw err;
		}
	},
	withdraw: async (event) => {
		const form = await event.request.formData();
		const slug = parseSlug(String(form.get('slug') ?? ''));
		const reason = String(form.get('reason') ?? '');
		const field = `reason-${slug}`;
		if (!slug)
			return fail(404, {
				withdrawErrors: [{ message: 'There is no such summary.' }],
				withdrawSlug: ''
			});
		if (form.get('confirm') !== 'yes') {
			return fail(400, {
				withdrawSlug: slug,
				withdrawErrors: [
					{
						field: `confirm-${slug}`,
						message:
							'Tick the box to confirm the withdrawal: its pages will show a notice instead of the figures.'
					}
				]
			});
		}
		try {
			await withdraw(await getDb(), slug, reason, actorOf(event));
			redirect(303, `/publish?withdrawn=${encodeURIComponent(slug)}`);
		} catch (err) {
			if (err instanceof HttpError)
				return fail(err.status, {
					withdrawSlug: slug,
					withdrawErrors: [{ field, message: err.message }]
				});
			throw err;
		}
	}
};
