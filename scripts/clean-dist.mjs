// Empties dist/ before a build, so the packed tarball never carries files of an older build.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
