// Password rules, argon2id hashing, and random one-time passwords.
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing cannot be used to tie up the server. */
export const MAX_PASSWORD_LENGTH = 256;

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. `Algorithm` is a const enum in the
// package's types, which isolated modules cannot read, hence the literal (2 = Argon2id).
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** What is wrong with a proposed password, in words for the person choosing it, or null. */
export function passwordProblem(userName: string, password: string): string | null {
	if (password.length < MIN_PASSWORD_LENGTH) {
		return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${password.length}).`;
	}
	if (password.length > MAX_PASSWORD_LENGTH) {
		return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
	}
	const name = userName.trim().toLowerCase();
	if (name && password.toLowerCase().includes(name)) {
		return 'The password must not contain the user name.';
	}
	if (/^(.)\1*$/.test(password)) {
		return 'The password must not be one character repeated.';
	}
	return null;
}

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2);
}

/** True when `password` matches the stored argon2 hash; false (never a throw) for a bad hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | undefined;
/**
 * A hash to verify against when the user does not exist, so that an unknown name takes as long
 * to refuse as a wrong password and timing does not tell which names exist.
 */
export function dummyHash(): Promise<string> {
	dummy ??= hashPassword(randomPassword());
	return dummy;
}

// No look-alike characters (0/O, 1/l/I), so a password read off a console can be typed.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of four groups of five (about 115 bits), e.g. `k7Fq2-…`. */
export function randomPassword(): string {
	const groups: string[] = [];
	for (let g = 0; g < 4; g++) {
		let group = '';
		for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
		groups.push(group);
	}
	return groups.join('-');
}
