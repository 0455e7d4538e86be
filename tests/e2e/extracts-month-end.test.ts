// Issue 12's month-end load in headless Chromium over the real server: an analyst drops a month's
// eight extracts (one a Niche export whose header and codes are not the contract's), maps it once,
// watches each file's stages and reads one summary; the Overview moves as worked out by hand below.
// Next month the same header maps in one click; a file with errors and one with a postcode column
// are refused and change nothing; a viewer is turned away; axe in light and dark, 320 px.
// Screenshots go to /tmp/shots-month-end/ for people to look at.
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { createUser } from '../../src/lib/server/auth';

const PW = 'a long analyst passphrase 42';
const SHOTS = '/tmp/shots-month-end';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/month-end');
const fixture = (name: string) => path.join(FIXTURES, name);

// The month's set, dropped in no particular order: the page sends it in dependency order.
const JUNE = [
	'outcomes.csv',
	'niche-crimes-2024-06.csv',
	'training.csv',
	'arrests.csv',
	'population.csv',
	'incidents.csv',
	'workforce.csv',
	'prevalence.csv'
];
const IN_ORDER = [
	'population.csv',
	'prevalence.csv',
	'workforce.csv',
	'training.csv',
	'incidents.csv',
	'niche-crimes-2024-06.csv',
	'arrests.csv',
	'outcomes.csv'
];

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			await createUser(db, { name: 'anna', roles: 'analyst', password: PW, actor: 'test' });
			await createUser(db, { name: 'vic', roles: 'viewer', password: PW, actor: 'test' });
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

/** The whole page, and the same in screen-high pieces (name-1.png …) that can be read at full size. */
async function shot(page: Page, name: string) {
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
	const { width, height } = await page.evaluate(() => ({
		width: document.documentElement.clientWidth,
		height: document.documentElement.scrollHeight
	}));
	const step = 900;
	for (let y = 0, i = 1; y < height; y += step, i++) {
		await page.screenshot({
			path: path.join(SHOTS, `${name}-${i}.png`),
			fullPage: true,
			clip: { x: 0, y, width, height: Math.min(step, height - y) }
		});
	}
}

/** The Extracts page once its month-end upload has taken over from the plain form. */
async function extractsPage(page: Page) {
	await page.goto(server.url + '/extracts');
	await page.getByLabel('CSV files').waitFor();
}

/** Drop files on the drop zone as a file manager would: a drop event carrying them. */
async function drop(page: Page, names: string[]) {
	const files = names.map((name) => ({ name, text: fs.readFileSync(fixture(name), 'utf8') }));
	const transfer = await page.evaluateHandle((list) => {
		const dt = new DataTransfer();
		for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'text/csv' }));
		return dt;
	}, files);
	await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer });
}

/** An element's text with its runs of spaces as one. */
const text = async (l: Locator) => (await l.textContent())?.replace(/\s+/g, ' ').trim() ?? '';

const card = (page: Page, fileName: string): Locator =>
	page.locator('li.file', {
		has: page.getByRole('heading', { name: new RegExp(`^${fileName.replace(/\./g, '\\.')} `) })
	});

/** The rows of a table (cells' text), found by its caption. */
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

const stages = (c: Locator) =>
	c
		.locator('ol.stages li')
		.evaluateAll((li) => li.map((l) => l.textContent?.replace(/\s+/g, ' ').trim() ?? ''));

async function headline(page: Page, label: string): Promise<string> {
	const value = page
		.locator('article.card', { has: page.getByRole('heading', { name: label, exact: true }) })
		.getByTestId('headline-value');
	return (await value.textContent())?.trim() ?? '';
}

/** Current dataset rows by kind label, from the Extracts page's table. */
async function datasetRows(page: Page): Promise<Record<string, string>> {
	const rows = await tableRows(page, /current dataset/);
	return Object.fromEntries(rows.map((r) => [r[0], r[1]]));
}

describe('The month-end load', () => {
	it('takes a dropped month of eight files, maps the Niche export once, shows every stage and one summary, and moves the Overview', async () => {
		const { context, page } = await signedIn();
		await page.goto(server.url + '/overview');
		await page.getByText(/Upload the crimes extract/).waitFor();

		await extractsPage(page);
		await drop(page, JUNE);
		for (const name of JUNE) await card(page, name).locator('.status-line').waitFor();

		// The seven contract files are recognised from their headers.
		await expect
			.poll(() => card(page, 'arrests.csv').locator('.status-line').textContent())
			.toContain('The header matches the Arrests contract.');
		// The Niche export matches no kind: its columns are offered for mapping once the analyst
		// says it is crimes.
		const niche = card(page, 'niche-crimes-2024-06.csv');
		await expect.poll(() => niche.locator('.status-line').textContent()).toMatch(/does not match/);
		await niche.getByLabel('Kind of extract').selectOption('crimes');
		const columns: [string, string][] = [
			['Crime Number', 'crime_ref'],
			['Date Recorded', 'recorded_date'],
			['HO Class', 'offence_code'],
			['District', 'area'],
			['DA Flag', 'domestic_abuse'],
			['Relation Type', 'relationship'],
			['Gender', 'victim_sex'],
			['Age Group', 'victim_age_band']
		];
		for (const [source, target] of columns) {
			await niche.getByLabel(new RegExp(`^"${source}"`)).selectOption(target);
		}
		// "Status" stays ignored. The values the contract does not know, from the first rows:
		// Partner, Female, Male, DA, Not DA (Ex partner, Stranger, 25-34 … are the contract's own).
		for (const [value, target] of [
			['Partner', 'intimate_partner'],
			['Female', 'F'],
			['Male', 'M'],
			['DA', 'Y'],
			['Not DA', 'N']
		]) {
			await niche.getByLabel(`"${value}" means`, { exact: true }).selectOption(target);
		}
		await expect.poll(() => niche.locator('.mapping .warn').count()).toBe(0);
		// The mapped preview: contract columns in contract order, values rewritten.
		expect((await tableRows(niche, /as they will be loaded/))[0]).toEqual([
			'CR-101',
			'03/05/2024',
			'8Q',
			'Ashfield',
			'Y',
			'intimate_partner',
			'F',
			'25-34'
		]);
		expect(await axe(page)).toEqual([]);
		await shot(page, 'mapping');

		await niche.getByLabel('Save this mapping as').fill('Niche crimes export');
		await niche.getByRole('button', { name: 'Save mapping' }).click();
		await expect
			.poll(() => niche.locator('.status-line').textContent())
			.toMatch(/Mapped with Niche crimes export, version 1, as Crimes\./);

		await page.getByRole('button', { name: 'Upload 8 files' }).click();
		await page
			.getByRole('heading', { name: 'Summary of this upload' })
			.waitFor({ timeout: 60_000 });
		await shot(page, 'summary');

		// Sent one after another in dependency order: the server numbered them up1 … up8 so.
		const loaded = await page
			.locator('ul[aria-labelledby="summary-loaded"] li')
			.evaluateAll((li) => li.map((l) => l.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
		expect(loaded.map((l) => l.split(':')[0])).toEqual(IN_ORDER);
		expect(loaded.map((l) => /\(upload (up\d+)\)/.exec(l)?.[1])).toEqual(
			IN_ORDER.map((_, i) => `up${i + 1}`)
		);
		expect(loaded[5]).toContain('Crimes, 7 rows');
		expect(await page.locator('.summary > p').first().textContent()).toMatch(
			/^Finished: 8 files loaded, 0 refused, \d+ warnings?\.$/
		);
		expect(
			await page.locator('.summary .pages a').evaluateAll((a) => a.map((x) => x.textContent))
		).toEqual([
			'Overview',
			'Arrests and charges',
			'Under-reporting',
			'Training',
			'Safeguarding',
			'Areas'
		]);

		// Every stage the server reported for the Niche file, with its seven rows where counted.
		const seen = await stages(niche);
		expect(seen).toHaveLength(6);
		expect(seen[0]).toMatch(/^Stored on the server: /);
		expect(seen[1]).toMatch(/^Reading: 7 rows \(\d+\.\d s\)$/);
		expect(seen[2]).toMatch(/^Checking every row: 7 rows \(/);
		expect(seen[3]).toMatch(/^Personal-data check/);
		expect(seen[4]).toMatch(/^Loading: 7 rows \(/);
		expect(seen[5]).toMatch(/^Done/);
		expect(await niche.locator('progress').getAttribute('value')).toBe(
			String(fs.statSync(fixture('niche-crimes-2024-06.csv')).size)
		);
		expect(await axe(page)).toEqual([]);

		// The Overview, worked out by hand from the fixtures. As-at dates: each police file's is the
		// day after its latest date (crimes CR-105 2 June → 3 June; arrests A2 3 June → 4 June;
		// outcomes CR-101 1 June → 2 June; incidents I2 1 June 13:00 London → 2 June); the dataset's
		// is the earliest, 2 June 2024, so June is incomplete and the 12 months are June 2023 – May 2024.
		// Recorded crimes (offence 8Q) in them: CR-101 (3 May), CR-102 (10 May), CR-104 (21 May),
		// CR-107 (9 January) = 4; CR-103 is 8L, CR-105 is in June, CR-106 in May 2023.
		// Arrests with their date in those months, of those crimes: A1 (CR-101, 4 May) = 1; A2 is June.
		await page.goto(server.url + '/overview');
		expect(await headline(page, 'Recorded crimes')).toBe('4');
		expect(await headline(page, 'Arrests')).toBe('1');
		await context.close();
	});

	it('maps next month’s Niche export in one click', async () => {
		const { context, page } = await signedIn();
		await extractsPage(page);
		await page.getByLabel('CSV files').setInputFiles(fixture('niche-crimes-2024-07.csv'));
		const niche = card(page, 'niche-crimes-2024-07.csv');
		await niche
			.getByRole('button', { name: 'Use mapping Niche crimes export (version 1, Crimes)' })
			.click();
		await expect
			.poll(() => niche.locator('.status-line').textContent())
			.toMatch(/Mapped with Niche crimes export, version 1, as Crimes\./);
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await page.getByRole('heading', { name: 'Summary of this upload' }).waitFor();
		// CR-105 was loaded in June (replaced); CR-108 and CR-109 are new: 7 + 2 = 9 crimes.
		await expect.poll(() => text(niche.locator('.result.ok'))).toMatch(/3 rows, 2 new, 1 replaced/);
		await expect.poll(async () => (await datasetRows(page))['Crimes']).toBe('9');
		// The upload's own page says which mapping and version it used.
		await page.goto(server.url + '/extracts/up9');
		await page
			.getByText(/Niche crimes export/)
			.first()
			.waitFor();
		await context.close();
	});

	it('shows a refused file’s report and changes nothing', async () => {
		const { context, page } = await signedIn();
		await extractsPage(page);
		await page
			.getByLabel('CSV files')
			.setInputFiles(path.resolve(FIXTURES, '../extracts/crimes-errors.csv'));
		const bad = card(page, 'crimes-errors.csv');
		await bad.locator('.status-line').waitFor();
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await page.getByRole('heading', { name: 'Summary of this upload' }).waitFor();
		expect(await page.locator('.summary > p').first().textContent()).toMatch(
			/^Finished: 0 files loaded, 1 refused, 0 warnings\.$/
		);
		await bad.getByText('Nothing was changed:').waitFor();
		// Line 2's recorded_date 12/13/2023 (month 13) is the first problem in file order.
		expect((await tableRows(bad, /in file order/))[0].slice(0, 3)).toEqual([
			'2',
			'recorded_date',
			'12/13/2023'
		]);
		const link = page.locator('ul[aria-labelledby="summary-refused"] a');
		expect(await link.textContent()).toBe('The report of crimes-errors.csv');
		expect(await link.getAttribute('href')).toBe(
			`#${await bad.locator('.result').getAttribute('id')}`
		);
		await shot(page, 'refused');
		expect(await axe(page)).toEqual([]);
		await page.reload();
		expect((await datasetRows(page))['Crimes']).toBe('9');
		await page.goto(server.url + '/overview');
		expect(await headline(page, 'Recorded crimes')).toBe('4');
		await context.close();
	});

	it('flags a postcode column before upload, and the server refuses the file', async () => {
		const { context, page } = await signedIn();
		await extractsPage(page);
		await page.getByLabel('CSV files').setInputFiles(fixture('crimes-postcode.csv'));
		const pc = card(page, 'crimes-postcode.csv');
		await expect
			.poll(() => text(pc.locator('.personal')))
			.toMatch(/The server will refuse this file:\s+the column "Postcode" looks like a postcode\./);
		expect(await text(pc.locator('.personal'))).toMatch(
			/Remove the column from the export, or pseudonymise it/
		);
		await shot(page, 'postcode');
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await page.getByRole('heading', { name: 'Summary of this upload' }).waitFor();
		expect(await pc.locator('.result.refused').textContent()).toMatch(/personal data/);
		expect(await pc.locator('.result.refused').textContent()).toMatch(/Postcode/);
		await page.reload();
		expect((await datasetRows(page))['Crimes']).toBe('9');
		await context.close();
	});

	it('cancels a file before it commits, leaving nothing behind', async () => {
		// 400,000 rows: long enough on the server to cancel while it reads and checks them.
		const rows = Array.from(
			{ length: 400_000 },
			(_, i) => `CX-${i},2024-05-01,8Q,Ashfield,Y\n`
		).join('');
		const { context, page } = await signedIn();
		await extractsPage(page);
		await page.getByLabel('CSV files').setInputFiles({
			name: 'big-crimes.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('crime_ref,recorded_date,offence_code,area,domestic_abuse\n' + rows)
		});
		const big = card(page, 'big-crimes.csv');
		await big.getByText('The header matches the Crimes contract.').waitFor();
		await page.getByRole('button', { name: 'Upload 1 file' }).click();
		await big.getByText(/^Stored on the server/).waitFor({ timeout: 60_000 });
		await big.getByRole('button', { name: 'Cancel big-crimes.csv' }).click();
		await big.getByText('Cancelled: nothing was loaded from this file.').waitFor();
		expect(await page.locator('.summary > p').first().textContent()).toMatch(
			/^Finished: 0 files loaded, 0 refused, 1 cancelled, 0 warnings\.$/
		);
		await shot(page, 'cancelled');
		await page.reload();
		expect((await datasetRows(page))['Crimes']).toBe('9');
		const list = await page.request.get(server.url + '/api/v1/extracts');
		const uploads = ((await list.json()) as { uploads: { file_name: string | null }[] }).uploads;
		expect(uploads.map((u) => u.file_name)).not.toContain('big-crimes.csv');
		await context.close();
	});

	it('turns a viewer away', async () => {
		const { context, page } = await signedIn('vic');
		const res = await page.goto(server.url + '/extracts');
		expect(res?.status()).toBe(403);
		expect(await page.getByLabel('CSV files').count()).toBe(0);
		await context.close();
	});

	it('works by keyboard alone: choose, check, upload, land on the summary', async () => {
		const { context, page } = await signedIn();
		await extractsPage(page);
		const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
		for (let i = 0; i < 60 && (await focusedId()) !== 'files'; i++)
			await page.keyboard.press('Tab');
		expect(await focusedId()).toBe('files');
		const [chooser] = await Promise.all([
			page.waitForEvent('filechooser'),
			page.keyboard.press('Space')
		]);
		await chooser.setFiles({
			name: 'training-july.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('staff_ref,course,completed_date\nH2,stalking,2024-06-10\n')
		});
		const training = card(page, 'training-july.csv');
		await training.getByText('The header matches the Training contract.').waitFor();
		const focusedText = () =>
			page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
		for (let i = 0; i < 60 && (await focusedText()) !== 'Upload 1 file'; i++) {
			await page.keyboard.press('Tab');
		}
		expect(await focusedText()).toBe('Upload 1 file');
		await page.keyboard.press('Enter');
		await page.getByRole('heading', { name: 'Summary of this upload' }).waitFor();
		// Focus moves to the summary, so a screen reader and the keyboard carry on from there.
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.classList.contains('summary')))
			.toBe(true);
		// H2 had no stalking course before: one new row.
		expect(await text(training.locator('.result.ok p').first())).toMatch(
			/1 row, 1 new, 0 replaced/
		);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`passes axe in the ${colorScheme} theme and fits 320 px, with a mapping being made`, async () => {
			const { context, page } = await signedIn('anna', {
				colorScheme,
				viewport: { width: 320, height: 900 }
			});
			await extractsPage(page);
			await page
				.getByLabel('CSV files')
				.setInputFiles([fixture('niche-crimes-2024-06.csv'), fixture('crimes-postcode.csv')]);
			const niche = card(page, 'niche-crimes-2024-06.csv');
			await niche.locator('.status-line').waitFor();
			await niche.getByLabel('Kind of extract').selectOption('crimes');
			await niche.getByLabel(/^"DA Flag"/).selectOption('domestic_abuse');
			await card(page, 'crimes-postcode.csv').locator('.personal').waitFor();
			expect(await axe(page)).toEqual([]);
			// Nothing in the upload section reaches past the screen's edge, bar what scrolls inside its
			// own box (the preview tables); the whole page's width is extracts-pages.test.ts's to check.
			const beyond = await page.locator('section.month-end').evaluate((section) =>
				[...section.querySelectorAll('*')]
					.filter((e) => {
						if (e.getBoundingClientRect().right <= document.documentElement.clientWidth)
							return false;
						for (let p = e.parentElement; p && p !== section.parentElement; p = p.parentElement) {
							if (getComputedStyle(p).overflowX !== 'visible') return false;
						}
						return true;
					})
					.map((e) => `${e.tagName}.${e.className}`)
			);
			expect(beyond).toEqual([]);
			await shot(page, `narrow-${colorScheme}`);
			await context.close();
		});
	}
});
