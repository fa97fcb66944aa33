// Writes a package.json marker so Node reads a build folder as CommonJS or as ES modules.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [folder, type] = process.argv.slice(2);
if (!folder || (type !== 'commonjs' && type !== 'module')) {
  console.error('usage: node scripts/mark-module-type.mjs <folder> <commonjs|module>');
  process.exit(2);
}
writeFileSync(join(folder, 'package.json'), JSON.stringify({ type }, null, 2) + '\n');
