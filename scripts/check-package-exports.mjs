// Loads the built package through its own `exports` map, both ways a user would: `import` (ESM)
// and `require` (CommonJS), and checks both expose the same public names, for the main entry and
// each sub-path.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
for (const entry of ['pubscribe', 'pubscribe/nest', 'pubscribe/opentelemetry']) {
  const esm = await import(entry);
  const cjs = require(entry);
  const esmNames = Object.keys(esm)
    .filter((name) => name !== 'default')
    .sort();
  const cjsNames = Object.keys(cjs)
    .filter((name) => name !== '__esModule')
    .sort();
  if (esmNames.length === 0 || esmNames.join() !== cjsNames.join()) {
    console.error(`${entry}: ESM and CommonJS builds differ:`, { esmNames, cjsNames });
    process.exit(1);
  }
  console.log(`package exports OK: ${entry}, ${esmNames.length} names through import and require`);
}
