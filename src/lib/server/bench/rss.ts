// Peak resident memory from /proc (Linux): VmHWM of a process, and resetting our own between phases.
import fs from 'node:fs';

/** VmHWM (peak resident set size) of `pid` in MB, or null where /proc does not say (not Linux). */
export function peakRssMb(pid: number | 'self' = 'self'): number | null {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]);
		return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
	} catch {
		return null;
	}
}

/**
 * Reset this process's VmHWM to its current RSS (writing 5 to /proc/self/clear_refs), so the next
 * reading is the peak of what ran since. False where the kernel does not allow it: the readings
 * are then the peak since the process started.
 */
export function resetPeakRss(): boolean {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}
