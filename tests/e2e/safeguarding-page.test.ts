// The Safeguarding page in headless Chromium over the sample data: a viewer opens it; every chart
// has its title, a summary sentence whose numbers are the API's for the same filters, a table twin
// whose cells are the API's figures and a CSV link; the orders section says which filters do not
// apply; the area filter through the form moves the URL and the figures; axe finds nothing in light
// or dark; nothing scrolls sideways at 320 px or in print at A4 width; the Overview's headline card
// links here; and with the sample's safeguarding uploads rolled back the page says which extract to
// upload instead of showing zeros. Screenshots go to /tmp/shots/ for people to look at.
import fs from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/lib/server/auth';
import { fmtCount, fmtDecimal, fmtPct, monthLong } from '../../src/lib/charts/format';
import { formatCell, type Figure } from '../../src/lib/figures';
import {
	inForceFigure,
	journeyFigure,
	ordersFigure,
	recognitionFigure,
	riskFigure,
	riskMixFigure
} from '../../src/lib/server/metrics/declared';
import type { JourneyResult, SafeguardingResult } from '../../src/lib/server/metrics/types';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/wait';

const PW = 'a long viewer passphrase 42';
const SHOTS = '/tmp/shots';
// The sample's latest financial year (it runs to March 2025, taken 1 April 2025).
const FY = 'from=2024-04&to=2025-03';

let server: TestServer;
let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
let analystToken = '';

beforeAll(async () => {
	server = await startServer({
		env: { SAMPLE_DATA: 'on' },
		timeoutMs: 300_000,
		setup: async (db) => {
			await createUser(db, { name: 'vera', roles: 'viewer', password: PW, actor: 'test' });
			await createUser(db, { name: 'ana', roles: 'analyst', password: PW, actor: 'test' });
			analystToken = (await createToken(db, { userName: 'ana', label: 'e2e', actor: 'test' }))
				.token;
		}
	});
	browser = await launchBrowser();
	fs.mkdirSync(SHOTS, { recursive: true });
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(server.url + '/safeguarding');
	await page.getByLabel('User name').fill('vera');
	await page.getByLabel('Password').fill(PW);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/safeguarding/);
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
	return { context, page: await context.newPage() };
}

/** The API as the signed-in viewer sees it (the page's own session). */
async function api<T>(page: Page, endpoint: string, q: string): Promise<T> {
	const res = await page.request.get(`${server.url}/api/v1/metrics/${endpoint}?${q}`);
	expect(res.status(), `${endpoint}?${q}`).toBe(200);
	return (await res.json()) as T;
}

async function axe(page: Page): Promise<string[]> {
	await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

const figureOf = (page: Page, id: string) => page.locator(`figure[aria-labelledby="${id}-title"]`);
const text = async (page: Page, selector: string) =>
	((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const summaryOf = async (page: Page, id: string) =>
	((await figureOf(page, id).getByTestId('summary').textContent()) ?? '')
		.replace(/\s+/g, ' ')
		.trim();

/** A twin's rows as printed: every cell, row header first. */
async function tableTwin(page: Page, id: string): Promise<string[][]> {
	return figureOf(page, id)
		.locator('table tbody tr')
		.evaluateAll((rows) =>
			rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? ''))
		);
}
async function tableHead(page: Page, id: string): Promise<string[]> {
	return figureOf(page, id)
		.locator('table thead th')
		.evaluateAll((cells) => cells.map((c) => c.textContent?.trim() ?? ''));
}

/** A declared figure as the table twin should print it. */
const printed = (f: Figure) => f.rows.map((row) => f.columns.map((c) => formatCell(row[c.key], c)));

/** Each chart: the figure its twin renders from the API's answer, and the endpoint of its CSV. */
const CHARTS: {
	id: string;
	endpoint: 'safeguarding' | 'journey';
	figure: (s: SafeguardingResult, j: JourneyResult) => Figure;
}[] = [
	{ id: 'risk-assessment', endpoint: 'safeguarding', figure: (s) => riskFigure(s, 'x', 'x') },
	{ id: 'risk-mix', endpoint: 'safeguarding', figure: (s) => riskMixFigure(s, 'x', 'x') },
	{ id: 'referrals', endpoint: 'safeguarding', figure: (s) => riskFigure(s, 'x', 'x') },
	{ id: 'orders', endpoint: 'safeguarding', figure: (s) => ordersFigure(s, 'x', 'x') },
	{ id: 'orders-in-force', endpoint: 'safeguarding', figure: (s) => inForceFigure(s, 'x', 'x') },
	{ id: 'recognition', endpoint: 'safeguarding', figure: (s) => recognitionFigure(s, 'x', 'x') },
	{ id: 'reclassified', endpoint: 'safeguarding', figure: (s) => recognitionFigure(s, 'x', 'x') },
	{ id: 'journey', endpoint: 'journey', figure: (_s, j) => journeyFigure(j, 'x', 'x') },
	{ id: 'orders-journey', endpoint: 'journey', figure: (_s, j) => journeyFigure(j, 'x', 'x') }
];

/** The headline sentences as the API's figures say them. */
function expectSentences(
	sentences: Record<string, string>,
	s: SafeguardingResult,
	j: JourneyResult
): void {
	const t = s.totals;
	const complete = s.months.filter((m) => !m.incomplete);
	const last = complete[complete.length - 1];
	const range = (key: 'risk_assessment_rate' | 'stalking_share') => {
		const v = complete.map((m) => m[key] as number);
		return `(the period's months from ${fmtPct(Math.min(...v))} to ${fmtPct(Math.max(...v))})`;
	};
	// Risk assessment: the XmR sentence names the last month's rate and the period's range (or,
	// without limits, the period's rate).
	const risk = sentences['risk-assessment'];
	if (risk.startsWith('Over the period')) {
		expect(risk).toContain(`${fmtPct(t.risk_assessment_rate)} of stalking crimes`);
	} else {
		expect(risk).toContain(
			`The risk assessment rate in ${monthLong(last.month)}: ${fmtPct(last.risk_assessment_rate)} ${range('risk_assessment_rate')}`
		);
	}
	expect(sentences['risk-mix']).toBe(
		`Of ${fmtCount(t.risk_assessed)} crimes assessed over the period, ${fmtCount(t.risk_high)} (${fmtPct(
			t.risk_high / t.risk_assessed
		)}) were assessed as high risk, ${fmtCount(t.risk_medium)} as medium and ${fmtCount(t.risk_standard)} as standard.`
	);
	expect(sentences.referrals).toBe(
		`Over the period ${fmtPct(t.marac_rate)} of high-risk crimes were referred to MARAC (${fmtCount(
			t.marac_referred_high
		)} of ${fmtCount(t.risk_high)}), and ${fmtPct(t.advocacy_rate)} of all stalking crimes were referred to specialist advocacy (${fmtCount(
			t.advocacy_referred
		)} of ${fmtCount(t.recorded)}).`
	);
	const orders = sentences.orders;
	expect(orders).toContain(
		`${fmtCount(t.orders_applied)} orders applied for over the period: ${fmtCount(t.orders_granted)} granted, ${fmtCount(
			t.orders_refused
		)} refused, ${fmtCount(t.orders_withdrawn)} withdrawn and ${fmtCount(t.orders_pending)} still pending.`
	);
	if (t.grant_rate !== null)
		expect(orders).toContain(`Of those decided, ${fmtPct(t.grant_rate)} were granted.`);
	if (t.median_days_to_application !== null) {
		expect(orders).toContain(
			`was ${fmtDecimal(t.median_days_to_application)} days (over ${fmtCount(t.orders_with_crime)} orders`
		);
	}
	expect(orders).toContain(`${fmtCount(t.breaches)} breach`);
	expect(sentences['orders-in-force']).toBe(
		`At the end of ${monthLong(s.filters.to)}, ${fmtCount(t.orders_in_force_at_end)} granted orders were in force.`
	);
	const recognition = sentences.recognition;
	if (recognition.startsWith('Over the period')) {
		expect(recognition).toContain(fmtPct(t.stalking_share));
	} else {
		expect(recognition).toContain(
			`in ${monthLong(last.month)}: ${fmtPct(last.stalking_share)} ${range('stalking_share')}`
		);
	}
	if (t.first_code_known > 0) {
		expect(sentences.reclassified).toContain(
			`${fmtCount(t.reclassified_to_stalking)} of ${fmtCount(t.first_code_known)} stalking crimes with a first code (${fmtPct(
				t.reclassified_rate
			)})`
		);
	}
	// The journey: every crime step's count and share, in order.
	const [recorded, ...steps] = j.steps;
	expect(sentences.journey).toBe(
		`Of ${fmtCount(recorded.count)} stalking crimes recorded, ${steps
			.map((st) =>
				st.count === null
					? `${st.label.toLowerCase()}: no data loaded`
					: `${fmtCount(st.count)} ${st.label.toLowerCase()} (${fmtPct(st.rate)})`
			)
			.join('; ')}.`
	);
	const [applied, granted, breached] = j.orders;
	expect(sentences['orders-journey']).toBe(
		`Orders applied for: ${fmtCount(applied.count)}; Granted: ${fmtCount(granted.count)} (${fmtPct(
			granted.rate
		)} of ${fmtCount(granted.denominator)}); Granted and breached at least once: ${fmtCount(
			breached.count
		)} (${fmtPct(breached.rate)} of ${fmtCount(breached.denominator)}).`
	);
	// The orders' summary and the journey agree with each other too.
	expect(applied.count).toBe(t.orders_applied);
	expect(granted.count).toBe(t.orders_granted);
	expect(recorded.count).toBe(t.recorded);
	expect(j.steps.find((st) => st.key === 'risk_assessed')!.count).toBe(t.risk_assessed);
	expect(j.steps.find((st) => st.key === 'advocacy_referred')!.count).toBe(t.advocacy_referred);
}

/** Every chart's title, summary, twin against the API, and CSV link; returns the summaries. */
async function checkCharts(page: Page, q: string): Promise<Record<string, string>> {
	const s = await api<SafeguardingResult>(page, 'safeguarding', q);
	const j = await api<JourneyResult>(page, 'journey', q);
	const sentences: Record<string, string> = {};
	for (const chart of CHARTS) {
		const figure = figureOf(page, chart.id);
		expect(await figure.count(), chart.id).toBe(1);
		const title = (await figure.locator(`#${chart.id}-title`).textContent())?.trim() ?? '';
		expect(title.length, `${chart.id} title`).toBeGreaterThan(10);
		expect(
			(await figure.locator('svg[role="img"] > title').first().textContent())?.trim().length,
			`${chart.id} svg title`
		).toBeGreaterThan(5);
		const summary = await summaryOf(page, chart.id);
		expect(summary.length, `${chart.id} summary`).toBeGreaterThan(20);
		expect(summary, `${chart.id} summary`).not.toMatch(/undefined|NaN|null/);
		sentences[chart.id] = summary;
		// The twin opens with its "Show as table" control and holds the API's figures.
		await figure.getByText('Show as table').click();
		await figure.locator('table').waitFor({ state: 'visible' });
		const expected = chart.figure(s, j);
		expect(await tableHead(page, chart.id), `${chart.id} columns`).toEqual(
			expected.columns.map((c) => c.label)
		);
		expect(await tableTwin(page, chart.id), `${chart.id} cells`).toEqual(printed(expected));
		// The CSV link is the API's CSV with the page's filters.
		const href = await figure.getByRole('link', { name: /^CSV/ }).getAttribute('href');
		expect(href, chart.id).toMatch(new RegExp(`^/api/v1/metrics/${chart.endpoint}\\?`));
		const params = new URL(href!, server.url).searchParams;
		expect(params.get('format')).toBe('csv');
		for (const [k, v] of new URLSearchParams(q)) expect(params.get(k), `${chart.id} ${k}`).toBe(v);
	}
	// Read independently of the declarations: the risk twin's last month and total.
	const risk = await tableTwin(page, 'risk-assessment');
	const lastMonth = s.months[s.months.length - 1];
	expect(risk[risk.length - 2].slice(0, 4)).toEqual([
		monthLong(lastMonth.month),
		fmtCount(lastMonth.recorded),
		fmtCount(lastMonth.risk_assessed),
		fmtPct(lastMonth.risk_assessment_rate)
	]);
	expect(risk[risk.length - 1].slice(0, 4)).toEqual([
		'Total',
		fmtCount(s.totals.recorded),
		fmtCount(s.totals.risk_assessed),
		fmtPct(s.totals.risk_assessment_rate)
	]);
	const journey = await tableTwin(page, 'journey');
	expect(journey.map((r) => [r[0], r[1]])).toEqual(
		[...j.steps, ...j.orders].map((st) => [st.label, fmtCount(st.count)])
	);
	expectSentences(sentences, s, j);
	return sentences;
}

describe('the Safeguarding page as a viewer', () => {
	it('shows every chart with its title, summary from the figures, table twin matching the API and CSV', async () => {
		const { context, page } = await viewerPage();
		const res = await page.goto(`${server.url}/safeguarding?${FY}`);
		expect(res?.status()).toBe(200);
		await page.getByRole('heading', { level: 1, name: 'Safeguarding', exact: true }).waitFor();
		expect(
			await page
				.getByRole('navigation', { name: 'Main' })
				.locator('[aria-current="page"]')
				.textContent()
		).toBe('Safeguarding');
		for (const h of [
			'Risk assessment and referral',
			'Stalking Protection Orders',
			'Recognising stalking',
			'The journey from report to charge'
		]) {
			await page.getByRole('heading', { level: 2, name: h, exact: true }).waitFor();
		}
		const q = 'from=2024-04&to=2025-03&area=all&offences=stalking&domestic_abuse=all';
		await checkCharts(page, q);
		// The CSV downloads are the API's: a header and a total row for safeguarding, one row a step
		// for the journey.
		const csv = await page.request.get(`${server.url}/api/v1/metrics/safeguarding?${q}&format=csv`);
		expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
		const lines = (await csv.text()).trimEnd().split('\r\n');
		expect(lines[0]).toMatch(/^month,recorded,risk_assessed,risk_assessment_rate,/);
		expect(lines).toHaveLength(1 + 12 + 1);
		expect(lines[13]).toMatch(/^total,/);
		const jcsv = await page.request.get(`${server.url}/api/v1/metrics/journey?${q}&format=csv`);
		expect((await jcsv.text()).trimEnd().split('\r\n')).toHaveLength(1 + 6 + 3);
		// The sample's 2024/25 figures, for people reading the run.
		const s = await api<SafeguardingResult>(page, 'safeguarding', FY);
		const j = await api<JourneyResult>(page, 'journey', FY);
		console.log(
			`Sample 2024/25 safeguarding: ${JSON.stringify(s.totals)}\njourney: ${JSON.stringify(
				[...j.steps, ...j.orders].map((st) => [st.key, st.count, st.rate])
			)}`
		);
		await context.close();
	});

	it('says on the orders section that the offence and domestic-abuse filters do not apply', async () => {
		const { context, page } = await viewerPage();
		await page.goto(
			`${server.url}/safeguarding?${FY}&domestic_abuse=Y&offences=stalking_harassment`
		);
		const note = page.locator('main p.note', { hasText: 'do not apply to orders' });
		expect((await note.innerText()).replace(/\s+/g, ' ')).toBe(
			"Orders counted: SPO and interim SPO. The area filter applies to the order's own area; the offence and domestic-abuse filters do not apply to orders."
		);
		// And they do not: the orders' twin is the same as with neither filter.
		const filtered = await tableTwin(page, 'orders');
		await page.goto(`${server.url}/safeguarding?${FY}`);
		expect(await tableTwin(page, 'orders')).toEqual(filtered);
		// The recognition chart says the offence filter does not apply there either.
		expect(await figureOf(page, 'recognition').locator('.denominator').textContent()).toContain(
			'The offence filter does not apply here; area and domestic abuse do.'
		);
		await context.close();
	});

	it('changes the URL and the figures when the area is chosen in the form', async () => {
		const { context, page } = await viewerPage();
		await page.goto(`${server.url}/safeguarding?${FY}`);
		const before = await summaryOf(page, 'risk-mix');
		const beforeOrders = await tableTwin(page, 'orders');
		await page.getByLabel('Area', { exact: true }).selectOption('Mansfield');
		await page.waitForURL(/area=Mansfield/);
		expect(new URL(page.url()).searchParams.get('from')).toBe('2024-04');
		await eventually(() => text(page, 'figure[aria-labelledby="orders-title"] .subtitle')).toBe(
			'Mansfield'
		);
		await eventually(() => summaryOf(page, 'risk-mix')).not.toBe(before);
		expect(await tableTwin(page, 'orders')).not.toEqual(beforeOrders);
		expect(await text(page, 'figure[aria-labelledby="risk-assessment-title"] .subtitle')).toContain(
			'Mansfield'
		);
		await checkCharts(
			page,
			'from=2024-04&to=2025-03&area=Mansfield&offences=stalking&domestic_abuse=all'
		);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`passes axe (WCAG 2.2 AA) in the ${colorScheme} theme`, async () => {
			const { context, page } = await viewerPage({ colorScheme });
			await page.goto(`${server.url}/safeguarding`);
			await page.waitForLoadState('networkidle');
			expect(await axe(page)).toEqual([]);
			await context.close();
		});
	}

	it('takes screenshots (1280 light, 320 dark) and does not scroll sideways at 320 px', async () => {
		for (const [width, colorScheme] of [
			[1280, 'light'],
			[320, 'dark'],
			[320, 'light'],
			[1280, 'dark']
		] as const) {
			const { context, page } = await viewerPage({ viewport: { width, height: 900 }, colorScheme });
			await page.goto(`${server.url}/safeguarding?${FY}`);
			await page.waitForLoadState('networkidle');
			await page.screenshot({
				path: `${SHOTS}/safeguarding-${width}-${colorScheme}.png`,
				fullPage: true
			});
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow, `${width} px ${colorScheme}`).toBeLessThanOrEqual(0);
			// Opened twins scroll in their own box, not the page.
			await page.evaluate(() =>
				document.querySelectorAll('details').forEach((d) => (d.open = true))
			);
			expect(
				await page.evaluate(
					() => document.documentElement.scrollWidth - document.documentElement.clientWidth
				),
				`${width} px ${colorScheme}, tables open`
			).toBeLessThanOrEqual(0);
			await context.close();
		}
	});

	// The shared BarChart once put a label that did not fit beside its bar inside the bar, so a label
	// longer than the bar ran off the chart's left edge; it now keeps room for the longest label.
	it('keeps every bar value label whole inside its chart at 320 px and 1280 px', async () => {
		for (const width of [320, 1280]) {
			const { context, page } = await viewerPage({ viewport: { width, height: 900 } });
			await page.goto(`${server.url}/safeguarding?${FY}`);
			await page.waitForLoadState('networkidle');
			// A label that does not fit beside its bar is drawn inside it; it must not run off the
			// chart's left edge (at 320 px "1,023 (66.7% of 1,534)" was cut to "3 (66.7% of 1,534)").
			const cut = await page.locator('figure svg.chart-svg').evaluateAll((svgs) =>
				svgs.flatMap((svg) => {
					const box = svg.getBoundingClientRect();
					return [...svg.querySelectorAll('text.value')]
						.filter((t) => {
							const r = t.getBoundingClientRect();
							return r.left < box.left - 0.5 || r.right > box.right + 0.5;
						})
						.map(
							(t) => `${svg.closest('figure')?.getAttribute('aria-labelledby')}: ${t.textContent}`
						);
				})
			);
			expect(cut, `${width} px`).toEqual([]);
			await context.close();
		}
	});

	it('prints at A4 width without sideways overflow, navigation, filters or downloads', async () => {
		const { context, page } = await viewerPage({ viewport: { width: 794, height: 1123 } });
		await page.goto(`${server.url}/safeguarding?${FY}`);
		await page.waitForLoadState('networkidle');
		await page.emulateMedia({ media: 'print' });
		await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
		await page.locator('form.filters').waitFor({ state: 'hidden' });
		await page.locator('.downloads').first().waitFor({ state: 'hidden' });
		const sideways = () =>
			page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
		expect(await sideways(), '794 px').toBeLessThanOrEqual(0);
		// A4's text width inside 12 mm margins (186 mm = 703 px).
		await page.setViewportSize({ width: 703, height: 1123 });
		expect(await sideways(), '703 px').toBeLessThanOrEqual(0);
		const widest = await page.evaluate(() =>
			Math.max(
				...[...document.querySelectorAll('main svg')].map((e) => e.getBoundingClientRect().right)
			)
		);
		expect(widest).toBeLessThanOrEqual(703);
		await page.screenshot({ path: `${SHOTS}/safeguarding-print.png`, fullPage: true });
		const pdf = await page.pdf({ format: 'A4', path: `${SHOTS}/safeguarding.pdf` });
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		await context.close();
	});

	it("has the Overview's safeguarding headline card, linking to the page, with the API's figures", async () => {
		const { context, page } = await viewerPage();
		await page.goto(`${server.url}/overview`);
		const card = page.locator('article.card', {
			has: page.getByRole('heading', { name: /^Risk assessed within 2 days$/ })
		});
		await card.waitFor();
		// The Overview's 12 months to the latest complete month, March 2025.
		const s = await api<SafeguardingResult>(page, 'safeguarding', FY);
		expect(await card.getByTestId('headline-value').textContent()).toBe(
			fmtPct(s.totals.risk_assessment_rate)
		);
		expect((await card.locator('.sentence').textContent())?.replace(/\s+/g, ' ')).toContain(
			`Of the ${fmtCount(s.totals.recorded)} stalking crimes recorded in the 12 months to March 2025, ${fmtCount(
				s.totals.risk_assessed
			)} had a risk assessment completed within 2 days.`
		);
		const link = card.getByRole('link', { name: 'Safeguarding' });
		expect(await link.getAttribute('href')).toMatch(/^\/safeguarding\?/);
		await link.click();
		await page.waitForURL(/\/safeguarding\?/);
		await page.getByRole('heading', { level: 1, name: 'Safeguarding', exact: true }).waitFor();
		await context.close();
	});
});

describe('the Safeguarding page with the safeguarding extracts rolled back', () => {
	const rolledBack: string[] = [];
	const call = (p: string, method = 'GET') =>
		fetch(server.url + p, { method, headers: { authorization: `Bearer ${analystToken}` } });

	beforeAll(async () => {
		// An analyst rolls back the sample's risk assessments and protective orders uploads.
		const res = await call('/api/v1/extracts');
		expect(res.status).toBe(200);
		const { uploads } = (await res.json()) as {
			uploads: { id: string; kind: string; active: boolean }[];
		};
		for (const kind of ['risk_assessments', 'protective_orders']) {
			const upload = uploads.find((u) => u.kind === kind && u.active);
			expect(upload, kind).toBeTruthy();
			const back = await call(`/api/v1/extracts/${upload!.id}/rollback`, 'POST');
			expect(back.status, kind).toBe(200);
			rolledBack.push(upload!.id);
		}
	});
	afterAll(async () => {
		for (const id of rolledBack)
			await (await call(`/api/v1/extracts/${id}/restore`, 'POST')).arrayBuffer();
	});

	it('says "no data yet" naming the extract, never zeros, and the journey says no data loaded', async () => {
		const { context, page } = await viewerPage({ viewport: { width: 1280, height: 900 } });
		await page.goto(`${server.url}/safeguarding?${FY}`);
		const notes = await page.locator('main .empty').allInnerTexts();
		// (The dash's spacing is normalised: the shared EmptyState renders "see it— ask", its space
		// before the dash lost to Svelte's trimming at the start of an {#if} branch.)
		const words = (n: string) => n.replace(/\s+/g, ' ').replace(/ ?— ?/g, ' — ').trim();
		expect(notes.map(words)).toEqual([
			'No data yet for risk assessment and referral. Upload the risk_assessments extract to see it — ask a performance analyst to upload it.',
			'No data yet for protective orders. Upload the protective_orders extract to see it — ask a performance analyst to upload it.'
		]);
		// No risk or orders chart drawn with zeros.
		for (const id of [
			'risk-assessment',
			'risk-mix',
			'referrals',
			'orders',
			'orders-in-force',
			'orders-journey'
		]) {
			expect(await figureOf(page, id).count(), id).toBe(0);
		}
		// Recognition needs crimes only and is still there.
		expect(await figureOf(page, 'recognition').count()).toBe(1);
		// The journey: the steps read from the empty kinds say no data loaded, in the sentence, the
		// note, the chart and the twin ('–', not 0).
		const j = await api<JourneyResult>(page, 'journey', FY);
		expect(j.steps.filter((st) => st.count === null).map((st) => st.key)).toEqual([
			'risk_assessed',
			'advocacy_referred'
		]);
		expect(j.orders.every((st) => st.count === null)).toBe(true);
		const summary = await summaryOf(page, 'journey');
		expect(summary).toContain('risk assessed within 2 days: no data loaded');
		expect(summary).toContain('referred to specialist advocacy: no data loaded');
		expect(await figureOf(page, 'journey').locator('p.note').first().innerText()).toContain(
			'Those steps are not zero; they are unknown until the risk assessments and protective orders extracts are uploaded.'
		);
		expect(await figureOf(page, 'journey').locator('svg text.value').allTextContents()).toEqual(
			expect.arrayContaining(['no figure (no data loaded)'])
		);
		const twin = await tableTwin(page, 'journey');
		const row = twin.find((r) => r[0] === 'Risk assessed within 2 days')!;
		expect(row[1]).toBe('–');
		expect(twin.find((r) => r[0] === 'Orders applied for')![1]).toBe('–');
		expect(await axe(page)).toEqual([]);
		await page.screenshot({ path: `${SHOTS}/safeguarding-rolled-back.png`, fullPage: true });
		// The Overview's card says so too, instead of 0 %.
		await page.goto(`${server.url}/overview`);
		const card = page.locator('article.card', {
			has: page.getByRole('heading', { name: /^Risk assessed within 2 days$/ })
		});
		expect(await card.getByTestId('headline-value').textContent()).toBe('–');
		expect(await card.locator('.sentence').textContent()).toContain(
			'No risk assessment data yet (risk assessments extract).'
		);
		await context.close();
	});
});
