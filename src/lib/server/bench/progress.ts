// The one progress line on stderr: rewritten in place on a terminal, one line per step otherwise.

export interface Progress {
	/** Say what is running now. */
	step(text: string): void;
	/** End the line (before the report goes to stdout). */
	done(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): Progress {
	const started = performance.now();
	const tty = Boolean(stream.isTTY);
	let open = false;
	return {
		step(text) {
			const line = `bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${text}`;
			if (tty) {
				stream.write(`\r\x1b[K${line}`);
				open = true;
			} else stream.write(`${line}\n`);
		},
		done() {
			if (open) stream.write('\n');
			open = false;
		}
	};
}
