import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

// A fresh process: this one may have loaded Nest for other specs already.
function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(result.status, result.stderr).to.equal(0);
  const paths = t.array(t.string).decode(JSON.parse(result.stdout));
  if (E.isLeft(paths)) throw new Error(`not a list of paths: ${result.stdout.slice(0, 200)}`);
  return paths.right;
}

describe('the main entry does not load NestJS', () => {
  const build = join(__dirname, '..', '..', 'lib');

  it('requiring build/lib/index.js loads no @nestjs/* module', () => {
    const loaded = modulesLoadedBy(join(build, 'index.js'));
    expect(loaded.some((path) => path.endsWith(join('lib', 'index.js')))).to.equal(true);
    expect(loaded.filter((path) => path.includes(`${join('node_modules', '@nestjs')}`))).to.deep.equal([]);
  });

  it('requiring build/lib/nest/index.js does (the check above can see Nest)', () => {
    const loaded = modulesLoadedBy(join(build, 'nest', 'index.js'));
    expect(loaded.some((path) => path.includes(join('node_modules', '@nestjs', 'common')))).to.equal(true);
  });
});
