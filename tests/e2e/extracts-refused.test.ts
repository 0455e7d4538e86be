// Issue 12 item 5 in headless Chromium over the real server: an analyst uploads a file with 120
// problems of two rules (counted by hand below), reads the summary by rule, pages through the stored
// report, filters it by a rule, downloads every problem as CSV, and the dataset and the Overview are
// as they were. A 10,000-problem file keeps one page in the DOM; a personal-data refusal says how to
// fix the column; a viewer gets 403; axe in light and dark. Screenshots go to /tmp/shots-refused/.
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { loadExtract } from '../../src/lib/server/extracts';

const PW = 'a long analyst passphrase 42';
const SHOTS = '/tmp/shots-refused';
const HEADER = 'crime_ref,recorded_date,offence_code,area,domestic_abuse';
const FLAG = 'is not a Y/N flag: use Y, N, Yes, No, TRUE, FALSE, 1 or 0';

// 120 rows, 120 problems: rows 1-100 (lines 2-101) have recorded_date month 13; rows 101-120
// (lines 102-121) have domestic_abuse "maybe". Two rules: 100 and 20 rows.
const BAD = [
	HEADER,
	...Array.from({ length: 120 }, (_, i) =>
		i < 100 ? `BAD-${i + 1},2024-13-01,8Q,North,Y` : `BAD-${i + 1},2024-01-05,8Q,North,maybe`
	)
].join('\n');

// 10,000 rows, each with recorded_date month 13: 10,000 problems of one rule.
const MANY = [
	HEADER,
	...Array.from({ length: 10_000 }, (_, i) => `M-${i + 1},2024-13-01,8Q,North,Y`)
].join('\n');

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({
		setup: async (db, dataDir) => {
			await createUser(db, { name: 'anna', roles: 'analyst', password: PW, actor: 'test' });
			await createUser(db, { name: 'vic', roles: 'viewer', password: PW, actor: 'test' });
			// The current data: crimes-valid.csv's 3 crimes.
			const out = await loadExtract(
				db,
				{
					path: path.resolve(import.meta.dirname, '../fixtures/extracts/crimes-valid.csv'),
					fileName: 'crimes-valid.csv'
				},
				{ user: 'test', config: readConfig({ DATA_DIR: dataDir, SAMPLE_DATA: 'off' }) }
			);
			if (!out.ok) throw new Error(out.error.message);
		}
	});
	browser = await launchBrowser();
	fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signedIn(name = 'anna', options: BrowserContextOptions = {}) {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await page.goto(server.url + '/login');
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(PW);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => u.pathname !== '/login');
	return { context, page };
}

async function axe(page: Page): Promise<string[]> {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

const text = async (l: Locator) => (await l.textContent())?.replace(/\s+/g, ' ').trim() ?? '';

function tableRows(scope: Page | Locator, caption: RegExp): Promise<string[][]> {
	// A `has` locator is relative to the element it filters, so it is built from the page.
	const page = 'page' in scope && typeof scope.page === 'function' ? scope.page() : (scope as Page);
	return scope
		.locator('table', { has: page.locator('caption', { hasText: caption }) })
		.locator('tbody tr')
		.evaluateAll((rows) =>
			rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? ''))
		);
}

const card = (page: Page, fileName: string): Locator =>
	page.locator('li.file', {
		has: page.getByRole('heading', { name: new RegExp(`^${fileName.replace(/\./g, '\\.')} `) })
	});

/** Choose one file on the Extracts page, upload it, and wait for its refusal. */
async function uploadRefused(page: Page, name: string, body: string): Promise<Locator> {
	await page.goto(server.url + '/extracts');
	await page
		.getByLabel('CSV files')
		.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(body) });
	const c = card(page, name);
	await c.locator('.status-line').waitFor();
	await page.getByRole('button', { name: 'Upload 1 file' }).click();
	await c.getByText('Nothing was changed:').waitFor({ timeout: 60_000 });
	return c;
}

/** Current dataset rows by kind label, from the Extracts page's table. */
async function datasetRows(page: Page): Promise<Record<string, string>> {
	await page.goto(server.url + '/extracts');
	const rows = await tableRows(page, /current dataset/);
	return Object.fromEntries(rows.map((r) => [r[0], r[1]]));
}

/** Every headline figure of the Overview, by its card's heading. */
async function overview(page: Page): Promise<Record<string, string>> {
	await page.goto(server.url + '/overview');
	const cards = page.locator('article.card', { has: page.getByTestId('headline-value') });
	const out: Record<string, string> = {};
	for (const c of await cards.all()) {
		out[await text(c.getByRole('heading').first())] = await text(c.getByTestId('headline-value'));
	}
	return out;
}

/** The caption of the report's table of problems (a card also has its preview's table). */
const caption = (scope: Page | Locator) =>
	text(scope.locator('caption', { hasText: /^\s*Problems / }));

describe('A refused upload’s report', () => {
	it('is grouped by rule, paged, filtered by a rule and downloadable, and changes nothing', async () => {
		const { context, page } = await signedIn();
		const figures = await overview(page);
		expect(Object.keys(figures).length).toBeGreaterThan(0);
		expect((await datasetRows(page))['Crimes']).toBe('3');

		const c = await uploadRefused(page, 'bad.csv', BAD);
		expect(await text(c.locator('.unchanged'))).toBe(
			'Nothing was changed: the current data is as it was.'
		);
		expect(
			await c
				.locator('ul.rules > li')
				.evaluateAll((l) => l.map((x) => x.textContent!.replace(/\s+/g, ' ').trim()))
		).toEqual([
			'100 rows: recorded_date is YYYY-MM-DD with month 13 (lines 2, 3, 4, 5, 6, …)',
			`20 rows: domestic_abuse ${FLAG} (lines 102, 103, 104, 105, 106, …)`
		]);
		expect(await caption(c)).toBe('Problems 1–50 of 120, in file order (line 1 is the header)');
		// The two rules are the card's only list items: the problems are not listed again below.
		expect(await c.locator('.result.refused li').count()).toBe(2);
		// One page in the DOM, not the 120.
		const first = await tableRows(c, /in file order/);
		expect(first).toHaveLength(50);
		expect(first[0]).toEqual(['2', 'recorded_date', '2024-13-01', 'is YYYY-MM-DD with month 13']);
		expect(first[49][0]).toBe('51');
		expect(await text(c.locator('nav.pages'))).toBe('Page 1 of 3 Next page');
		await page.screenshot({ path: path.join(SHOTS, 'upload-refused.png'), fullPage: true });
		expect(await axe(page)).toEqual([]);

		// Every problem as CSV from the server: the header and 120 lines.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			c.getByRole('link', { name: 'Download the report of bad.csv as CSV' }).click()
		]);
		expect(download.suggestedFilename()).toBe('bad-report.csv');
		const csv = fs.readFileSync((await download.path())!, 'utf8').split('\r\n');
		expect(csv.pop()).toBe('');
		expect(csv).toHaveLength(121);
		expect(csv[0]).toBe('severity,line,column,value,problem');
		// The reason has commas, so it is quoted.
		expect(csv[120]).toBe(`error,121,domestic_abuse,maybe,"domestic_abuse ${FLAG}"`);

		// Paging goes on in the stored report's own page.
		await c.getByRole('link', { name: 'Next page' }).click();
		await page.waitForURL(/\/extracts\/refused\/rf1\?page=2$/);
		expect(await caption(page)).toBe(
			'Problems 51–100 of 120, in file order (line 1 is the header)'
		);
		expect((await tableRows(page, /in file order/))[0][0]).toBe('52');
		await page.getByRole('link', { name: 'Next page' }).click();
		await page.waitForURL(/\?page=3$/);
		expect(await caption(page)).toBe(
			'Problems 101–120 of 120, in file order (line 1 is the header)'
		);
		const last = await tableRows(page, /in file order/);
		expect(last).toHaveLength(20);
		expect(last[0]).toEqual(['102', 'domestic_abuse', 'maybe', FLAG]);
		expect(await text(page.locator('nav.pages'))).toBe('Previous page Page 3 of 3');

		// A rule filters: its 20 problems, on one page.
		await page.getByRole('link', { name: `20 rows: domestic_abuse ${FLAG}` }).click();
		await page.waitForURL(/\/extracts\/refused\/rf1\?rule=2$/);
		expect(await caption(page)).toBe(
			`Problems 1–20 of 20 (domestic_abuse ${FLAG}), in file order (line 1 is the header)`
		);
		expect(await tableRows(page, /in file order/)).toHaveLength(20);
		expect(
			await page
				.getByRole('link', { name: `20 rows: domestic_abuse ${FLAG}` })
				.getAttribute('aria-current')
		).toBe('true');
		expect(await page.locator('nav.pages').count()).toBe(0);
		await page.screenshot({ path: path.join(SHOTS, 'report-rule.png'), fullPage: true });
		expect(await axe(page)).toEqual([]);
		await page.getByRole('link', { name: 'Show every problem (120)' }).click();
		await page.waitForURL(/\/extracts\/refused\/rf1$/);
		expect(await caption(page)).toMatch(/^Problems 1–50 of 120,/);

		// Nothing changed: the same 3 crimes, no new upload, the same Overview.
		expect((await datasetRows(page))['Crimes']).toBe('3');
		const uploads = await page.request.get(server.url + '/api/v1/extracts');
		expect(((await uploads.json()) as { uploads: unknown[] }).uploads).toHaveLength(1);
		expect(await overview(page)).toEqual(figures);
		await context.close();
	});

	it('keeps 10,000 problems and shows one page of them', async () => {
		const { context, page } = await signedIn();
		const started = Date.now();
		const c = await uploadRefused(page, 'many.csv', MANY);
		const ms = Date.now() - started;
		expect(await caption(c)).toBe('Problems 1–50 of 10,000, in file order (line 1 is the header)');
		expect(await tableRows(c, /in file order/)).toHaveLength(50);
		expect(await text(c.locator('ul.rules'))).toBe(
			'10000 rows: recorded_date is YYYY-MM-DD with month 13 (lines 2, 3, 4, 5, 6, …)'
		);
		// The last of 200 pages: problems 9,951 to 10,000 are file lines 9,952 to 10,001.
		const pageStarted = Date.now();
		await page.goto(server.url + '/extracts/refused/rf2?page=200');
		expect(await caption(page)).toBe(
			'Problems 9,951–10,000 of 10,000, in file order (line 1 is the header)'
		);
		const rows = await tableRows(page, /in file order/);
		expect([rows.length, rows[0][0], rows[49][0]]).toEqual([50, '9952', '10001']);
		const pageMs = Date.now() - pageStarted;
		console.log(`10,000 problems: upload to report ${ms} ms; page 200 of the report ${pageMs} ms`);
		expect(pageMs).toBeLessThan(5000);
		await context.close();
	});

	it('says how to remove or pseudonymise a column of personal data', async () => {
		const { context, page } = await signedIn();
		const c = await uploadRefused(
			page,
			'emails.csv',
			[HEADER, 'jo.bloggs@example.com,2024-01-05,8Q,North,Y'].join('\n')
		);
		expect(await text(c.locator('.fix'))).toMatch(
			/^How to fix personal data The dashboard takes anonymised data only\. In the export from the records system, either remove the column crime_ref, or pseudonymise it: /
		);
		// The preview shows the analyst their own file; the server's answer never echoes the value.
		expect(await c.locator('.result.refused').textContent()).not.toContain('bloggs');
		expect(await axe(page)).toEqual([]);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`passes axe in the ${colorScheme} theme`, async () => {
			const { context, page } = await signedIn('anna', { colorScheme });
			await page.goto(server.url + '/extracts/refused/rf1?page=2');
			await page.locator('caption').waitFor();
			await page.screenshot({
				path: path.join(SHOTS, `report-${colorScheme}.png`),
				fullPage: true
			});
			expect(await axe(page)).toEqual([]);
			await context.close();
		});
	}

	it('is not for a viewer: 403 on the page and the API', async () => {
		const { context, page } = await signedIn('vic');
		const res = await page.goto(server.url + '/extracts/refused/rf1');
		expect(res?.status()).toBe(403);
		const api = await page.request.get(server.url + '/api/v1/extracts/refused/rf1');
		expect(api.status()).toBe(403);
		const csv = await page.request.get(server.url + '/api/v1/extracts/refused/rf1?format=csv');
		expect(csv.status()).toBe(403);
		await context.close();
	});
});
