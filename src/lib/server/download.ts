// File names: what a sender calls a file is cleaned once, and every download names it per RFC 6266.

/** Longest file name kept, in characters (a report title, a download name). */
export const MAX_FILE_NAME_LENGTH = 120;

/**
 * The base name of `name`, safe to store, show and send back: no folders, no control or format
 * characters (newlines, bidi overrides), nothing but letters, digits, marks, spaces and `.,_()+-`,
 * at most MAX_FILE_NAME_LENGTH characters. Undefined when nothing usable is left.
 */
export function safeFileName(name: string | null | undefined): string | undefined {
	if (!name) return undefined;
	const base =
		name
			.split(/[\\/]/)
			.filter((part) => part.trim() !== '')
			.pop() ?? '';
	const clean = base
		.normalize('NFC')
		.replace(/[^\p{L}\p{M}\p{N} .,_()+-]/gu, '_')
		.replace(/ {2,}/g, ' ')
		.trim()
		// A leading dot hides a file and `..` names a folder.
		.replace(/^\.+/, '');
	const capped = Array.from(clean).slice(0, MAX_FILE_NAME_LENGTH).join('').trim();
	return capped && /[^_.]/.test(capped) ? capped : undefined;
}

/** RFC 5987 attr-char: encodeURIComponent leaves ' ( ) * unescaped, which a header value may not. */
function encodeRfc5987(value: string): string {
	return encodeURIComponent(value).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
}

/**
 * `Content-Disposition: attachment` for `name` (sanitised again, so an old stored name cannot break
 * the header): an ASCII `filename` for old clients and the exact UTF-8 name as `filename*`.
 */
export function contentDisposition(name: string | null | undefined, fallback = 'download'): string {
	const clean = safeFileName(name) ?? safeFileName(fallback) ?? 'download';
	const ascii = clean
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.replace(/[^\x20-\x7e]/g, '_')
		.replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}
