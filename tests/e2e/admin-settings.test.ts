// The admin Settings page over the real server: a change saved by form post shows on the page, in the
// audit log and in the database; a refused group names the field and changes nothing; other roles get
// 403; and in Chromium the page passes axe in light and dark, with and without JavaScript, at 320 px.
// Screenshots go to /tmp/shots-settings/ for people to look at.
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/wait';
import { openDb } from '../../src/lib/server/db';
import { DEFAULT_SETTINGS, getSettings } from '../../src/lib/server/settings';
import { formPost, get, PW, signIn, userWithRole } from './auth-http';

const SHOTS = '/tmp/shots-settings';

let server: TestServer;
let browser: Browser;
let ada = '';

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			for (const [name, role] of [
				['ada', 'admin'],
				['root', 'admin'],
				['vic', 'viewer'],
				['ann', 'analyst'],
				['pat', 'publisher']
			] as const) {
				await userWithRole(db, name, role);
			}
		}
	});
	ada = await signIn(server.url, 'ada');
	browser = await launchBrowser();
	fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** The disclosure form as the page sends it, with the defaults unless changed. */
const disclosure = (fields: Record<string, string> = {}) => ({
	suppression_threshold: '5',
	rate_min_denominator: '10',
	...fields
});
const training = (fields: Record<string, string> = {}) => ({
	target_roles: 'response_officer',
	training_course: 'stalking',
	target_coverage: '100',
	target_date: '2023-12-31',
	...fields
});

/** The settings_changed entries of the audit log, oldest first, through the admin CSV export. */
async function settingsAudit(): Promise<Record<string, string>[]> {
	const res = await get(server.url, '/admin/audit/export?action=settings_changed', {
		cookie: ada
	});
	expect(res.status).toBe(200);
	return Papa.parse<Record<string, string>>((await res.text()).trim(), { header: true }).data;
}

/** The value attribute of the input with this id in a page's HTML. */
function inputValue(html: string, id: string): string | undefined {
	const tag = html.match(new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`))?.[0];
	return tag?.match(/\bvalue="([^"]*)"/)?.[1];
}

/** The text of the error summary's link to the control with this id. */
function linkTo(html: string, id: string): string | undefined {
	return html.match(new RegExp(`<a href="#${id}"[^>]*>([^<]*)</a>`))?.[1];
}

async function page(cookie = ada): Promise<string> {
	const res = await get(server.url, '/admin/settings', { cookie, accept: 'text/html' });
	expect(res.status).toBe(200);
	return res.text();
}

describe('the Settings page over HTTP', () => {
	it('shows every setting with its saved value, grouped and labelled', async () => {
		const html = await page();
		for (const legend of [
			'Published summaries — disclosure control',
			'Training coverage',
			'Safeguarding',
			'Charts',
			'Sessions'
		]) {
			expect(html).toMatch(new RegExp(`<legend[^>]*><h2[^>]*>${legend}</h2></legend>`));
		}
		expect(html).toContain('Counts from 1 to threshold−1 are shown as &lt;threshold');
		expect(html).toContain('published summaries never change');
		expect(inputValue(html, 'suppression_threshold')).toBe('5');
		expect(inputValue(html, 'rate_min_denominator')).toBe('10');
		expect(inputValue(html, 'target_coverage')).toBe('100');
		expect(inputValue(html, 'target_date')).toBe('2023-12-31');
		expect(inputValue(html, 'rebase_months')).toBe('2020-04, 2023-01');
		expect(inputValue(html, 'session_lifetime_hours')).toBe('12');
		expect(inputValue(html, 'session_idle_minutes')).toBe('30');
		expect(inputValue(html, 'risk_assessment_days')).toBe('2');
		expect(html).toMatch(/id="order_types-spo"[^>]*checked/);
		expect(html).toMatch(/id="order_types-interim_spo"[^>]*checked/);
		expect(html).not.toMatch(/id="order_types-dvpo"[^>]*checked/);
		expect(html).toMatch(/id="target_roles-response_officer"[^>]*checked/);
		expect(html).not.toMatch(/id="target_roles-investigator"[^>]*checked/);
		expect(html).toMatch(/<label for="suppression_threshold"[^>]*>Suppression threshold<\/label>/);
		expect(html).toMatch(
			/id="suppression_threshold"[^>]*aria-describedby="suppression_threshold-hint"/
		);
		// The Admin index links here.
		const index = await get(server.url, '/admin', { cookie: ada, accept: 'text/html' });
		expect(await index.text()).toMatch(/<a href="(\.\.?)?\/admin\/settings"/);
	});

	it('saves a changed threshold, says what changed, and audits only that change', async () => {
		const res = await formPost(
			server.url,
			'/admin/settings?/disclosure',
			disclosure({ suppression_threshold: '10' }),
			ada
		);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Suppression threshold changed from 5 to 10.');
		expect(html).not.toContain('Smallest denominator for a rate changed');
		expect(inputValue(await page(), 'suppression_threshold')).toBe('10');

		const entries = await settingsAudit();
		expect(entries.map((e) => [e.actor, e.target, JSON.parse(e.details)])).toEqual([
			['ada', 'suppression_threshold', { before: 5, after: 10 }]
		]);
		expect(entries[0].address).toBeTruthy();
	});

	it('writes nothing when a group is saved as it is', async () => {
		const res = await formPost(
			server.url,
			'/admin/settings?/disclosure',
			disclosure({ suppression_threshold: '10' }),
			ada
		);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('Nothing changed in Published summaries');
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('refuses a threshold of 0 naming the field, shows what was sent, and changes nothing', async () => {
		// The denominator is valid and changed, but the group is refused whole.
		const res = await formPost(
			server.url,
			'/admin/settings?/disclosure',
			disclosure({ suppression_threshold: '0', rate_min_denominator: '20' }),
			ada
		);
		expect(res.status).toBe(400);
		const html = (await res.text()).replaceAll('&quot;', '"');
		expect(html).toContain('There is a problem');
		expect(linkTo(html, 'suppression_threshold')).toBe(
			'Suppression threshold must be a whole number from 1 to 100; "0" is not.'
		);
		expect(inputValue(html, 'suppression_threshold')).toBe('0');
		expect(inputValue(html, 'rate_min_denominator')).toBe('20');
		expect(html).toMatch(
			/id="suppression_threshold"[^>]*aria-describedby="suppression_threshold-hint suppression_threshold-error"[^>]*aria-invalid="true"/
		);
		expect(html).toMatch(
			/id="suppression_threshold-error"><span class="visually-hidden">Error:<\/span> Suppression threshold must/
		);

		const now = await page();
		expect(inputValue(now, 'suppression_threshold')).toBe('10');
		expect(inputValue(now, 'rate_min_denominator')).toBe('10');
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('refuses the month 2023-13 naming it and the field, and changes nothing', async () => {
		const res = await formPost(
			server.url,
			'/admin/settings?/charts',
			{ rebase_months: '2020-04, 2023-13' },
			ada
		);
		expect(res.status).toBe(400);
		const html = (await res.text()).replaceAll('&quot;', '"');
		expect(linkTo(html, 'rebase_months')).toBe(
			'Rebase months: "2023-13" is not a month; write each as YYYY-MM, such as 2023-01.'
		);
		expect(inputValue(html, 'rebase_months')).toBe('2020-04, 2023-13');
		expect(inputValue(await page(), 'rebase_months')).toBe('2020-04, 2023-01');
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('refuses a whole group when one field is wrong, though another changed validly', async () => {
		// One role instead of two is a valid change; 30 February is not a date.
		const res = await formPost(
			server.url,
			'/admin/settings?/training',
			training({ target_date: '2025-02-30' }),
			ada
		);
		expect(res.status).toBe(400);
		const html = (await res.text()).replaceAll('&quot;', '"');
		expect(linkTo(html, 'target_date')).toBe(
			'Target date must be a date written as YYYY-MM-DD, such as 2025-03-31; "2025-02-30" is not.'
		);
		expect(html).toMatch(/id="target_roles-response_officer"[^>]*checked/);
		expect(html).not.toMatch(/id="target_roles-control_room"[^>]*checked/);
		expect(await page()).toMatch(/id="target_roles-control_room"[^>]*checked/);
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('refuses a training group with no target role, linking to the first checkbox', async () => {
		const fields: Record<string, string> = training();
		delete fields.target_roles;
		const res = await formPost(server.url, '/admin/settings?/training', fields, ada);
		expect(res.status).toBe(400);
		expect(linkTo(await res.text(), 'target_roles-response_officer')).toBe(
			'Choose at least one of the target roles.'
		);
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('refuses a safeguarding group with 31 days and no order type, naming both, changing nothing', async () => {
		const res = await formPost(
			server.url,
			'/admin/settings?/safeguarding',
			{ risk_assessment_days: '31' },
			ada
		);
		expect(res.status).toBe(400);
		const html = (await res.text()).replaceAll('&quot;', '"');
		expect(linkTo(html, 'risk_assessment_days')).toBe(
			'Days to risk assessment must be a whole number from 0 to 30; "31" is not.'
		);
		expect(linkTo(html, 'order_types-spo')).toBe('Choose at least one of the order types counted.');
		expect(inputValue(await page(), 'risk_assessment_days')).toBe('2');
		expect(await settingsAudit()).toHaveLength(1);
	});

	it('saves the training, safeguarding, chart and session groups, each change in words and in the log', async () => {
		const saved = async (action: string, fields: Record<string, string>) => {
			const res = await formPost(server.url, `/admin/settings?/${action}`, fields, ada);
			expect(res.status, action).toBe(200);
			return res.text();
		};
		const t = await saved(
			'training',
			training({ target_coverage: '95', target_date: '2025-03-31', training_course: ' Stalking ' })
		);
		expect(t).toContain(
			'Target roles changed from Response officer and Control room to Response officer.'
		);
		expect(t).toContain('Training course changed from stalking to Stalking.');
		expect(t).toContain('Target coverage changed from 100% to 95%.');
		expect(t).toContain('Target date changed from 2023-12-31 to 2025-03-31.');

		const g = await saved('safeguarding', { risk_assessment_days: '3', order_types: 'spo' });
		expect(g).toContain('Days to risk assessment changed from 2 days to 3 days.');
		expect(g).toContain(
			'Order types counted changed from Stalking Protection Order and Interim Stalking Protection Order to Stalking Protection Order.'
		);

		const c = await saved('charts', { rebase_months: '2024-06 2020-04,2023-01  2024-06' });
		expect(c).toContain(
			'Rebase months changed from 2020-04, 2023-01 to 2020-04, 2023-01, 2024-06.'
		);

		const s = await saved('sessions', { session_lifetime_hours: '8', session_idle_minutes: '30' });
		expect(s).toContain('Session lifetime changed from 12 hours to 8 hours.');
		expect(s).not.toContain('Idle timeout changed');

		const d = await saved(
			'disclosure',
			disclosure({ suppression_threshold: '10', round_to_5: 'on' })
		);
		expect(d).toContain('Round counts to the nearest 5 changed from off to on.');

		expect((await settingsAudit()).map((e) => e.target)).toEqual([
			'suppression_threshold',
			'target_roles',
			'training_course',
			'target_coverage',
			'target_date',
			'risk_assessment_days',
			'order_types',
			'rebase_months',
			'session_lifetime_hours',
			'round_to_5'
		]);
		const now = await page();
		expect(inputValue(now, 'target_coverage')).toBe('95');
		expect(now).toMatch(/id="round_to_5"[^>]*checked/);
	});

	describe('for anyone but an admin', () => {
		it.each(['vic', 'ann', 'pat'])('refuses %s the page and every form with 403', async (name) => {
			const cookie = await signIn(server.url, name);
			const res = await get(server.url, '/admin/settings', { cookie, accept: 'text/html' });
			expect(res.status).toBe(403);
			expect(await res.text()).toContain('You cannot open this page');
			for (const [action, fields] of [
				['disclosure', disclosure({ suppression_threshold: '50' })],
				['training', training()],
				['safeguarding', { risk_assessment_days: '5', order_types: 'dvpo' }],
				['charts', { rebase_months: '' }],
				['sessions', { session_lifetime_hours: '1', session_idle_minutes: '5' }]
			] as const) {
				const post = await formPost(server.url, `/admin/settings?/${action}`, fields, cookie);
				expect(post.status, action).toBe(403);
				await post.arrayBuffer();
			}
			expect(await settingsAudit()).toHaveLength(10);
		});

		it('sends the signed-out to sign in', async () => {
			const res = await formPost(
				server.url,
				'/admin/settings?/disclosure',
				disclosure({ suppression_threshold: '50' })
			);
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toMatch(/^\/login/);
			expect(await settingsAudit()).toHaveLength(10);
		});
	});
});

async function axe(page: Page): Promise<string[]> {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

async function signedIn(options: Parameters<Browser['newContext']>[0] = {}) {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await page.goto(server.url + '/admin/settings');
	await page.getByLabel('User name').fill('root');
	await page.getByLabel('Password').fill(PW);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/admin\/settings$/);
	await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
	return { context, page };
}

/** Whether the whole of the element is on screen (where the admin is looking after a save). */
const onScreen = (page: Page, text: string) =>
	page.getByText(text).evaluate((el) => {
		const r = el.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	});

const sideways = (page: Page) =>
	page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the Settings page in a browser', () => {
	for (const colorScheme of ['light', 'dark'] as const) {
		it(`passes axe in the ${colorScheme} theme, before and after a refused save`, async () => {
			const { context, page } = await signedIn({ colorScheme });
			expect(await axe(page)).toEqual([]);
			await page.getByLabel('Suppression threshold').fill('0');
			await page.getByRole('button', { name: /to Published summaries/ }).click();
			await page.getByRole('alert').waitFor();
			// The summary takes focus once drawn; the field says what is wrong beside it.
			await eventually(() => page.evaluate(() => document.activeElement?.className)).toContain(
				'error-summary'
			);
			await expect
				.poll(() => page.getByLabel('Suppression threshold').getAttribute('aria-invalid'))
				.toBe('true');
			expect(await axe(page)).toEqual([]);
			await page.screenshot({ path: `${SHOTS}/refused-${colorScheme}.png`, fullPage: true });
			await context.close();
		});
	}

	it('saves a group through the enhanced form and keeps the new value in its box', async () => {
		const { context, page } = await signedIn();
		await page.getByLabel('Idle timeout (minutes)').fill('45');
		await page.getByRole('button', { name: /to Sessions/ }).click();
		const said = 'Idle timeout changed from 30 minutes to 45 minutes.';
		await page.getByText(said).waitFor();
		// The group is at the foot of the page; its answer is shown there, not out of sight at the top.
		await eventually(() => onScreen(page, said)).toBe(true);
		expect(await page.getByLabel('Idle timeout (minutes)').inputValue()).toBe('45');
		expect(await axe(page)).toEqual([]);
		await page.screenshot({ path: `${SHOTS}/saved-light.png` });
		await context.close();
	});

	it('saves a group without JavaScript', async () => {
		const { context, page } = await signedIn({ javaScriptEnabled: false });
		await page.getByLabel('Rebase months').fill('2020-04, 2023-01');
		await page.getByRole('button', { name: /to Charts/ }).click();
		const said = 'Rebase months changed from 2020-04, 2023-01, 2024-06 to 2020-04, 2023-01.';
		await page.getByText(said).waitFor();
		expect(new URL(page.url()).hash).toBe('#charts');
		expect(await onScreen(page, said)).toBe(true);
		await page.getByRole('checkbox', { name: 'Investigator' }).check();
		await page.getByLabel('Target coverage (%)').fill('abc');
		await page.getByRole('button', { name: /to Training coverage/ }).click();
		await page.getByRole('link', { name: /Target coverage must be a percentage/ }).waitFor();
		// What was sent is shown again, the ticked box too.
		expect(await page.getByRole('checkbox', { name: 'Investigator' }).isChecked()).toBe(true);
		await context.close();
	});

	it('fits 1280 px and 320 px without sideways scrolling', async () => {
		for (const width of [1280, 320]) {
			for (const colorScheme of ['light', 'dark'] as const) {
				const { context, page } = await signedIn({ viewport: { width, height: 900 }, colorScheme });
				expect(await sideways(page), `${width} px`).toBeLessThanOrEqual(0);
				await page.screenshot({
					path: path.join(SHOTS, `settings-${width}-${colorScheme}.png`),
					fullPage: true
				});
				await context.close();
			}
		}
	});
});

describe('the database after the server stops', () => {
	it('holds the saved settings and the audit rows with who and from where', async () => {
		await server.kill('SIGTERM');
		const db = await openDb(server.dbPath, { dataDir: server.dataDir });
		try {
			const settings = await getSettings(db);
			expect(settings).toEqual({
				...DEFAULT_SETTINGS,
				suppression_threshold: 10,
				round_to_5: true,
				target_roles: ['response_officer'],
				training_course: 'Stalking',
				target_coverage: 0.95,
				target_date: '2025-03-31',
				risk_assessment_days: 3,
				order_types: ['spo'],
				rebase_months: ['2020-04', '2023-01'],
				session_lifetime_hours: 8,
				session_idle_minutes: 45
			});
			const rows = await db.all<{ actor: string; target: string; address: string | null }>(
				`SELECT actor, target, address FROM audit_log WHERE action = 'settings_changed' ORDER BY id`
			);
			expect(rows.map((r) => r.actor)).toEqual([...Array(10).fill('ada'), 'root', 'root']);
			expect(rows.every((r) => r.address)).toBe(true);
		} finally {
			await db.close();
		}
	});
});
