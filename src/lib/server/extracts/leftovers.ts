// What an upload cut short leaves on disk (a crash, a kill, a power cut): the streamed body under
// DATA_DIR/tmp, the half-written archive `.partial-*`, and an archive renamed just before a commit
// that never happened (loadExtract names the archive as the transaction's last step). Nothing in
// the database refers to them, so they are removed when the server starts.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Remove upload leftovers (files in DATA_DIR/tmp; files in DATA_DIR/uploads that no upload names)
 * and return their paths relative to DATA_DIR. Call it only while holding
 * the database open: DuckDB lets one process at a time open the file, so no other server or CLI
 * load on this database is writing these folders meanwhile.
 */
export function removeUploadLeftovers(dataDir: string, archived: ReadonlySet<string>): string[] {
	const removed: string[] = [];
	const tmp = path.join(dataDir, 'tmp');
	for (const name of readDir(tmp)) {
		fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
		removed.push(path.join('tmp', name));
	}
	const uploads = path.join(dataDir, 'uploads');
	// `archived`: every archive_path the uploads table names (relative to DATA_DIR).
	const orphan = (n: string) => n.startsWith('.partial-') || !archived.has(path.join('uploads', n));
	for (const name of readDir(uploads).filter(orphan)) {
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
