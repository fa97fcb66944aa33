// Loads the built package through its own `exports` map, both ways a user would: `import` (ESM)
// and `require` (CommonJS), and checks both expose the same public names, for the main entry and
// each sub-path. The main entry must not carry the test aids of `pubscribe/testing`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const publicNames = (module, hidden) =>
  Object.keys(module)
    .filter((name) => name !== hidden)
    .sort();

let failed = false;
const counts = [];
for (const entry of [
  'pubscribe',
  'pubscribe/testing',
  'pubscribe/nest',
  'pubscribe/opentelemetry',
  'pubscribe/platformatic',
]) {
  const esmNames = publicNames(await import(entry), 'default');
  const cjsNames = publicNames(require(entry), '__esModule');
  if (esmNames.length === 0 || esmNames.join() !== cjsNames.join()) {
    console.error(`${entry}: ESM and CommonJS builds differ:`, { esmNames, cjsNames });
    failed = true;
  }
  counts.push(`${entry} ${esmNames.length}`);
}
const main = require('pubscribe');
const testing = require('pubscribe/testing');
const leaked = Object.keys(testing).filter((name) => name in main);
if (leaked.length > 0) {
  console.error(`the main entry exports test aids that belong to pubscribe/testing: ${leaked.join(', ')}`);
  failed = true;
}
if (failed) process.exit(1);
console.log(`package exports OK through import and require: ${counts.join(', ')} names`);
