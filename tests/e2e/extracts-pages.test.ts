// The analysts' Extracts pages in headless Chromium over the real server: upload with the browser
// preview and real XHR progress, a refused file's problem table and report CSV, the detail page with
// roll back and restore, the same upload without JavaScript through the form action, a viewer's 403,
// axe on each page and 320 px. Screenshots go to /tmp/shots-extracts/ for people to look at.
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/wait';
import { createUser } from '../../src/lib/server/auth';

const PW = 'a long analyst passphrase 42';
const SHOTS = '/tmp/shots-extracts';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extracts');
const fixture = (name: string) => path.join(FIXTURES, name);

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			for (const [name, roles] of [
				['anna', 'analyst'],
				['nora', 'analyst'],
				['vic', 'viewer']
			]) {
				await createUser(db, { name, roles, password: PW, actor: 'test' });
			}
		}
	});
	browser = await launchBrowser();
	fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signIn(page: Page, name: string) {
	await page.goto(server.url + '/login');
	await page.getByLabel('User name').fill(name);
	await page.getByLabel('Password').fill(PW);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => u.pathname !== '/login');
}

async function axe(page: Page): Promise<string[]> {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

const shot = (page: Page, name: string) =>
	page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** The rows of a table (cells' text, header cells included), found by its caption. */
function tableRows(scope: Page | Locator, caption: RegExp): Promise<string[][]> {
	const page = 'page' in scope && typeof scope.page === 'function' ? scope.page() : (scope as Page);
	return scope
		.locator('table')
		.filter({ has: page.locator('caption', { hasText: caption }) })
		.locator('tbody tr')
		.evaluateAll((rows) =>
			rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? ''))
		);
}

describe('Extracts pages', () => {
	it('lets an analyst preview, upload, read a refusal, download its report, and roll back and restore', async () => {
		const context = await browser.newContext({ acceptDownloads: true });
		const page = await context.newPage();
		await signIn(page, 'anna');
		await page.goto(server.url + '/extracts');
		await page.getByRole('heading', { name: 'Extracts', level: 1 }).waitFor();
		// Nothing loaded yet: every one of the ten datasets has 0 rows.
		expect((await tableRows(page, /current dataset/)).map((r) => r[1])).toEqual(
			Array(10).fill('0')
		);
		expect(await axe(page)).toEqual([]);

		// A header without `area` is flagged in the browser before anything is sent (the month-end
		// upload's file card; tests/e2e/extracts-month-end.test.ts walks the rest of it).
		const fileCard = (name: string) =>
			page.locator('li.file', {
				has: page.getByRole('heading', { name: new RegExp(`^${name} `) })
			});
		await page.getByLabel('CSV files').setInputFiles({
			name: 'no-area.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(
				'crime_ref,recorded_date,offence_code,domestic_abuse\nCR-9,2023-01-01,8Q,Y\n'
			)
		});
		await eventually(() => fileCard('no-area.csv').locator('.status-line').textContent()).toMatch(
			/does not match the Crimes contract \(missing area\)/
		);
		await page.getByRole('button', { name: 'Remove no-area.csv' }).click();

		// The valid fixture: its header reads as crimes, and the preview holds its three rows.
		await page.getByLabel('CSV files').setInputFiles(fixture('crimes-valid.csv'));
		const valid = fileCard('crimes-valid.csv');
		await valid.getByText('The header matches the Crimes contract.').waitFor();
		await eventually(async () => (await tableRows(page, /first 3 rows/)).map((r) => r[0])).toEqual([
			'CR-1',
			'CR-2',
			'CR-3'
		]);
		// The date the extract was taken is filled in as the server's default: the day after its
		// latest date (CR-3, 15 March 2023).
		await eventually(() => valid.getByLabel('Date the extract was taken').inputValue()).toBe(
			'2023-03-16'
		);
		await valid
			.getByText('Filled in as the day after the latest date in the file (15 March 2023).')
			.waitFor();
		await shot(page, 'preview');

		// Upload through the XHR to the API: every byte sent, and the result shows.
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await page.getByRole('heading', { name: 'Summary of this upload' }).waitFor();
		expect(await valid.locator('progress').getAttribute('value')).toBe(
			String(fs.statSync(fixture('crimes-valid.csv')).size)
		);
		// 3 rows, all new (nothing loaded before), none replaced, merge.
		expect(
			(await valid.locator('.result.ok p').first().textContent())?.replace(/\s+/g, ' ')
		).toContain(
			'Loaded as crimes: 3 rows, 3 new, 0 replaced (merge; extract taken 16 March 2023).'
		);
		// The history and the datasets were refreshed without a reload.
		await eventually(() => tableRows(page, /Every upload, newest first/)).toEqual([
			[
				'up1',
				'crimes',
				'crimes-valid.csv',
				'merge',
				'3',
				'3',
				'0',
				'anna',
				expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
				'Active'
			]
		]);
		await eventually(async () => (await tableRows(page, /current dataset/))[0].slice(0, 4)).toEqual(
			['Crimes', '3', 'up1', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/)]
		);
		await shot(page, 'accepted');

		// The invalid fixture is refused: message, problem table (line 2 recorded_date), nothing changed.
		await page.getByLabel('CSV files').setInputFiles(fixture('crimes-errors.csv'));
		const errors = fileCard('crimes-errors.csv');
		await errors.locator('.status-line').waitFor();
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await errors.getByText('Nothing changed:').waitFor();
		await eventually(async () =>
			(await tableRows(errors, /in file order/))[0]?.slice(0, 3)
		).toEqual(['2', 'recorded_date', '12/13/2023']);
		await eventually(async () => (await tableRows(page, /current dataset/))[0][1]).toBe('3');
		await shot(page, 'refused');
		expect(await axe(page)).toEqual([]);

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download the report of crimes-errors.csv as CSV' }).click()
		]);
		expect(download.suggestedFilename()).toBe('crimes-errors-report.csv');
		const csv = fs.readFileSync((await download.path())!, 'utf8');
		expect(csv.split('\r\n')[0]).toBe('severity,line,column,value,problem');
		expect(csv).toContain('error,2,recorded_date,12/13/2023,');

		// The detail page: facts, checksum, downloads, roll back and restore.
		await page.getByRole('link', { name: 'up1' }).first().click();
		await page.getByRole('heading', { name: 'Upload up1: crimes' }).waitFor();
		// `sha256sum tests/fixtures/extracts/crimes-valid.csv`
		await eventually(async () => (await page.locator('dd code').textContent())?.trim()).toBe(
			'887fb0a8f47ceda2ae07c940ff967e330f9e9ed7ea046ab4072a4c4a8487a521'
		);
		// No problems; one warning: INC-1 and INC-3 are not in the (empty) incidents dataset.
		await page.getByText('Every row passed every check.').waitFor();
		await eventually(() => page.locator('#report-warnings + ul li').allTextContents()).toEqual([
			expect.stringContaining('2 rows refer to incident_ref values')
		]);
		expect(await axe(page)).toEqual([]);
		await shot(page, 'detail');

		const [original] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download the archived file' }).click()
		]);
		expect(fs.readFileSync((await original.path())!)).toEqual(
			fs.readFileSync(fixture('crimes-valid.csv'))
		);

		await page
			.getByText('returns to what it was without this upload; nothing is deleted')
			.waitFor();
		await page.getByRole('button', { name: 'Roll back upload up1' }).click();
		await page.getByRole('status').getByText('Upload up1 is rolled back').waitFor();
		await page.getByRole('button', { name: 'Restore upload up1' }).waitFor();
		await eventually(() => page.locator('dd').first().textContent()).toMatch(
			/^Rolled back \(rolled back \d{4}-\d\d-\d\d \d\d:\d\d UTC by anna\)$/
		);
		expect(await axe(page)).toEqual([]);
		await page.goto(server.url + '/extracts');
		expect((await tableRows(page, /current dataset/))[0][1]).toBe('0');

		await page.goto(server.url + '/extracts/up1');
		await page.getByRole('button', { name: 'Restore upload up1' }).click();
		await page.getByRole('status').getByText('Upload up1 is active again').waitFor();
		await page.goto(server.url + '/extracts');
		expect((await tableRows(page, /current dataset/))[0][1]).toBe('3');
		await context.close();
	});

	it('uploads without JavaScript through the form action, accepted and refused', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await signIn(page, 'nora');
		await page.goto(server.url + '/extracts');
		await page.getByLabel('CSV file').setInputFiles(fixture('crimes-merge.csv'));
		await page.getByLabel('Kind of extract').selectOption('crimes');
		await page.getByLabel('Merge').check();
		// Without JavaScript nothing is filled in: the analyst types the day the extract was taken.
		await page.getByLabel('Date the extract was taken').fill('2023-04-05');
		await page.getByRole('button', { name: 'Upload and check' }).click();
		await page.waitForLoadState();
		await shot(page, 'nojs-accepted');
		await page.getByRole('heading', { name: 'Loaded: crimes-merge.csv as crimes' }).waitFor();
		// crimes-merge.csv: CR-2 was loaded by up1 (replaced), CR-4 is new (inserted).
		const facts = await page
			.locator('.outcome dd')
			.evaluateAll((dd) => dd.map((d) => d.textContent?.trim()));
		expect(facts).toEqual(['2', '1', '1', 'merge', '5 April 2023']);
		const history = await tableRows(page, /Every upload, newest first/);
		expect(history[0].slice(0, 2)).toEqual(['up2', 'crimes']);
		expect(history[0][7]).toBe('nora');
		// CR-1, CR-2 (newer), CR-3 from up1 and CR-4: four current crimes.
		expect((await tableRows(page, /current dataset/))[0][1]).toBe('4');

		await page.getByLabel('CSV file').setInputFiles(fixture('crimes-errors.csv'));
		await page.getByRole('button', { name: 'Upload and check' }).click();
		await page.getByRole('heading', { name: 'The file was refused' }).waitFor();
		const problems = await tableRows(page, /in file order/);
		expect(problems[0].slice(0, 3)).toEqual(['2', 'recorded_date', '12/13/2023']);
		expect(
			await page.getByRole('link', { name: 'Download the report as CSV' }).getAttribute('href')
		).toMatch(/^data:text\/csv/);

		// The history filters by kind through the URL.
		await page.goto(server.url + '/extracts?kind=arrests');
		expect(await page.getByText('No uploads of Arrests yet.').count()).toBe(1);
		await page.goto(server.url + '/extracts?kind=crimes');
		expect((await tableRows(page, /Crimes uploads, newest first/)).map((r) => r[0])).toEqual([
			'up2',
			'up1'
		]);
		await context.close();
	});

	it('fits a 320 px wide screen', async () => {
		const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
		const page = await context.newPage();
		await signIn(page, 'anna');
		for (const p of ['/extracts', '/extracts/up1']) {
			await page.goto(server.url + p);
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow, p).toBeLessThanOrEqual(0);
			await shot(page, `narrow-${p.split('/').pop()}`);
		}
		await context.close();
	});

	it("takes an upload over adapter-node's default 512 KB body limit, as `npm start` serves it", async () => {
		// Header 110 bytes (9 names of 101 letters, 8 commas, a newline) and 20,000 rows of 40 bytes
		// ("CR-000001" 9, ",2023-01-05" 11, ",8Q" 3, ",Mansfield" 10, ",Y" 2, ",,,," 4, newline 1):
		// 800,110 bytes, over 524,288 and far under the 512 MB MAX_UPLOAD_MB default.
		const header =
			'crime_ref,recorded_date,offence_code,area,domestic_abuse,relationship,victim_sex,victim_age_band,incident_ref\n';
		const rows = Array.from(
			{ length: 20_000 },
			(_, i) => `CR-${String(i + 1).padStart(6, '0')},2023-01-05,8Q,Mansfield,Y,,,,\n`
		);
		const body = Buffer.from(header + rows.join(''));
		expect(body.length).toBe(800_110);
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, 'anna');
		// page.request is not the page itself: it sends the cookie but no Origin, which a browser's
		// own fetch from the page would. A cookie-borne POST without it is refused as cross-site.
		const res = await page.request.post(server.url + '/api/v1/extracts?kind=crimes', {
			headers: { 'content-type': 'text/csv', origin: server.url },
			data: body
		});
		expect(res.status()).toBe(201);
		expect((await res.json()).upload).toMatchObject({ rows: 20_000, inserted: 20_000 });
		await context.close();
	});

	it('answers a viewer 403 on the Extracts pages', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, 'vic');
		for (const p of ['/extracts', '/extracts/up1']) {
			const res = await page.goto(server.url + p);
			expect(res?.status(), p).toBe(403);
		}
		await context.close();
	});
});
