// Build the production app once for the whole end-to-end run, and check a browser is there.
import { buildApp, chromiumPath } from '../helpers/server';

export default function setup(): void {
	chromiumPath();
	buildApp();
}
