import { join } from 'node:path';
import { loadBundle } from './bundle-loader';

// dist/tsrun.js: only this is compiled by Node's own loader, without a code
// cache, so it is kept to the loader; the CLI is dist/main.js.
loadBundle(join(__dirname, 'main.js'));
