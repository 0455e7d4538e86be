// Sign-in and the account pages in headless Chromium: hydration under the CSP (no violations),
// enhanced forms, focus on the error summary, working without JavaScript, and axe on each page.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/wait';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';
import { createUser } from '../../src/lib/server/auth';
import { PW } from './auth-http';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({
		setup: async (db) => {
			await createUser(db, { name: 'root', roles: 'admin', password: PW, actor: 'test' });
			await createUser(db, { name: 'nojs', roles: 'admin', password: PW, actor: 'test' });
		}
	});
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** Collect CSP violations the page reports (console and the DOM event). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
	const seen: string[] = [];
	page.on('console', (m) => {
		if (/Content[- ]Security[- ]Policy/i.test(m.text())) seen.push(m.text());
	});
	await page.addInitScript(() => {
		const w = window as unknown as { __csp: string[] };
		w.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`)
		);
	});
	return async () => [
		...seen,
		...(await page.evaluate(() => (window as never as { __csp: string[] }).__csp))
	];
}

async function axe(page: Page) {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
}

describe('in a browser', () => {
	it('signs in through the enhanced form with no CSP violation, and the pages pass axe', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		const violations = await watchCsp(page);

		await page.goto(server.url + '/admin/users');
		expect(new URL(page.url()).pathname).toBe('/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/users');
		expect(await axe(page)).toEqual([]);

		// A marker survives only if the enhanced form answered without a full page load (hydrated).
		await page.evaluate(() => ((window as never as { marker: number }).marker = 1));
		await page.getByLabel('User name').fill('root');
		await page.getByLabel('Password').fill('not-the-password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').waitFor();
		expect(await page.evaluate(() => (window as never as { marker?: number }).marker)).toBe(1);
		// Focus moves to the error summary once it is drawn: wait for it rather than read at once.
		await eventually(() => page.evaluate(() => document.activeElement?.className)).toContain(
			'error-summary'
		);
		expect(await axe(page)).toEqual([]);

		await page.getByLabel('Password').fill(PW);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(/\/admin\/users$/);
		await page.getByRole('heading', { name: 'Users and roles' }).waitFor();
		expect(await axe(page)).toEqual([]);

		for (const [path, heading] of [
			['/admin', 'Admin'],
			['/admin/tokens', 'API tokens'],
			['/admin/audit', 'Audit log'],
			['/account/password', 'Change your password']
		]) {
			await page.goto(server.url + path);
			await page.getByRole('heading', { name: heading, exact: true }).waitFor();
			expect(await axe(page), path).toEqual([]);
		}
		expect(await violations()).toEqual([]);
		await context.close();
	});

	it('signs in and creates a user without JavaScript', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(server.url + '/admin/users');
		await page.getByLabel('User name').fill('nojs');
		await page.getByLabel('Password').fill(PW);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(/\/admin\/users$/);
		await page.locator('#create-name').fill('walker');
		await page.locator('#create-roles-viewer').check();
		await page.getByRole('button', { name: 'Create user' }).click();
		await page.getByText('Created walker.').waitFor();
		// The one-time password: four groups of five letters and digits joined by hyphens (23 characters).
		await eventually(() => page.locator('code.secret').textContent()).toMatch(
			/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/
		);
		await context.close();
	});
});
