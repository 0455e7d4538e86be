// Build the production app once for the whole end-to-end run, and find the browser once.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, resolveChromium } from '../helpers/server';

declare module 'vitest' {
	export interface ProvidedContext {
		appBuild: string;
		chromiumPath: string;
	}
}

export default async function setup(project: TestProject): Promise<() => void> {
	project.provide('chromiumPath', await resolveChromium());
	const build = buildApp();
	project.provide('appBuild', build);
	return () => fs.rmSync(path.dirname(build), { recursive: true, force: true });
}
