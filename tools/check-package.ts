/**
 * The package as a user gets it: packs the tarball, checks it with `@arethetypeswrong/cli` and
 * `publint`, installs it in a blank project in a temporary folder (peers from the npm cache), and
 * runs the README's "Use it" example there, as pasted, against a real broker, compiled once as an
 * ES module and once as CommonJS. Each run must print the reply and exit by itself.
 *
 * Run after `npm run build`: node build/tools/check-package.js
 * Uses KAFKA_BROKERS when set, otherwise starts a local broker.
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireKafka } from './broker/acquire-kafka';
import { projectRoot } from './broker/project-root';
import { readmeExample } from './doc-examples/runnable-examples';

const root = projectRoot();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** How long one run of the example may take before it counts as a process that does not exit. */
const exitWithinMs = 60_000;

function step(title: string): void {
  console.log(`== ${title}`);
}

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    console.error(output);
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
  return output;
}

const devVersion = (name: string): string => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const version = manifest.devDependencies[name];
  if (!version) throw new Error(`${name} is not a devDependency`);
  return `${name}@${version}`;
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pubscribe-package-'));
  try {
    step('npm pack');
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], { cwd: root })) as {
      filename: string;
      entryCount: number;
    }[];
    const tarball = join(work, packed[0].filename);
    console.log(`${packed[0].filename}: ${packed[0].entryCount} files`);

    step('@arethetypeswrong/cli (every entry point under node10, node16 CJS and ESM, bundler)');
    const bin = (name: string) => join(root, 'node_modules', '.bin', name);
    // --no-definitely-typed: nothing is fetched from the registry; the package carries its own types.
    console.log(run(bin('attw'), ['--no-definitely-typed', '--format', 'ascii', '--no-color', tarball]).trim());

    step('publint');
    console.log(run(bin('publint'), ['run', tarball, '--level', 'warning', '--strict'], { cwd: work }).trim());

    step('a blank project: npm init, npm install the tarball and its peers');
    const app = join(work, 'app');
    mkdirSync(app);
    run(npm, ['init', '-y'], { cwd: app });
    run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
        ...['kafkajs', 'rxjs', 'fp-ts', 'io-ts', 'typescript', '@types/node'].map(devVersion),
      ],
      { cwd: app },
    );

    const kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
    try {
      const code = readmeExample(root).replace("'127.0.0.1:9092'", `'${kafka.brokers[0]}'`);
      for (const flavour of ['esm', 'cjs'] as const) {
        step(`the README example as ${flavour === 'esm' ? 'an ES module (nodenext)' : 'CommonJS'}`);
        const folder = join(app, flavour);
        mkdirSync(folder);
        writeFileSync(
          join(folder, 'package.json'),
          JSON.stringify({ type: flavour === 'esm' ? 'module' : 'commonjs' }),
        );
        writeFileSync(
          join(folder, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              target: 'ES2022',
              module: flavour === 'esm' ? 'NodeNext' : 'CommonJS',
              moduleResolution: flavour === 'esm' ? 'NodeNext' : 'Node10',
              strict: true,
              esModuleInterop: true,
              types: ['node'],
            },
            files: ['main.ts'],
          }),
        );
        writeFileSync(join(folder, 'main.ts'), code);
        run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', folder]);
        const started = Date.now();
        const result = spawnSync(process.execPath, [join(folder, 'main.js')], {
          cwd: folder,
          encoding: 'utf8',
          timeout: exitWithinMs,
          killSignal: 'SIGKILL',
        });
        const took = Date.now() - started;
        const output = `${result.stdout}${result.stderr}`.trim();
        if (result.signal) {
          console.error(output);
          throw new Error(`the example did not exit by itself within ${exitWithinMs} ms`);
        }
        if (result.status !== 0 || !result.stdout.includes('created user 1 <ada@example.com>')) {
          console.error(output);
          throw new Error(`the example failed (exit ${result.status})`);
        }
        if (result.stdout.trim() !== 'created user 1 <ada@example.com>') {
          console.error(output);
          throw new Error('the example printed more than its reply on stdout');
        }
        console.log(`${result.stdout.trim()} (exited by itself with 0 after ${took} ms)`);
      }
    } finally {
      await kafka.release();
    }
    console.log('package check OK');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
