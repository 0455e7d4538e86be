// What an upload cut short leaves on disk (a crash, a kill, a power cut): the streamed body under
// DATA_DIR/tmp and the half-written archive `.partial-*` under DATA_DIR/uploads. Nothing in the
// database refers to them (the upload commits in one transaction, and only then is the archive
// renamed), so they are removed when the server starts.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Remove upload leftovers and return their paths relative to DATA_DIR. Call it only while holding
 * the database open: DuckDB lets one process at a time open the file, so no other server or CLI
 * load on this database is writing these folders meanwhile.
 */
export function removeUploadLeftovers(dataDir: string): string[] {
	const removed: string[] = [];
	const tmp = path.join(dataDir, 'tmp');
	for (const name of readDir(tmp)) {
		fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
		removed.push(path.join('tmp', name));
	}
	const uploads = path.join(dataDir, 'uploads');
	for (const name of readDir(uploads).filter((n) => n.startsWith('.partial-'))) {
		fs.rmSync(path.join(uploads, name), { force: true });
		removed.push(path.join('uploads', name));
	}
	return removed;
}

function readDir(dir: string): string[] {
	try {
		return fs.readdirSync(dir);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw err;
	}
}
