// The scaled sample for the benchmark: N crimes with the other kinds in proportion, and the extra
// crimes files the benchmark uploads (one-row files for cold queries, a changed copy for the API).
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { generateSample, type SampleFiles } from '../sample/index';

/** Crimes in the sample at scale 1 (seed DEFAULT_SEED): the scale for N crimes is N / this. */
export const SCALE_ONE_CRIMES = 60_049;

/**
 * How near the generator comes to the N asked for: its volumes are random draws around scale ×
 * the scale-1 volumes, so the crimes file holds N within 2% (in practice within 0.5% at 20,000
 * and closer at larger N). The report gives the count made as `rows`.
 */
export const ROWS_TOLERANCE = 0.02;

export function scaleFor(rows: number): number {
	return rows / SCALE_ONE_CRIMES;
}

export async function generateScaled(outDir: string, rows: number): Promise<SampleFiles> {
	return generateSample({ outDir, scale: scaleFor(rows) });
}

/** The header and the first `n` data lines of a CSV file. */
export async function headLines(
	file: string,
	n: number
): Promise<{ header: string; lines: string[] }> {
	const stream = fs.createReadStream(file, 'utf8');
	const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
	let header = '';
	const lines: string[] = [];
	for await (const line of rl) {
		if (!header) header = line;
		else if (line) lines.push(line);
		if (lines.length >= n) break;
	}
	rl.close();
	stream.destroy();
	return { header, lines };
}

/**
 * One-row crimes files, each with a different row of the crimes file as it is: loading one (merge)
 * is a fresh upload that changes no figure.
 */
export async function oneRowFiles(crimes: string, dir: string, n: number): Promise<string[]> {
	const { header, lines } = await headLines(crimes, n);
	if (lines.length < n) throw new Error(`The crimes file has fewer than ${n} rows.`);
	return lines.map((line, i) => {
		const file = path.join(dir, `crimes-one-${i + 1}.csv`);
		fs.writeFileSync(file, `${header}\n${line}\n`);
		return file;
	});
}

/**
 * The crimes file without its last row: a file of the same size and kind with another checksum, so
 * a merge upload of it is taken as new (the same file again would be refused as already loaded).
 */
export function crimesAgain(crimes: string, dest: string): string {
	fs.copyFileSync(crimes, dest);
	const size = fs.statSync(dest).size;
	const tailBytes = Math.min(size, 64 * 1024);
	const fd = fs.openSync(dest, 'r+');
	try {
		const tail = Buffer.alloc(tailBytes);
		fs.readSync(fd, tail, 0, tailBytes, size - tailBytes);
		// The file ends with a newline: cut after the one before it.
		const end = tail[tailBytes - 1] === 0x0a ? tailBytes - 1 : tailBytes;
		const cut = tail.lastIndexOf(0x0a, end - 1);
		if (cut < 0) throw new Error(`The last row of ${crimes} is longer than 64 KB.`);
		fs.ftruncateSync(fd, size - tailBytes + cut + 1);
	} finally {
		fs.closeSync(fd);
	}
	return dest;
}
