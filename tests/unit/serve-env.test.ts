// `npm start` and the end-to-end harness share these defaults, so the tests serve as production does.
import { describe, expect, it } from 'vitest';
import { serveEnv } from '../../scripts/serve-env';

describe('serveEnv', () => {
	it('serves on :3000 at http://localhost:3000 with a body limit of 512 MB plus 1 MB by default', () => {
		// (512 + 1) × 1,048,576 = 537,919,488 bytes.
		expect(serveEnv({})).toEqual({
			PORT: '3000',
			ORIGIN: 'http://localhost:3000',
			BODY_SIZE_LIMIT: '537919488'
		});
	});

	it('follows PORT into ORIGIN and MAX_UPLOAD_MB into BODY_SIZE_LIMIT', () => {
		// 0.01 MB = 10,485.76 bytes, rounded to 10,486; plus 1,048,576 = 1,059,062.
		expect(serveEnv({ PORT: '8080', MAX_UPLOAD_MB: '0.01' })).toEqual({
			PORT: '8080',
			ORIGIN: 'http://localhost:8080',
			BODY_SIZE_LIMIT: '1059062'
		});
	});

	it('keeps values that are already set', () => {
		const set = { PORT: '1', ORIGIN: 'https://dash.example', BODY_SIZE_LIMIT: '2048' };
		expect(serveEnv({ ...set, MAX_UPLOAD_MB: '5' })).toEqual(set);
	});
});
