// Commentary: plain text or a small Markdown subset (paragraphs, emphasis, lists, links) turned into
// HTML that can hold nothing else. marked parses; sanitize-html keeps only the subset's tags.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// HTML typed into the commentary is shown as the text it is, never passed through.
const marked = new Marked({
	gfm: true,
	breaks: false,
	renderer: {
		html: ({ text }) => escapeHtml(text),
		image: ({ text }) => escapeHtml(text)
	}
});

const ALLOWED: sanitizeHtml.IOptions = {
	allowedTags: ['p', 'em', 'strong', 'ul', 'ol', 'li', 'a', 'br'],
	allowedAttributes: { a: ['href'] },
	allowedSchemes: ['https', 'http', 'mailto'],
	allowProtocolRelative: false,
	transformTags: {
		a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' })
	}
};
ALLOWED.allowedAttributes = { a: ['href', 'rel'] };

/** The commentary as safe HTML (same input, same bytes: a frozen summary renders the same). */
export function commentaryHtml(text: string): string {
	if (!text.trim()) return '';
	const html = marked.parse(text, { async: false });
	return sanitizeHtml(html, ALLOWED).trim();
}
