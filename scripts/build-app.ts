// Building the production app into a folder of its own, shared by the end-to-end harness and the
// benchmark. Kit's intermediate output (.svelte-kit) is shared by every build in the checkout, so
// concurrent builds on one machine wait for each other behind a lock directory.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Wait for the lock directory (mkdir is atomic), taking over one left for ten minutes by a dead run. */
function takeLock(lock: string): void {
	fs.mkdirSync(path.dirname(lock), { recursive: true });
	const started = Date.now();
	for (;;) {
		try {
			fs.mkdirSync(lock);
			return;
		} catch {
			const stat = fs.statSync(lock, { throwIfNoEntry: false });
			if (stat && Date.now() - stat.mtimeMs > 600_000) {
				fs.rmSync(lock, { recursive: true, force: true });
			}
			if (Date.now() - started > 900_000) throw new Error(`Gave up waiting for ${lock}`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
		}
	}
}

/** `vite build` into .test-build/<name>/app (removed first); returns that folder. */
export function buildAppInto(name: string): string {
	const own = path.join(root, '.test-build', name);
	const lock = path.join(root, '.test-build', '.lock');
	takeLock(lock);
	try {
		fs.rmSync(own, { recursive: true, force: true });
		execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
			cwd: root,
			env: { ...process.env, BUILD_OUT: path.join(own, 'app') },
			stdio: ['ignore', 'ignore', 'inherit']
		});
	} catch (err) {
		fs.rmSync(own, { recursive: true, force: true });
		throw err;
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
	return path.join(own, 'app');
}

/** A port nothing listens on now, on the loopback address. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}
