// `npm start`: build the app when the sources are newer than the build, then serve it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveEnv } from './serve-env';

const root = path.resolve(import.meta.dirname, '..');
const builtMarker = path.join(root, 'build', 'handler.js');

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
		if (t > newest) newest = t;
	}
	return newest;
}

function needsBuild(): boolean {
	if (!fs.existsSync(builtMarker)) return true;
	const built = fs.statSync(builtMarker).mtimeMs;
	const inputs = ['src', 'static'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
	const configs = ['svelte.config.js', 'vite.config.ts', 'package.json'].map((f) =>
		path.join(root, f)
	);
	const newest = Math.max(
		...inputs.map(newestMtime),
		...configs.map((f) => fs.statSync(f).mtimeMs)
	);
	return newest > built;
}

if (needsBuild()) {
	process.stderr.write('Building the dashboard (first start or sources changed)…\n');
	execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
		cwd: root,
		stdio: ['ignore', 'inherit', 'inherit']
	});
}

Object.assign(process.env, serveEnv(process.env));
process.stderr.write(
	`Open ${process.env.ORIGIN} (set ORIGIN to the address people use when it differs).\n`
);
await import(pathToFileURL(path.join(root, 'build', 'index.js')).href);
