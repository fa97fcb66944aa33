import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding pubscribe's own package.json, found from this file upwards (source or build). */
export function projectRoot(): string {
  let folder = __dirname;
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'pubscribe') {
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`pubscribe's package.json not found above ${__dirname}`);
    folder = parent;
  }
}
