// The dashboard pages in headless Chromium over the sample data: a viewer signs in, visits every
// page, filters through the URL and the form (with and without JavaScript), checks a chart's table
// twin against the API, downloads a CSV, walks a chart with the keyboard, and axe finds nothing in
// light or dark. Screenshots go to /tmp/shots/ for people to look at.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/wait';
import { createUser } from '../../src/lib/server/auth';

const PW = 'a long viewer passphrase 42';
const PAGES = [
	{ path: '/overview', heading: 'Overview' },
	{ path: '/arrests-and-charges', heading: 'Arrests and charges' },
	{ path: '/under-reporting', heading: 'Under-reporting' },
	{ path: '/training', heading: 'Training' },
	{ path: '/areas', heading: 'Areas' }
];
const SHOTS = '/tmp/shots';

let server: TestServer;
let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
	server = await startServer({
		env: { SAMPLE_DATA: 'on' },
		timeoutMs: 300_000,
		setup: async (db) => {
			await createUser(db, { name: 'vera', roles: 'viewer', password: PW, actor: 'test' });
		}
	});
	browser = await launchBrowser();
	fs.mkdirSync(SHOTS, { recursive: true });
	// Sign in once through the real form; every later context reuses the session cookie.
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(server.url + '/overview');
	await page.getByLabel('User name').fill('vera');
	await page.getByLabel('Password').fill(PW);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/overview/);
	signedIn = await context.storageState();
	await context.close();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function viewerPage(
	options: Parameters<Browser['newContext']>[0] = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ storageState: signedIn, ...options });
	const page = await context.newPage();
	return { context, page };
}

async function axe(page: Page): Promise<string[]> {
	// Open every "show as table" twin so the tables are checked too.
	await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

/** The rows of a chart's table twin: first cell (row header) and the rest. */
async function tableTwin(page: Page, chartId: string): Promise<string[][]> {
	const figure = page.locator(`figure[aria-labelledby="${chartId}-title"]`);
	return figure
		.locator('table tbody tr')
		.evaluateAll((rows) =>
			rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? ''))
		);
}

const num = (s: string) => Number(s.replace(/,/g, ''));

describe('dashboard pages as a viewer', () => {
	it('shows every page with its heading, freshness, navigation and server-rendered charts', async () => {
		const { context, page } = await viewerPage();
		for (const p of PAGES) {
			const res = await page.goto(server.url + p.path);
			expect(res?.status(), p.path).toBe(200);
			await page.getByRole('heading', { level: 1, name: p.heading, exact: true }).waitFor();
			// The sample runs to March 2025 and its extracts are taken the next day.
			expect(await page.getByTestId('freshness').textContent()).toMatch(
				/^\s*Complete to 31 March 2025 \(extract taken 1 April\), last upload /
			);
			const current = page
				.getByRole('navigation', { name: 'Main' })
				.locator('[aria-current="page"]');
			expect(await current.textContent()).toBe(p.heading);
			expect(await page.locator('svg[role="img"] > title').count()).toBeGreaterThan(0);
			// A viewer is not offered the analyst, publisher or admin pages.
			expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
		}
		await context.close();
	});

	it('marks a month after the as-at date incomplete: hollow, labelled, never judged or compared', async () => {
		// The sample's extracts are taken 1 April 2025, so April 2025 is incomplete (and empty).
		const { context, page } = await viewerPage();
		await page.goto(server.url + '/arrests-and-charges?from=2024-05&to=2025-04');
		const rows = await tableTwin(page, 'charges-monthly');
		expect(rows).toHaveLength(12);
		expect(rows[11][0]).toBe('April 2025 (incomplete month)');
		expect(rows[11][1]).toBe('0');
		expect(rows[11][5]).toBe('—'); // no signal, though 0 charges would be far below the limits
		const chart = page.locator('figure[aria-labelledby="charges-monthly-title"] svg[role="img"]');
		expect(await chart.locator('text.prov-label').allTextContents()).toEqual(['Incomplete month']);
		expect(await chart.locator('circle.pt.hollow').count()).toBe(1);
		// Count charts carry no provisional bracket; the rate chart does (the 90-day rule).
		const rates = page.locator('figure[aria-labelledby="rates-title"] svg[role="img"]');
		expect(await rates.locator('text.prov-label').allTextContents()).toEqual([
			'Provisional',
			'Incomplete month'
		]);
		// The Overview compares complete months only, and says why April is left out.
		await page.goto(server.url + '/overview?to=2025-04');
		const note = page.locator('main p.note', { hasText: 'so the comparison ends at' });
		expect((await note.innerText()).replace(/\s+/g, ' ')).toBe(
			'April 2025 is an incomplete month (after the date the extracts were taken), so the comparison ends at March 2025.'
		);
		expect(await page.locator('main p.period').innerText()).toMatch(/^12 months to March 2025,/);
		// Its count chart has no provisional bracket: the 90-day rule is about charge rates.
		const overviewChart = page.locator(
			'figure[aria-labelledby="charges-xmr-title"] svg[role="img"]'
		);
		expect(await overviewChart.locator('text.prov-label').count()).toBe(0);
		// Areas are compared as yearly rates over complete months only.
		await page.goto(server.url + '/areas?from=2024-05&to=2025-04');
		const areasNote = page.locator('main p.note', { hasText: 'so areas are compared to' });
		expect((await areasNote.innerText()).replace(/\s+/g, ' ')).toBe(
			'April 2025 is an incomplete month (after the date the extracts were taken), so areas are compared to March 2025.'
		);
		expect(await page.locator('figure .subtitle').first().innerText()).toContain(
			'May 2024 to March 2025'
		);
		await context.close();
	});

	it('reads every filter from the URL into the form, the subtitle and the figures', async () => {
		const { context, page } = await viewerPage();
		await page.goto(
			server.url +
				'/arrests-and-charges?from=2024-01&to=2024-06&area=Mansfield&offences=stalking_harassment&domestic_abuse=Y'
		);
		expect(await page.getByLabel('From month', { exact: true }).inputValue()).toBe('2024-01');
		expect(await page.getByLabel('To month', { exact: true }).inputValue()).toBe('2024-06');
		expect(await page.getByLabel('Area', { exact: true }).inputValue()).toBe('Mansfield');
		expect(await page.getByLabel('Offences', { exact: true }).inputValue()).toBe(
			'stalking_harassment'
		);
		expect(await page.getByLabel('Domestic abuse', { exact: true }).inputValue()).toBe('Y');
		const subtitle = await page.locator('figure .subtitle').first().textContent();
		expect(subtitle).toContain('Mansfield');
		expect(subtitle).toContain('domestic abuse only');
		expect(subtitle).toContain('January 2024 to June 2024');
		// January to June: six months in the table twin.
		expect((await tableTwin(page, 'charges-monthly')).map((r) => r[0])).toEqual([
			'January 2024',
			'February 2024',
			'March 2024',
			'April 2024',
			'May 2024',
			'June 2024'
		]);
		// A bad month in a shared link still opens the page and says what was wrong.
		await page.goto(server.url + '/overview?from=2023-13');
		expect(await page.getByRole('alert').textContent()).toMatch(/from must be a month/);
		await context.close();
	});

	it('applies each filter from the form at once with JavaScript, without a full page load', async () => {
		const { context, page } = await viewerPage();
		await page.goto(server.url + '/arrests-and-charges');
		await page.evaluate(() => ((window as never as { marker: number }).marker = 1));

		await page.getByLabel('Area', { exact: true }).selectOption('Nottingham');
		await page.waitForURL(/area=Nottingham/);
		await page.getByLabel('Domestic abuse', { exact: true }).selectOption('N');
		await page.waitForURL(/domestic_abuse=N/);
		await page.getByLabel('Offences', { exact: true }).selectOption('stalking_harassment');
		await page.waitForURL(/offences=stalking_harassment/);
		await page.getByLabel('From month', { exact: true }).fill('2024-10');
		await page.waitForURL(/from=2024-10/);
		await page.getByLabel('To month', { exact: true }).fill('2025-01');
		await page.waitForURL(/to=2025-01/);

		await page.waitForFunction(() =>
			document
				.querySelector('figure .subtitle')
				?.textContent?.includes('October 2024 to January 2025')
		);
		const subtitle = await page.locator('figure .subtitle').first().textContent();
		expect(subtitle).toContain('Nottingham');
		expect(subtitle).toContain('not domestic abuse');
		expect(subtitle).toContain('stalking and harassment');
		// October 2024 to January 2025: four months in the table twin.
		await eventually(async () =>
			(await tableTwin(page, 'charges-monthly')).map((r) => r[0])
		).toEqual(['October 2024', 'November 2024', 'December 2024', 'January 2025']);
		// Still the same document: kit navigated client-side.
		expect(await page.evaluate(() => (window as never as { marker?: number }).marker)).toBe(1);
		await context.close();
	});

	it('filters through the GET form and shows the charts with JavaScript off', async () => {
		const { context, page } = await viewerPage({ javaScriptEnabled: false });
		await page.goto(server.url + '/training');
		expect(await page.locator('figure svg[role="img"]').count()).toBeGreaterThan(2);
		await page.getByLabel('Area', { exact: true }).selectOption('Gedling');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.waitForURL(/area=Gedling/);
		expect(await page.locator('figure .subtitle').first().textContent()).toContain('Gedling');
		// The table twin opens without JavaScript (details/summary).
		const figure = page.locator('figure[aria-labelledby="coverage-title"]');
		await figure.getByText('Show as table').click();
		await figure.locator('table').waitFor({ state: 'visible' });
		await context.close();
	});

	it("matches the charges table twin to the API's monthly figures for the same filters", async () => {
		const { context, page } = await viewerPage();
		const q = 'from=2023-04&to=2025-03&area=Ashfield&offences=stalking&domestic_abuse=all';
		await page.goto(`${server.url}/arrests-and-charges?${q}`);
		const rows = await tableTwin(page, 'charges-monthly');
		const api = await page.request.get(`${server.url}/api/v1/metrics/monthly?${q}`);
		expect(api.status()).toBe(200);
		const body = (await api.json()) as { months: { month: string; charges: number }[] };
		expect(rows.length).toBe(24);
		expect(rows.map((r) => num(r[1]))).toEqual(body.months.map((m) => m.charges));
		// The rates table shows the API's rates as percentages to one decimal place, month by
		// month, then the period's total row.
		const rates = await tableTwin(page, 'rates');
		const apiRates = (await (
			await page.request.get(`${server.url}/api/v1/metrics/monthly?${q}`)
		).json()) as {
			months: { charge_rate: number | null }[];
			totals: { charge_rate: number | null };
		};
		const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
		expect(rates.map((r) => r[5])).toEqual([
			...apiRates.months.map((m) => pct(m.charge_rate)),
			pct(apiRates.totals.charge_rate)
		]);
		expect(rates[rates.length - 1][0]).toBe('Total');
		await context.close();
	});

	it('downloads a chart as CSV from the API with the page filters', async () => {
		const { context, page } = await viewerPage({ acceptDownloads: true });
		await page.goto(server.url + '/arrests-and-charges?from=2024-04&to=2025-03&area=Broxtowe');
		const figure = page.locator('figure[aria-labelledby="charges-monthly-title"]');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			figure.getByRole('link', { name: /^CSV/ }).click()
		]);
		const text = fs.readFileSync((await download.path()) as string, 'utf8');
		const lines = text.trim().split(/\r?\n/);
		expect(lines[0]).toMatch(/month/);
		expect(lines[0]).toMatch(/value|charges/);
		// April 2024 to March 2025: a header and 12 months.
		expect(lines.length).toBe(13);
		// SVG download is built in the browser from the drawn chart.
		const [svg] = await Promise.all([
			page.waitForEvent('download'),
			figure.getByRole('button', { name: /^SVG/ }).click()
		]);
		const svgText = fs.readFileSync((await svg.path()) as string, 'utf8');
		expect(svgText).toMatch(/^<svg/);
		expect(svgText).toContain('Charges by month');
		const [png] = await Promise.all([
			page.waitForEvent('download'),
			figure.getByRole('button', { name: /^PNG/ }).click()
		]);
		const pngBytes = fs.readFileSync((await png.path()) as string);
		expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
		await context.close();
	});

	it('reads a month aloud when the chart is walked with the arrow keys', async () => {
		const { context, page } = await viewerPage();
		await page.goto(server.url + '/arrests-and-charges?from=2024-04&to=2025-03');
		const figure = page.locator('figure[aria-labelledby="charges-monthly-title"]');
		// The figures read aloud are the chart's own: its table twin's April and May 2024 rows.
		const twin = new Map((await tableTwin(page, 'charges-monthly')).map((r) => [r[0], r[1]]));
		await figure.locator('svg.chart-svg').focus();
		await page.keyboard.press('Home');
		const live = figure.locator('[aria-live="polite"]');
		await eventually(() => live.textContent()).toMatch(
			new RegExp(`^April 2024\\. Charges: ${twin.get('April 2024')}\\b`)
		);
		await page.keyboard.press('ArrowRight');
		await eventually(() => live.textContent()).toMatch(
			new RegExp(`^May 2024\\. Charges: ${twin.get('May 2024')}\\b`)
		);
		await eventually(() => figure.locator('.tooltip').count()).toBe(1);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`passes axe (WCAG 2.2 AA) on every page in the ${colorScheme} theme`, async () => {
			const { context, page } = await viewerPage({ colorScheme });
			const problems: string[] = [];
			for (const p of PAGES) {
				await page.goto(server.url + p.path);
				await page.waitForLoadState('networkidle');
				for (const v of await axe(page)) problems.push(`${p.path}: ${v}`);
			}
			expect(problems).toEqual([]);
			await context.close();
		});
	}

	it('takes desktop, 200 % zoom and 320 px screenshots of every page, none scrolling sideways', async () => {
		// 640 px is a 1280 px window at 200 % zoom.
		for (const [tag, width] of [
			['desktop', 1280],
			['zoom200', 640],
			['320px', 320]
		] as const) {
			for (const colorScheme of ['light', 'dark'] as const) {
				const { context, page } = await viewerPage({
					viewport: { width, height: 900 },
					colorScheme
				});
				for (const p of PAGES) {
					await page.goto(server.url + p.path);
					await page.waitForLoadState('networkidle');
					const name = p.path.slice(1);
					await page.screenshot({
						path: `${SHOTS}/${name}-${tag}-${colorScheme}.png`,
						fullPage: true
					});
					if (width < 1280) {
						// No sideways scrolling of the page itself (tables scroll in their own box).
						const overflow = await page.evaluate(
							() => document.documentElement.scrollWidth - document.documentElement.clientWidth
						);
						expect(overflow, `${p.path} at ${width} px`).toBeLessThanOrEqual(0);
					}
				}
				await context.close();
			}
		}
	});

	it('prints a board pack without navigation, filters or downloads, charts kept', async () => {
		const { context, page } = await viewerPage({ colorScheme: 'dark' });
		await page.goto(server.url + '/overview');
		await page.emulateMedia({ media: 'print' });
		await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
		await page.locator('form.filters').waitFor({ state: 'hidden' });
		await page.locator('.downloads').first().waitFor({ state: 'hidden' });
		await page.locator('figure svg.chart-svg').first().waitFor({ state: 'visible' });
		// Printing from the dark theme still prints dark text on white.
		const colours = await page.evaluate(() => {
			const cs = getComputedStyle(document.body);
			return [cs.color, getComputedStyle(document.documentElement).backgroundColor];
		});
		expect(colours).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
		await page.screenshot({ path: `${SHOTS}/overview-print.png`, fullPage: true });
		await context.close();
	});

	it('sends under 150 KB of gzipped JavaScript for the Overview', async () => {
		const { context, page } = await viewerPage();
		// Every script response's body, collected before counting (each body arrives on its own).
		const bodies: Promise<Buffer>[] = [];
		page.on('response', (res) => {
			if (res.request().resourceType() === 'script' && res.ok()) bodies.push(res.body());
		});
		await page.goto(server.url + '/overview');
		await page.waitForLoadState('networkidle');
		const scripts = await Promise.all(bodies);
		let gz = 0;
		for (const body of scripts) gz += zlib.gzipSync(body).length;
		const kb = gz / 1024;
		console.log(`Overview JavaScript: ${scripts.length} files, ${kb.toFixed(1)} KB gzipped`);
		// Hydration needs kit's scripts: with none the budget below would hold vacuously.
		expect(scripts.length).toBeGreaterThan(0);
		expect(kb).toBeLessThan(150);
		await context.close();
	});
});

describe('dashboard pages with no data', () => {
	let empty: TestServer;
	beforeAll(async () => {
		empty = await startServer({
			setup: async (db) => {
				await createUser(db, { name: 'vic', roles: 'viewer', password: PW, actor: 'test' });
			}
		});
	});
	afterAll(async () => empty?.stop());

	it('says which extract to upload on each page instead of drawing empty charts', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(empty.url + '/overview');
		await page.getByLabel('User name').fill('vic');
		await page.getByLabel('Password').fill(PW);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(/\/overview/);
		const expected: Record<string, RegExp> = {
			'/overview': /Upload the crimes extract/,
			'/arrests-and-charges': /Upload the crimes, arrests and outcomes extracts/,
			'/under-reporting': /Upload the incidents extract/,
			'/training': /Upload the workforce and training extracts/,
			'/areas': /Upload the crimes extract/
		};
		for (const p of PAGES) {
			await page.goto(empty.url + p.path);
			expect(await page.locator('main').textContent(), p.path).toMatch(expected[p.path]);
			expect(await page.getByTestId('freshness').textContent()).toMatch(
				/No data has been uploaded yet/
			);
			expect(await axe(page), p.path).toEqual([]);
		}
		await context.close();
	});
});
