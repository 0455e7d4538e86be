// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			code?: string;
			message: string;
		}
		interface Locals {
			/** The signed-in user (session cookie or API token), or null. */
			user: { name: string; roles: string[]; mustChangePassword: boolean } | null;
		}
	}
}

export {};
