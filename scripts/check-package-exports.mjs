// Loads the built package through its own `exports` map, both ways a user would: `import` (ESM)
// and `require` (CommonJS), and checks both expose the same public names.
import { createRequire } from 'node:module';

const esm = await import('pubscribe');
const cjs = createRequire(import.meta.url)('pubscribe');
const esmNames = Object.keys(esm)
  .filter((name) => name !== 'default')
  .sort();
const cjsNames = Object.keys(cjs)
  .filter((name) => name !== '__esModule')
  .sort();
if (esmNames.length === 0 || esmNames.join() !== cjsNames.join()) {
  console.error('ESM and CommonJS builds differ:', { esmNames, cjsNames });
  process.exit(1);
}
console.log(`package exports OK: ${esmNames.length} names through import and require`);
