// Structured JSON logs to stdout (operations.md: LOG_LEVEL), one logger for the process.
import { pino, type Logger } from 'pino';
import { readConfig } from './config';

let logger: Logger | undefined;

export function log(): Logger {
	logger ??= pino({
		level: readConfig().logLevel,
		base: { service: 'stalking-dashboard' },
		timestamp: pino.stdTimeFunctions.isoTime,
		// Never log what could identify someone or open a session.
		redact: ['req.headers.authorization', 'req.headers.cookie']
	});
	return logger;
}
