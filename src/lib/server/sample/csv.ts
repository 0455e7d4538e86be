// Writing the sample's CSV files: RFC 4180 quoting and a buffered, awaited writer so large scales stream.
import fs from 'node:fs/promises';
import { KINDS, type KindName } from '../extracts/contract';

/** A kind's header row from the extract contract, so the sample always has the columns uploads expect. */
export function contractHeader(kind: KindName): string[] {
	return KINDS[kind].columns.map((c) => c.name);
}

/** Quote a cell only when it needs it (comma, quote, CR or LF), doubling inner quotes. */
export function csvCell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(cells: readonly string[]): string {
	return cells.map(csvCell).join(',');
}

/**
 * Appends lines to a file. Rows are buffered synchronously (the hot path) and written out when the
 * generator awaits `drain()` after each month, so memory stays at one month's rows whatever the scale.
 * `rows` counts data lines, not the header.
 */
export class CsvWriter {
	rows = 0;
	private buffer: string[] = [];
	private size = 0;

	private constructor(
		readonly path: string,
		private readonly handle: fs.FileHandle
	) {}

	static async open(path: string, header: readonly string[]): Promise<CsvWriter> {
		const writer = new CsvWriter(path, await fs.open(path, 'w'));
		writer.buffer.push(header.join(','));
		return writer;
	}

	/** Add one row of cells that are already safe (refs, codes, dates, numbers). */
	raw(line: string): void {
		this.buffer.push(line);
		this.rows++;
		this.size += line.length + 1;
	}

	row(cells: readonly string[]): void {
		this.raw(csvLine(cells));
	}

	/** True when a megabyte or more is waiting: the generator then awaits `drain()`. */
	get full(): boolean {
		return this.size >= 1 << 20;
	}

	async drain(): Promise<void> {
		if (this.size >= 1 << 16) await this.flush();
	}

	private async flush(): Promise<void> {
		if (this.buffer.length === 0) return;
		await this.handle.write(this.buffer.join('\n') + '\n');
		this.buffer = [];
		this.size = 0;
	}

	async close(): Promise<void> {
		await this.flush();
		await this.handle.close();
	}
}
