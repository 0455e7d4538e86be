// Build the production app once for the whole end-to-end run, and check a browser is there.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, chromiumPath } from '../helpers/server';

declare module 'vitest' {
	export interface ProvidedContext {
		appBuild: string;
	}
}

export default function setup(project: TestProject): () => void {
	chromiumPath();
	const build = buildApp();
	project.provide('appBuild', build);
	return () => fs.rmSync(path.dirname(build), { recursive: true, force: true });
}
