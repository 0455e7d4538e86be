// Pure rules of the accounts layer: password policy, throttling delays, the guard's decisions,
// safe redirects after sign-in, and CSV cell escaping for the audit export.
import { describe, expect, it } from 'vitest';
import {
	hashPassword,
	passwordProblem,
	randomPassword,
	verifyPassword
} from '../../src/lib/server/auth/passwords';
import { delayAfter, remainingWait } from '../../src/lib/server/auth/throttle';
import { decide, safeNext, signInLocation } from '../../src/lib/server/auth/guard';
import { csvCell, parseAuditFilter, toCsv } from '../../src/lib/server/audit';
import { checkName, checkRoles } from '../../src/lib/server/auth/users';
import { withSecurityHeaders } from '../../src/lib/server/auth/headers';

describe('password rules', () => {
	it.each([
		['alice', 'short-pw', /at least 12/],
		['alice', 'x'.repeat(257), /at most 256/],
		['alice', 'my-Alice-password', /must not contain the user name/],
		['alice', 'alice', /at least 12/],
		['alice', 'aaaaaaaaaaaaaa', /one character repeated/]
	])('refuses for %s the password %s', (name, password, message) => {
		expect(passwordProblem(name, password)).toMatch(message);
	});

	it('accepts a 12-character password that does not contain the user name', () => {
		expect(passwordProblem('alice', 'correct-hors')).toBeNull();
	});

	it('makes random passwords that pass the rules and differ every time', () => {
		const a = randomPassword();
		const b = randomPassword();
		expect(a).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
		expect(a).not.toBe(b);
		expect(passwordProblem('admin', a)).toBeNull();
	});

	it('hashes with argon2id and verifies only the right password', async () => {
		const hash = await hashPassword('correct horse battery');
		expect(hash.startsWith('$argon2id$')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery!')).toBe(false);
		expect(await verifyPassword('not a hash', 'anything')).toBe(false);
	});
});

describe('user names and roles', () => {
	it('lower-cases and trims names, and refuses ones that could confuse', () => {
		expect(checkName('  Alice.Smith ')).toBe('alice.smith');
		for (const bad of ['ab', 'a b', '-dash', 'x'.repeat(65), 'émile']) {
			expect(() => checkName(bad)).toThrow(/cannot be a user name/);
		}
	});

	it('parses role lists, in the canonical order, refusing unknown and empty ones', () => {
		expect(checkRoles('admin, viewer')).toEqual(['viewer', 'admin']);
		expect(() => checkRoles('viewer,root')).toThrow(/Unknown role "root"/);
		expect(() => checkRoles('')).toThrow(/at least one role/);
	});
});

describe('sign-in throttling delays', () => {
	// 4 free failures; the 5th starts a 30 s wait that doubles with each failure, capped at 15 min.
	it.each([
		[0, 0],
		[4, 0],
		[5, 30_000],
		[6, 60_000],
		[7, 120_000],
		[9, 480_000],
		[10, 900_000], // 30 s × 2^5 = 960 s, capped at 900 s
		[50, 900_000]
	])('after %i failures waits %i ms', (failures, ms) => {
		expect(delayAfter(failures)).toBe(ms);
	});

	it('counts the wait from the latest failure', () => {
		// 5 failures, the latest at t=1000 ms: wait until 31 000 ms.
		expect(remainingWait(5, 1000, 11_000)).toBe(20_000);
		expect(remainingWait(5, 1000, 31_000)).toBe(0);
		expect(remainingWait(4, 1000, 1000)).toBe(0);
	});
});

describe('the route guard', () => {
	const viewer = { name: 'v', roles: ['viewer'], mustChangePassword: false };
	const admin = { name: 'a', roles: ['admin'], mustChangePassword: false };

	it('lets anyone open a public route', () => {
		expect(decide('/login', null)).toEqual({ kind: 'allow' });
	});

	it('sends a signed-out request to sign in', () => {
		expect(decide('/(app)/admin/users', null)).toEqual({ kind: 'sign_in' });
		expect(decide('/api/v1/extracts', null)).toEqual({ kind: 'sign_in' });
	});

	it('refuses a role that is not listed, and allows one that is', () => {
		expect(decide('/(app)/admin/users', viewer).kind).toBe('forbidden');
		expect(decide('/api/v1/extracts', viewer).kind).toBe('forbidden');
		expect(decide('/(app)/admin/users', admin)).toEqual({ kind: 'allow' });
	});

	it('refuses everyone a route missing from the table (fails closed)', () => {
		const d = decide('/(app)/not-in-the-table', admin);
		expect(d).toMatchObject({ kind: 'forbidden' });
		expect(d.kind === 'forbidden' && d.message).toMatch(/no entry in the access table/);
	});

	it('sends a user who must change the password there from any other page', () => {
		const pending = { ...admin, mustChangePassword: true };
		expect(decide('/(app)/admin', pending)).toEqual({ kind: 'change_password' });
		expect(decide('/account/password', pending)).toEqual({ kind: 'allow' });
		expect(decide('/logout', pending)).toEqual({ kind: 'allow' });
	});
});

describe('redirects after sign-in stay on this site', () => {
	const ORIGIN = 'https://dash.example';
	it.each([
		[null, '/'],
		['', '/'],
		['/admin/users?x=1', '/admin/users?x=1'],
		['/extracts#history', '/extracts#history'],
		['https://evil.example/', '/'],
		['//evil.example/', '/'],
		['/\\evil.example', '/'],
		['javascript:alert(1)', '/'],
		// Browsers drop tabs and newlines from a Location, so these would become //evil.example.
		['/\t/evil.example', '/'],
		['/\n/evil.example', '/'],
		['/\r\n/evil.example', '/'],
		['/\u0000/evil.example', '/'],
		['/\u007f/evil.example', '/'],
		['/\u0085/evil.example', '/'],
		// A backslash anywhere, not only second.
		['/x/..\\..\\evil.example', '/'],
		['/overview\\', '/'],
		// Resolved against the site: dot segments stay on it; an encoded tab stays a literal %09.
		['/a/../../overview', '/overview'],
		['/%09/evil.example', '/%09/evil.example'],
		['/' + 'a'.repeat(3000), '/']
	])('next=%j goes to %s', (next, to) => {
		expect(safeNext(next, ORIGIN)).toBe(to);
	});

	it('accepts the origin as a URL and keeps only paths on it', () => {
		expect(safeNext('/training?area=all', new URL('http://localhost:3000/login'))).toBe(
			'/training?area=all'
		);
		expect(safeNext('///evil.example', new URL('http://localhost:3000/login'))).toBe('/');
	});

	it('keeps the page asked for in the sign-in link', () => {
		expect(signInLocation(new URL('http://h/admin/audit?action=sign_in'))).toBe(
			'/login?next=%2Fadmin%2Faudit%3Faction%3Dsign_in'
		);
		expect(signInLocation(new URL('http://h/'))).toBe('/login');
	});
});

describe('audit CSV', () => {
	it.each([
		['=SUM(A1)', "'=SUM(A1)"],
		['+44 115', "'+44 115"],
		['-1', "'-1"],
		['@cmd', "'@cmd"],
		['\tx', "'\tx"],
		['\rx', `"'\rx"`],
		['a,b', '"a,b"'],
		['say "hi"', '"say ""hi"""'],
		[null, ''],
		[12, '12']
	])('escapes %j as %j', (value, cell) => {
		expect(csvCell(value)).toBe(cell);
	});

	it('joins rows with CRLF after a header', () => {
		expect(toCsv(['a', 'b'], [[1, '=x']])).toBe("a,b\r\n1,'=x\r\n");
	});

	it('reads filters from the query and names a bad parameter', () => {
		const ok = parseAuditFilter(new URLSearchParams('action=sign_in&from=2024-01-01&page=3'));
		expect(ok).toEqual({ filter: { action: 'sign_in', from: '2024-01-01' }, page: 3, errors: [] });
		const bad = parseAuditFilter(new URLSearchParams('action=drop&from=2024-02-30&to=2024-01-01'));
		expect(bad.errors.map((e) => e.field)).toEqual(['action', 'from']);
	});
});

describe('security headers', () => {
	it('adds nosniff, referrer policy, framing refusal and a CSP where none is set', () => {
		const res = withSecurityHeaders(new Response('{}'));
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBe('same-origin');
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
	});

	it('keeps the CSP kit set on a page', () => {
		const page = new Response('<p>', {
			headers: { 'content-security-policy': "script-src 'self'" }
		});
		expect(withSecurityHeaders(page).headers.get('content-security-policy')).toBe(
			"script-src 'self'"
		);
	});

	it('copies a response whose headers cannot be changed', () => {
		const res = withSecurityHeaders(Response.redirect('http://h/login', 303));
		expect(res.status).toBe(303);
		expect(res.headers.get('x-frame-options')).toBe('DENY');
	});
});
