// Client-side chart downloads: the rendered SVG with its computed colours inlined, and a PNG drawn from it.

const STYLE_PROPS = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-dasharray',
	'stroke-opacity',
	'opacity',
	'font-family',
	'font-size',
	'font-weight',
	'text-anchor',
	'dominant-baseline',
	'visibility'
];

/** A standalone copy of a chart's SVG: CSS variables resolved, so it looks the same outside the page. */
export function standaloneSvg(svg: SVGSVGElement, title: string): string {
	const clone = svg.cloneNode(true) as SVGSVGElement;
	const src = svg.querySelectorAll('*');
	const dst = clone.querySelectorAll('*');
	src.forEach((el, i) => {
		const cs = getComputedStyle(el);
		const target = dst[i] as SVGElement;
		for (const p of STYLE_PROPS) target.style.setProperty(p, cs.getPropertyValue(p));
	});
	// Interactive overlays (focus ring, tooltip) are not part of the picture.
	clone.querySelectorAll('[data-export="skip"]').forEach((el) => el.remove());
	const { width, height } = svg.getBoundingClientRect();
	clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	clone.setAttribute('width', String(Math.round(width)));
	clone.setAttribute('height', String(Math.round(height)));
	clone.removeAttribute('tabindex');
	const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	bg.setAttribute('width', '100%');
	bg.setAttribute('height', '100%');
	bg.setAttribute(
		'fill',
		getComputedStyle(document.documentElement).getPropertyValue('--bg') || '#fff'
	);
	clone.insertBefore(bg, clone.firstChild);
	const t = clone.querySelector('title');
	if (t) t.textContent = title;
	return new XMLSerializer().serializeToString(clone);
}

function save(blob: Blob, filename: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadSvg(svg: SVGSVGElement, title: string, filename: string): void {
	const text = standaloneSvg(svg, title);
	save(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }), filename + '.svg');
}

/** PNG at twice the on-screen size, for slides and board packs. */
export async function downloadPng(
	svg: SVGSVGElement,
	title: string,
	filename: string
): Promise<void> {
	const text = standaloneSvg(svg, title);
	const { width, height } = svg.getBoundingClientRect();
	const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
	try {
		const img = new Image();
		await new Promise<void>((resolve, reject) => {
			img.onload = () => resolve();
			img.onerror = () => reject(new Error('The chart could not be drawn as a picture.'));
			img.src = url;
		});
		const scale = 2;
		const canvas = document.createElement('canvas');
		canvas.width = Math.round(width * scale);
		canvas.height = Math.round(height * scale);
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('This browser cannot draw pictures (no canvas).');
		ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
		const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
		if (!blob) throw new Error('The chart could not be saved as PNG.');
		save(blob, filename + '.png');
	} finally {
		URL.revokeObjectURL(url);
	}
}
