// The sample's seeded randomness: a small fast PRNG (sfc32) and the distributions the generator draws from.
// Never Math.random: the same seed must give byte-identical files on every machine.

/** Mix a seed and a stream label into a 32-bit state word (splitmix32), so each file has its own stream. */
function splitmix32(state: number): () => number {
	let s = state >>> 0;
	return () => {
		s = (s + 0x9e3779b9) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
		return (z ^ (z >>> 16)) >>> 0;
	};
}

function hashLabel(label: string): number {
	// FNV-1a: stable across platforms, enough to separate a handful of stream names.
	let h = 0x811c9dc5;
	for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
	return h;
}

export class Random {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(seed: number, stream = '') {
		const mix = splitmix32((Math.floor(seed) ^ hashLabel(stream)) >>> 0);
		this.a = mix();
		this.b = mix();
		this.c = mix();
		this.d = mix();
		for (let i = 0; i < 12; i++) this.next();
	}

	/** Uniform in [0, 1) with 32 bits of precision (sfc32). */
	next(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return (t >>> 0) / 4294967296;
	}

	/** Integer in [min, max], both included. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	/** Standard normal (Box-Muller; one value per call keeps the stream simple to reason about). */
	normal(): number {
		const u = 1 - this.next();
		const v = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}

	/** Exponential with the given mean. */
	exponential(mean: number): number {
		return -Math.log(1 - this.next()) * mean;
	}

	/** Log-normal with the given median and log-scale sigma. */
	lognormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}

	/** Poisson count: exact (Knuth) for small means, normal approximation above 50. */
	poisson(mean: number): number {
		if (mean <= 0) return 0;
		if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
		const limit = Math.exp(-mean);
		let k = 0;
		let p = this.next();
		while (p > limit) {
			k++;
			p *= this.next();
		}
		return k;
	}
}

/** A weighted choice prepared once: `draw(rng)` returns one of the keys with probability ∝ weight. */
export class Weighted<T> {
	private readonly items: T[];
	private readonly cumulative: number[];

	constructor(weights: ReadonlyArray<readonly [T, number]>) {
		this.items = weights.map(([item]) => item);
		let sum = 0;
		this.cumulative = weights.map(([, w]) => (sum += w));
		this.cumulative = this.cumulative.map((c) => c / sum);
	}

	draw(rng: Random): T {
		const u = rng.next();
		const cum = this.cumulative;
		for (let i = 0; i < cum.length; i++) if (u < cum[i]) return this.items[i];
		return this.items[this.items.length - 1];
	}
}
