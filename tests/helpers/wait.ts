// Browser tests wait for the state they check: the page is read again until the expectation holds
// (as Playwright's own auto-waiting assertions do), never once straight after an action.
import { expect } from 'vitest';

/** `await eventually(() => locator.textContent()).toBe('…')`: polls for up to 15 s. */
export function eventually<T>(read: () => Promise<T> | T) {
	return expect.poll(read, { timeout: 15_000, interval: 100 });
}
