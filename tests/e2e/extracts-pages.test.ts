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
import { NICHE_MAPPING } from '../fixtures/mappings/niche-mapping';
import { createUser } from '../../src/lib/server/auth';
import { readConfig } from '../../src/lib/server/config';
import { loadExtract, rollbackUpload } from '../../src/lib/server/extracts';
import { saveMapping } from '../../src/lib/server/extracts/mappings';
import { purgeUploadFile } from '../../src/lib/server/extracts/retention';

const PW = 'a long analyst passphrase 42';
const SHOTS = '/tmp/shots-extracts';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extracts');
const fixture = (name: string) => path.join(FIXTURES, name);
const NICHE_CSV = path.resolve(import.meta.dirname, '../fixtures/mappings/niche-crimes.csv');
/** The mapping for tests/fixtures/mappings/niche-crimes.csv (its README): Beat Code ignored. */
const NICHE = NICHE_MAPPING;

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
			// Saved once, as the month-end upload would (its version 1).
			await saveMapping(db, NICHE, { user: 'anna' });
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
				'Active',
				// The actions, with the text a screen reader hears: which upload each link is for.
				'Original file of up1 Roll back up1…'
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
		await errors.getByText('Nothing was changed:').waitFor();
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
		await page.getByRole('link', { name: 'Roll back upload up1…' }).click();
		// The confirmation names the effect: up1's 3 rows leave, nothing earlier comes back.
		await page
			.getByText(
				'Rolling back up1 removes 3 rows from the current crimes dataset; the dataset goes from 3 rows to 0 rows.'
			)
			.waitFor();
		expect(await axe(page)).toEqual([]);
		await page.getByRole('button', { name: 'Roll back upload up1' }).click();
		await page.getByRole('status').getByText('Upload up1 is rolled back').waitFor();
		await page.getByRole('link', { name: 'Restore upload up1…' }).waitFor();
		await eventually(() => page.locator('dd').first().textContent()).toMatch(
			/^Rolled back \(rolled back \d{4}-\d\d-\d\d \d\d:\d\d UTC by anna\)$/
		);
		expect(await axe(page)).toEqual([]);
		await page.goto(server.url + '/extracts');
		expect((await tableRows(page, /current dataset/))[0][1]).toBe('0');

		await page.goto(server.url + '/extracts/up1/confirm');
		await page
			.getByText(
				'Restoring up1 puts 3 rows into the current crimes dataset; the dataset goes from 0 rows to 3 rows.'
			)
			.waitFor();
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
		// The report is kept on the server: its CSV is every problem, from there.
		expect(
			await page
				.getByRole('link', { name: 'Download the report of crimes-errors.csv as CSV' })
				.getAttribute('href')
		).toMatch(/^\/api\/v1\/extracts\/refused\/rf\d+\?format=csv$/);

		// The history filters by kind through the URL.
		await page.goto(server.url + '/extracts?kind=arrests');
		// A filter that matches nothing says so in its own words, and how to see everything again.
		expect(await page.locator('#history-title ~ p.empty').textContent()).toMatch(
			/^\s*No arrests uploads\.\s+Show every upload\s*$/
		);
		await page.goto(server.url + '/extracts?kind=crimes');
		// Loaded uploads and refused attempts (crimes-errors.csv by anna, then by nora; its header
		// reads as crimes): nothing was loaded for a refusal, so it has no upload id.
		expect(
			(await tableRows(page, /Crimes uploads, newest first/)).map((r) => [r[0], r[2], r[7], r[9]])
		).toEqual([
			['not loaded', 'crimes-errors.csv', 'nora', expect.stringMatching(/^Refused/)],
			['up2', 'crimes-merge.csv', 'nora', 'Active'],
			['not loaded', 'crimes-errors.csv', 'anna', expect.stringMatching(/^Refused/)],
			['up1', 'crimes-valid.csv', 'anna', 'Active']
		]);
		await context.close();
	});

	it("uploads a records system's export through a saved mapping, without JavaScript", async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await signIn(page, 'nora');
		await page.goto(server.url + '/extracts');
		// Niche's header, not the contract's: the saved mapping reads it (and says it is crimes).
		await page.getByLabel('CSV file').setInputFiles(NICHE_CSV);
		await page.getByLabel('Saved mapping').selectOption('Niche crimes export');
		// The latest date in the file is 01/03/2024.
		await page.getByLabel('Date the extract was taken').fill('2024-03-02');
		await page.getByRole('button', { name: 'Upload and check' }).click();
		await page.waitForLoadState();
		await shot(page, 'nojs-mapped');
		await page.getByRole('heading', { name: 'Loaded: niche-crimes.csv as crimes' }).waitFor();
		// Six crimes, NC/24/1001 to 1006, none loaded before.
		const facts = await page
			.locator('.outcome dd')
			.evaluateAll((dd) => dd.map((d) => d.textContent?.trim()));
		expect(facts).toEqual(['6', '6', '0', 'merge', '2 March 2024']);
		// CR-1 to CR-4 from up1 and up2, and the six: ten current crimes.
		expect((await tableRows(page, /current dataset/))[0][1]).toBe('10');
		await page.getByRole('link', { name: 'Upload up3: details and rollback' }).click();
		expect((await page.locator('dt:text-is("Mapping") + dd').textContent())?.trim()).toBe(
			'"Niche crimes export", version 1'
		);
		await context.close();
	});

	it('shows an analyst the reference data with its source and load date, and the saved mappings', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, 'anna');
		// up4 and up5, through the API as a script would send them.
		for (const [kind, file] of [
			['population', 'population-valid.csv'],
			['prevalence', 'prevalence-valid.csv']
		]) {
			const res = await page.request.post(
				`${server.url}/api/v1/extracts?kind=${kind}&filename=${file}`,
				{
					headers: { 'content-type': 'text/csv', origin: server.url },
					data: fs.readFileSync(fixture(file))
				}
			);
			expect(res.status(), file).toBe(201);
		}
		await page.goto(server.url + '/reference');
		await page.getByRole('heading', { name: 'Reference', level: 1 }).waitFor();
		const words = async (selector: string) =>
			(await page.locator(selector).first().textContent())?.replace(/\s+/g, ' ').trim();
		const STAMP = /\d{4}-\d\d-\d\d \d\d:\d\d UTC/.source;

		// population-valid.csv by hand: two areas in 2022, no ONS code and no source in the file.
		expect(await tableRows(page, /Adults aged 16 and over/)).toEqual([
			['Mansfield', '', '2022', '89,000', 'not given', 'up4'],
			['Nottingham North', '', '2022', '120,500', 'not given', 'up4']
		]);
		expect(await words('#population-title ~ p')).toMatch(
			new RegExp(`^Loaded by up4 \\(${STAMP} by anna\\)\\.$`)
		);
		// prevalence-valid.csv: 2023 with no interval or source, 2022 with both; newest first.
		expect(await tableRows(page, /stalked in the last 12 months/)).toEqual([
			['2023', '3.2%', '', '', 'not given', 'up5'],
			[
				'2022',
				'3.3%',
				'3.0%',
				'3.6%',
				'Crime Survey for England and Wales, year ending March 2023',
				'up5'
			]
		]);
		expect(await words('#prevalence-title ~ p')).toMatch(
			new RegExp(`^Loaded by up5 \\(${STAMP} by anna\\)\\.$`)
		);
		// data/reference/offence_codes.csv: 8Q in stalking; 8Q, 8L, 8M and 8R in stalking_harassment.
		const offences = await tableRows(page, /Offence codes in each group/);
		expect(offences).toContainEqual([
			'stalking',
			'8Q',
			'Stalking',
			'Home Office Counting Rules class 8Q (separate class since April 2014)'
		]);
		expect(offences.map((r) => r[r.length - 3]).sort()).toEqual(['8L', '8M', '8Q', '8Q', '8R']);
		expect(await words('#offence-title ~ p')).toMatch(
			new RegExp(`^Seeded with the database on ${STAMP} .*; never changed since\\.$`)
		);
		// data/reference/ho_outcome_types.csv: outcome type 1 is alone in charged_summonsed.
		expect(await tableRows(page, /Outcome types in each group/)).toContainEqual([
			'charged_summonsed',
			'1 Charged/summonsed'
		]);

		// The Niche mapping saved by anna: 7 source columns, Beat Code ignored; 3 + 2 values rewritten.
		expect(await tableRows(page, /Saved column mappings/)).toEqual([
			[
				'Niche crimes export',
				'Crimes',
				'1',
				'anna',
				expect.stringMatching(new RegExp(`^${STAMP}$`)),
				'6 columns mapped, 1 ignored by Niche crimes export'
			]
		]);
		await page
			.getByRole('link', { name: '6 columns mapped, 1 ignored by Niche crimes export' })
			.click();
		// The link opens what the mapping maps.
		await page.getByRole('group').filter({ hasText: 'Niche crimes export, version 1' }).waitFor();
		expect(await page.locator('details#mapping-0').getAttribute('open')).not.toBeNull();
		expect(await tableRows(page, /Columns of Niche crimes export/)).toEqual([
			['Crime Reference', 'crime_ref'],
			['Date Recorded', 'recorded_date'],
			['HO Code', 'offence_code'],
			['District', 'area'],
			['DA Flag', 'domestic_abuse'],
			['Relationship', 'relationship'],
			['Beat Code', 'ignored (not loaded)']
		]);
		expect(
			(await tableRows(page, /Values Niche crimes export rewrites \(5 values\)/)).sort()
		).toEqual([
			['domestic_abuse', 'DA', 'Y'],
			['domestic_abuse', 'Non-DA', 'N'],
			['relationship', 'Former partner', 'ex_partner'],
			['relationship', 'Not recorded', 'unknown'],
			['relationship', 'Partner/Spouse', 'intimate_partner']
		]);
		expect(await axe(page)).toEqual([]);
		await shot(page, 'reference-light');
		await context.close();

		const dark = await browser.newContext({ colorScheme: 'dark' });
		const darkPage = await dark.newPage();
		await signIn(darkPage, 'anna');
		await darkPage.goto(server.url + '/reference');
		await darkPage.locator('details#mapping-0 summary').click();
		expect(await axe(darkPage)).toEqual([]);
		await shot(darkPage, 'reference-dark');
		await darkPage.goto(server.url + '/extracts/up1/confirm');
		expect(await axe(darkPage)).toEqual([]);
		await shot(darkPage, 'confirm-dark');
		await darkPage.goto(server.url + '/extracts');
		expect(await axe(darkPage)).toEqual([]);
		await shot(darkPage, 'extracts-dark');
		await dark.close();
	});

	it('fits a 320 px wide screen', async () => {
		const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
		const page = await context.newPage();
		await signIn(page, 'anna');
		for (const p of ['/extracts', '/extracts/up1', '/extracts/up1/confirm', '/reference']) {
			await page.goto(server.url + p);
			// Measured once the page runs: on /extracts the month-end upload replaces the plain form.
			if (p === '/extracts') await page.getByLabel('CSV files').waitFor();
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			// The elements past the right edge outside a scrolling table, to name the culprit.
			const wide = await page.evaluate(() =>
				[...document.querySelectorAll('body *')]
					.filter(
						(el) =>
							el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
							!el.closest('.table-wrap')
					)
					.slice(0, 5)
					.map(
						(el) =>
							`${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`
					)
			);
			expect(overflow, `${p}: ${wide.join('; ')}`).toBeLessThanOrEqual(0);
			await shot(page, `narrow-${p.slice(1).replace(/\//g, '-')}`);
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

	it('answers a viewer 403 on the Extracts and Reference pages', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, 'vic');
		for (const p of ['/extracts', '/extracts/up1', '/extracts/up1/confirm', '/reference']) {
			const res = await page.goto(server.url + p);
			expect(res?.status(), p).toBe(403);
		}
		await context.close();
	});
});

describe('the upload history', () => {
	// Its own server, set up before it starts: four attempts by two analysts, one refused, one
	// rolled back, one whose archived file is purged.
	const HEADER = 'crime_ref,recorded_date,offence_code,area,domestic_abuse';
	const ARRESTS = 'arrest_ref,crime_ref,arrest_date\nA1,C1,2025-01-02\n';
	let history: TestServer;

	beforeAll(async () => {
		history = await startServer({
			setup: async (db, dataDir) => {
				for (const name of ['anna', 'bob']) {
					await createUser(db, { name, roles: 'analyst', password: PW, actor: 'test' });
				}
				const config = readConfig({ ...process.env, DATA_DIR: dataDir });
				const load = async (
					name: string,
					text: string,
					user: string,
					kind: 'crimes' | 'arrests'
				) => {
					const file = path.join(dataDir, name);
					fs.writeFileSync(file, text);
					return loadExtract(db, { path: file }, { kind, user, config, today: '2025-06-10' });
				};
				// up1 (anna): C1. up2 (bob): an arrest for C1. up3 (anna): C2 and C3, then rolled back.
				await load('a.csv', `${HEADER}\nC1,2025-01-01,8Q,North,N\n`, 'anna', 'crimes');
				await load('b.csv', ARRESTS, 'bob', 'arrests');
				await load(
					'c.csv',
					`${HEADER}\nC2,2025-01-02,8Q,North,N\nC3,2025-01-03,8Q,North,N\n`,
					'anna',
					'crimes'
				);
				// Refused (bob): a month 13; nothing is loaded, and its report is kept as rf1.
				const bad = await load('bad.csv', `${HEADER}\nC9,2025-13-01,8Q,North,N\n`, 'bob', 'crimes');
				if (bad.ok) throw new Error('bad.csv was loaded');
				await rollbackUpload(db, 'up3', 'anna');
				await purgeUploadFile(db, config, 'up1', { user: 'anna', reason: 'e2e: a purged file' });
			}
		});
	});
	afterAll(async () => history?.stop());

	/** The history's rows as upload, kind, file, by, status and actions. */
	const rows = async (page: Page, caption: RegExp) =>
		(await tableRows(page, caption)).map((r) => [r[0], r[1], r[2], r[7], r[9], r[10]]);

	/** Choose the filters on the page's own form and press Show (a GET: the URL carries them). */
	async function filter(page: Page, f: { kind?: string; status?: string; by?: string }) {
		await page.getByLabel('Kind', { exact: true }).selectOption({ label: f.kind ?? 'Every kind' });
		await page.getByLabel('Status').selectOption({ label: f.status ?? 'Every status' });
		await page.getByLabel('Uploaded by').selectOption({ label: f.by ?? 'Anyone' });
		const before = page.url();
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForURL((u) => u.href !== before);
	}

	it('filters by kind, status and uploader, links each original and each confirmation', async () => {
		const context = await browser.newContext({ acceptDownloads: true });
		const page = await context.newPage();
		await page.goto(history.url + '/login');
		await page.getByLabel('User name').fill('anna');
		await page.getByLabel('Password').fill(PW);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => u.pathname !== '/login');
		await page.goto(history.url + '/extracts');

		// Refused: nothing loaded, so no upload id; its report is kept (the first refusal, rf1).
		const refused = [
			'not loaded',
			'crimes',
			'bad.csv',
			'bob',
			expect.stringMatching(/^Refused \(.+; nothing was changed\)$/),
			'Refusal report rf1'
		];
		const up3 = [
			'up3',
			'crimes',
			'c.csv',
			'anna',
			'Rolled back',
			'Original file of up3 Restore up3…'
		];
		const up2 = ['up2', 'arrests', 'b.csv', 'bob', 'Active', 'Original file of up2 Roll back up2…'];
		// Purged: the record stays, the file is gone, so there is nothing to download.
		const up1 = ['up1', 'crimes', 'a.csv', 'anna', 'Active, File purged', 'Roll back up1…'];
		expect(await rows(page, /^Every upload, newest first$/)).toEqual([refused, up3, up2, up1]);
		expect(await axe(page)).toEqual([]);
		await page.getByRole('link', { name: 'Refusal report rf1' }).click();
		await page.waitForURL((u) => u.pathname === '/extracts/refused/rf1');
		await page.getByText('Nothing was changed: the current data is as it was.').waitFor();
		await page.goBack();

		await filter(page, { status: 'Active' });
		expect(await rows(page, /^Active uploads, newest first$/)).toEqual([up2, up1]);
		await filter(page, { status: 'Rolled back' });
		expect(await rows(page, /^Rolled back uploads, newest first$/)).toEqual([up3]);
		await filter(page, { status: 'Refused' });
		expect(await rows(page, /^Refused uploads, newest first$/)).toEqual([refused]);
		await filter(page, { status: 'File purged' });
		expect(await rows(page, /^File purged uploads, newest first$/)).toEqual([up1]);
		await filter(page, { by: 'bob' });
		expect(await rows(page, /^Every upload by bob, newest first$/)).toEqual([refused, up2]);
		await filter(page, { kind: 'Crimes', by: 'anna' });
		expect(await rows(page, /^Crimes uploads by anna, newest first$/)).toEqual([up3, up1]);
		expect(new URL(page.url()).searchParams.toString()).toBe('kind=crimes&status=&by=anna');
		// Nothing matches: said in the filters' words, with the way back.
		await filter(page, { kind: 'Arrests', by: 'anna' });
		expect(
			(await page.locator('#history-title ~ p.empty').textContent())?.replace(/\s+/g, ' ').trim()
		).toBe('No arrests uploads by anna. Show every upload');
		// A value that is not one is named, and everything shown instead.
		await page.goto(history.url + '/extracts?status=gone');
		await page
			.getByText('"gone" is not a status; use active, rolled_back, refused, purged.')
			.first()
			.waitFor();
		expect(await rows(page, /^Every upload, newest first$/)).toHaveLength(4);

		// The original of up2, as bob sent it.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Original file of up2' }).click()
		]);
		expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(ARRESTS);

		// Restoring up3 from the history goes through its confirmation: C2 and C3 count again, so
		// the crimes dataset goes from 1 row (C1) to 3.
		await page.getByRole('link', { name: 'Restore up3…' }).click();
		await page
			.getByText(
				'Restoring up3 puts 2 rows into the current crimes dataset; the dataset goes from 1 row to 3 rows.'
			)
			.waitFor();
		expect(await axe(page)).toEqual([]);
		await page.getByRole('button', { name: 'Restore upload up3' }).click();
		await page.getByRole('status').getByText('Upload up3 is active again').waitFor();
		await page.goto(history.url + '/extracts?status=rolled_back');
		expect(
			(await page.locator('#history-title ~ p.empty').textContent())?.replace(/\s+/g, ' ').trim()
		).toBe('No rolled back uploads. Show every upload');
		await context.close();
	});
});
