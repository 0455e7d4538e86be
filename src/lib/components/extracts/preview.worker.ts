// The Extracts page's Web Worker: reads a chosen CSV off the main thread. First the header and 20
// rows (papaparse stops after them, reading the file in 64 KB pieces, never the whole of it), then,
// for the default as-at date, each column's latest date over the whole file, streamed in chunks.
import Papa from 'papaparse';
import { cellDate } from './extracts';

export type WorkerRequest = { id: number; file: File };
export type WorkerAnswer =
	| { id: number; type: 'preview'; header: string[]; rows: string[][] }
	| { id: number; type: 'dates'; columns: { latest: string | null; unread: boolean }[] }
	| { id: number; type: 'error'; message: string };

const post = (answer: WorkerAnswer) => (self as unknown as Worker).postMessage(answer);
const PREVIEW_ROWS = 20;

function preview(id: number, file: File): Promise<string[] | null> {
	return new Promise((done) => {
		Papa.parse<string[]>(file, {
			preview: PREVIEW_ROWS + 1,
			skipEmptyLines: true,
			chunkSize: 64 * 1024,
			complete: (results) => {
				const [header, ...rows] = results.data;
				if (!header || !header.some((h) => h.trim())) {
					post({
						id,
						type: 'error',
						message: `${file.name} looks empty: no header row was found.`
					});
					return done(null);
				}
				// A byte-order mark is not part of the first column's name.
				header[0] = header[0].replace(/^\uFEFF/, '');
				post({ id, type: 'preview', header, rows });
				done(header);
			},
			error: (err) => {
				post({ id, type: 'error', message: `${file.name} could not be read: ${err.message}` });
				done(null);
			}
		});
	});
}

/** Each column's latest date; a column stops being read at its first cell that is not a date. */
function latestDates(id: number, file: File, width: number): Promise<void> {
	const columns = Array.from({ length: width }, () => ({
		latest: null as string | null,
		unread: false
	}));
	let first = true;
	return new Promise((done) => {
		Papa.parse<string[]>(file, {
			skipEmptyLines: true,
			chunk: (results) => {
				for (const row of results.data) {
					if (first) {
						first = false;
						continue;
					}
					for (let i = 0; i < width; i++) {
						const c = columns[i];
						const cell = row[i]?.trim();
						if (c.unread || !cell) continue;
						const d = cellDate(cell);
						if (d === null) c.unread = true;
						else if (c.latest === null || d > c.latest) c.latest = d;
					}
				}
			},
			complete: () => {
				post({ id, type: 'dates', columns });
				done();
			},
			error: () => {
				post({ id, type: 'dates', columns: columns.map(() => ({ latest: null, unread: true })) });
				done();
			}
		});
	});
}

// Previews one after another in the order the files were chosen; the slower whole-file date scans
// queue behind them, so a month's files are all previewed before any of them is read in full.
let previews = Promise.resolve();
let scans = Promise.resolve();
self.onmessage = (event: MessageEvent<WorkerRequest>) => {
	const { id, file } = event.data;
	previews = previews.then(async () => {
		const header = await preview(id, file);
		if (header) scans = scans.then(() => latestDates(id, file, header.length));
	});
};
