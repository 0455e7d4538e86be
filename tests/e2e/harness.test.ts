import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from '../helpers/server';

describe('end-to-end harness', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({
			setup: async (db) => {
				await db.write((tx) =>
					tx.run(`INSERT INTO settings (key, value) VALUES ('harness', '"set up"')`)
				);
			}
		});
	});
	afterAll(async () => server?.stop());

	it('serves the production build over a database prepared before start', async () => {
		const res = await fetch(server.url + '/', { redirect: 'manual' });
		expect([200, 303]).toContain(res.status);
	});

	it('opens pages in headless Chromium', async () => {
		const browser = await launchBrowser();
		try {
			const context = await browser.newContext();
			const page = await context.newPage();
			const res = await page.goto(server.url + '/');
			expect(res?.status()).toBe(200);
			expect(await page.title()).not.toBe('');
		} finally {
			await browser.close();
		}
	});
});
