// The public pages' one stylesheet, inlined in each page (they load nothing else): Government
// Analysis Function colours, light and dark, 320 px and up, and A4 print for a board or panel paper.
export const PUBLIC_CSS = `
:root { --fg:#0b0c0c; --muted:#505a5f; --bg:#fff; --alt:#f3f2f1; --line:#b1b4b6; --link:#1d5aa3;
	--s1:#12436d; --s2:#28a197; --s3:#801650; --s4:#f46a25; --focus:#fd0; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
	:root { --fg:#f3f2f1; --muted:#c8ccce; --bg:#0b0c0c; --alt:#1d1f20; --line:#6f777b; --link:#8ab4f8;
		--s1:#6fa8dc; --s2:#28a197; --s3:#e07bb0; --s4:#f46a25; }
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; line-height: 1.5; }
body { margin: 0; color: var(--fg); background: var(--bg); }
a { color: var(--link); text-underline-offset: 0.15em; }
a:focus, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 0; background: var(--focus); color: #0b0c0c; }
main:focus { outline: none; background: none; color: inherit; }
.skip-link { position: absolute; left: -9999px; top: 0; padding: 0.5rem 1rem; background: var(--bg); }
.skip-link:focus { left: 0.5rem; }
.masthead { border-bottom: 4px solid var(--s1); background: var(--alt); padding: 0.6rem 1rem; }
.masthead p { margin: 0 auto; max-width: 58rem; font-weight: 700; }
main, .site-footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.5rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
.meta { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; margin: 0 0 1rem; }
.meta div { display: flex; gap: 0.4rem; }
.meta dt { font-weight: 700; }
.meta dd { margin: 0; }
.banner { border-left: 6px solid var(--s4); background: var(--alt); padding: 0.6rem 1rem; }
.banner.superseded { border-color: var(--s3); }
.revision { border-left: 6px solid var(--s1); padding: 0 1rem; }
.summary { font-size: 1.15rem; }
.method { color: var(--muted); }
.figure { margin: 1rem 0 1.5rem; break-inside: avoid-page; }
.figure-chart { display: block; width: 100%; height: auto; max-width: 40rem; margin: 0.5rem 0; }
.figure-chart text { fill: var(--fg); font-size: 12px; }
.figure-chart .panel-title { font-weight: 700; font-size: 13px; }
.figure-chart .value.withheld { fill: var(--muted); font-style: italic; }
.figure-chart .axis { stroke: var(--fg); }
.figure-chart .grid { stroke: var(--line); stroke-dasharray: 2 3; }
.figure-chart .bar.s1, .figure-chart .point.s1 { fill: var(--s1); }
.figure-chart .bar.s2, .figure-chart .point.s2 { fill: var(--s2); }
.figure-chart .line { fill: none; stroke-width: 2.5; }
.figure-chart .line.s1 { stroke: var(--s1); }
.figure-chart .line.s2 { stroke: var(--s2); }
.figure-chart .series-label.s1 { fill: var(--s1); font-weight: 700; }
.figure-chart .series-label.s2 { fill: var(--s2); font-weight: 700; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.table-wrap:focus { outline: 3px solid var(--focus); }
table { border-collapse: collapse; font-size: 0.95rem; min-width: 100%; }
caption { text-align: left; font-weight: 700; padding: 0.25rem 0; }
/* A table wider than the screen scrolls in its wrapper; its caption stays in view, wrapped to it. */
.table-wrap caption { position: sticky; left: 0; max-width: calc(min(100vw, 60rem) - 2rem); }
th, td { border-bottom: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--fg); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, tbody th { white-space: nowrap; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid var(--fg); }
.summary-list { list-style: none; padding: 0; }
.summary-list li { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
.summary-list a { font-size: 1.15rem; font-weight: 700; }
.meta-line { display: block; color: var(--muted); }
.site-footer { border-top: 1px solid var(--line); margin-top: 2rem; color: var(--muted); }
@media (max-width: 40rem) { h1 { font-size: 1.5rem; } table { font-size: 0.85rem; } }
@page { size: A4; margin: 15mm 12mm; }
@media print {
	:root { --fg:#000; --muted:#333; --bg:#fff; --alt:#fff; --line:#999; --link:#000;
		--s1:#12436d; --s2:#28a197; --s3:#801650; --s4:#f46a25; }
	html { font-size: 10pt; }
	.skip-link, .downloads, .site-footer p:last-child { display: none; }
	main, .site-footer { max-width: none; padding: 0; }
	.masthead { background: none; padding: 0 0 0.3rem; }
	h2 { break-after: avoid-page; }
	h3 { break-after: avoid-page; }
	.table-wrap { overflow: visible; }
	.table-wrap caption { position: static; max-width: none; }
	/* A table of a dozen columns fits A4's text width: smaller type, tighter cells, row labels wrap. */
	table { min-width: 0; width: 100%; font-size: 9pt; }
	th, td { padding: 0.2rem 0.25rem; }
	tbody th { white-space: normal; }
	a { text-decoration: none; }
	.figure-chart { max-width: 15cm; }
}
`;
