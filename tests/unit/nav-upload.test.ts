// Who is offered uploads: the Extracts link in the navigation and the empty-state link share canUpload.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Nav from '../../src/lib/components/Nav.svelte';
import { canUpload } from '../../src/lib/components/scope';

describe('canUpload', () => {
	it('allows analysts and admins, not viewers or someone signed out', () => {
		expect(canUpload({ roles: ['analyst'] })).toBe(true);
		expect(canUpload({ roles: ['viewer', 'admin'] })).toBe(true);
		expect(canUpload({ roles: ['viewer'] })).toBe(false);
		expect(canUpload(null)).toBe(false);
	});
});

describe('Nav', () => {
	it('links to Extracts for an analyst and not for a viewer', () => {
		const analyst = render(Nav, { props: { roles: ['analyst'], path: '/overview' } }).body;
		const viewer = render(Nav, { props: { roles: ['viewer'], path: '/overview' } }).body;
		expect(analyst).toContain('href="/extracts"');
		expect(viewer).not.toContain('href="/extracts"');
		expect(viewer).toContain('href="/overview"');
	});
});
