// Loads the built package through its own `exports` map, both ways a user would: `import` (ESM)
// and `require` (CommonJS), and checks both expose the same public names, for the main entry and
// each sub-path (`pubscribe/nest`, `pubscribe/platformatic`).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const expected = {
  pubscribe: undefined,
  'pubscribe/nest': undefined,
  'pubscribe/platformatic': ['platformaticTransport'],
};
let failed = false;
for (const [specifier, mustHave] of Object.entries(expected)) {
  const esm = await import(specifier);
  const cjs = require(specifier);
  const esmNames = Object.keys(esm)
    .filter((name) => name !== 'default')
    .sort();
  const cjsNames = Object.keys(cjs)
    .filter((name) => name !== '__esModule')
    .sort();
  if (esmNames.length === 0 || esmNames.join() !== cjsNames.join()) {
    console.error(`${specifier}: ESM and CommonJS builds differ:`, { esmNames, cjsNames });
    failed = true;
    continue;
  }
  const missing = (mustHave ?? []).filter((name) => !esmNames.includes(name));
  if (missing.length > 0) {
    console.error(`${specifier}: missing ${missing.join(', ')}`);
    failed = true;
    continue;
  }
  console.log(`package exports OK: ${specifier}, ${esmNames.length} names through import and require`);
}
if (failed) process.exit(1);
