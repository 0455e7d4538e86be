// How `npm start` configures the server's environment, shared with the end-to-end harness so the
// tests serve the build exactly as production does.

/** adapter-node's variables with the defaults `npm start` gives them; values already set are kept. */
export function serveEnv(env: Record<string, string | undefined>): {
	PORT: string;
	ORIGIN: string;
	BODY_SIZE_LIMIT: string;
} {
	const PORT = env.PORT || '3000';
	return {
		PORT,
		// adapter-node assumes https when ORIGIN is unset, and kit then refuses every sign-in form
		// posted from http://localhost as cross-site. Serve on the address the README gives.
		ORIGIN: env.ORIGIN || `http://localhost:${PORT}`,
		// adapter-node refuses bodies over BODY_SIZE_LIMIT (512 KB by default) before the app sees
		// them; an upload may be MAX_UPLOAD_MB, plus a megabyte for a multipart form's other parts.
		// This is the ceiling for the two upload routes only: hooks.server.ts holds every other
		// route to 1 MB (src/lib/server/body-limit.ts).
		BODY_SIZE_LIMIT:
			env.BODY_SIZE_LIMIT ||
			String(Math.round(Number(env.MAX_UPLOAD_MB || 512) * 1024 * 1024) + 1024 * 1024)
	};
}
