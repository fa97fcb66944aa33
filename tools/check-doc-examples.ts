/**
 * Every code example must work the way a reader would use it:
 *
 * 1. Compiles every `@example` in lib/ and every ```ts block in README.md and docs/ three times,
 *    as a user's project would: `nodenext` ES modules, `commonjs` (the Nest CLI's default) and
 *    `bundler`. `pubscribe` resolves to the built package (dist/, through its `exports` map and
 *    `typesVersions`), so run `npm run build` first.
 * 2. Runs the blocks marked `<!-- doc-example: run -->` (the README example and getting-started's
 *    main blocks) as ES modules against a real broker, with the broker address put in place of
 *    `127.0.0.1:9092`: each must exit by itself with 0 within 60 s, and print what its marker says
 *    (`<!-- doc-example: run, prints "..." -->`).
 *
 *   npm run docs:check                         both (uses KAFKA_BROKERS or starts a broker)
 *   node build/tools/check-doc-examples.js --compile-only
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireKafka } from './broker/acquire-kafka';
import { projectRoot } from './broker/project-root';
import { DocExample, examplesInMarkdown, examplesInSource, markdownFiles } from './doc-examples/extract-examples';
import { checkJavaBlocks } from './doc-examples/java-blocks';
import { runnableBlocks } from './doc-examples/runnable-examples';

const root = projectRoot();
const out = join(root, 'build', 'doc-examples');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const runWithinMs = 60_000;

interface Flavour {
  readonly name: 'nodenext' | 'commonjs' | 'bundler';
  readonly type: 'module' | 'commonjs';
  readonly compilerOptions: Record<string, unknown>;
}

const flavours: readonly Flavour[] = [
  { name: 'nodenext', type: 'module', compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } },
  { name: 'commonjs', type: 'commonjs', compilerOptions: { module: 'CommonJS', moduleResolution: 'Node10' } },
  { name: 'bundler', type: 'module', compilerOptions: { module: 'ES2022', moduleResolution: 'Bundler' } },
];

const baseOptions = {
  target: 'ES2022',
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  types: ['node'],
  typeRoots: [join(root, 'node_modules', '@types')],
};

/** A folder that sees `pubscribe` as an installed package: node_modules/pubscribe links to the project. */
function packageFolder(folder: string, type: string): void {
  mkdirSync(join(folder, 'node_modules'), { recursive: true });
  symlinkSync(root, join(folder, 'node_modules', 'pubscribe'), 'dir');
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type, private: true }));
}

function compile(examples: readonly DocExample[], flavour: Flavour): string | undefined {
  const folder = join(out, flavour.name);
  packageFolder(folder, flavour.type);
  const origins = new Map<string, string>();
  examples.forEach((example, index) => {
    const name = `example-${String(index).padStart(3, '0')}.ts`;
    origins.set(name, example.origin);
    // `export {}` keeps each example's names to itself, as a file of its own would.
    writeFileSync(join(folder, name), `// ${example.origin}\n${example.code}\nexport {};\n`);
  });
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...baseOptions, ...flavour.compilerOptions, noEmit: true },
      include: ['*.ts'],
    }),
  );
  const result = spawnSync(process.execPath, [tsc, '-p', folder], { encoding: 'utf8' });
  if (result.status === 0) return undefined;
  return `${result.stdout}${result.stderr}`.replace(/example-\d{3}\.ts/g, (name) => `${name} (${origins.get(name)})`);
}

async function runBlocks(): Promise<boolean> {
  const blocks = runnableBlocks(root, markdownFiles(root));
  const folder = join(out, 'run');
  packageFolder(folder, 'module');
  const kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  let ok = true;
  try {
    blocks.forEach((block, index) => {
      const code = block.code.replaceAll("'127.0.0.1:9092'", `'${kafka.brokers.join("', '")}'`);
      writeFileSync(join(folder, `run-${index}.ts`), `// ${block.origin}\n${code}\n`);
    });
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...baseOptions, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'js' },
        include: ['*.ts'],
      }),
    );
    const compiled = spawnSync(process.execPath, [tsc, '-p', folder], { encoding: 'utf8' });
    if (compiled.status !== 0) {
      console.error(`${compiled.stdout}${compiled.stderr}`);
      return false;
    }
    blocks.forEach((block, index) => {
      const started = Date.now();
      const result = spawnSync(process.execPath, [join(folder, 'js', `run-${index}.js`)], {
        cwd: folder,
        encoding: 'utf8',
        timeout: runWithinMs,
        killSignal: 'SIGKILL',
      });
      const took = Date.now() - started;
      const output = `${result.stdout}${result.stderr}`.trim();
      const problem = result.signal
        ? `did not exit by itself within ${runWithinMs} ms`
        : result.status !== 0
          ? `exited with ${result.status}`
          : block.prints !== undefined && !result.stdout.includes(block.prints)
            ? `did not print ${JSON.stringify(block.prints)}`
            : undefined;
      if (problem) {
        ok = false;
        console.error(`${block.origin}: ${problem}\n${output}`);
      } else {
        console.log(`ran ${block.origin}: exited by itself with 0 after ${took} ms`);
      }
    });
  } finally {
    await kafka.release();
  }
  return ok;
}

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const examples = [...examplesInSource(root, 'lib'), ...examplesInMarkdown(root, markdownFiles(root))];
  let failed = false;
  for (const flavour of flavours) {
    const errors = compile(examples, flavour);
    if (errors) {
      failed = true;
      console.error(errors);
      console.error(`doc examples: compilation as ${flavour.name} failed`);
    } else console.log(`doc examples: ${examples.length} compiled as ${flavour.name}`);
  }
  // Every ```java block equals the Spring peer's source file it names (the peer is compiled and run
  // by spec/integration/spring-interop.spec.ts).
  const java = checkJavaBlocks(root, markdownFiles(root));
  for (const { origin, problem } of java.problems) console.error(`${origin}: ${problem}`);
  if (java.problems.length > 0) {
    failed = true;
    console.error(`doc Java blocks: ${java.checked} checked, ${java.problems.length} wrong`);
  } else console.log(`doc Java blocks: ${java.checked} equal to the Spring peer's sources (peers/spring)`);
  if (!failed && !process.argv.includes('--compile-only')) failed = !(await runBlocks());
  if (failed) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
