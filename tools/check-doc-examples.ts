/**
 * Compiles every `@example` in lib/ and every ```ts block in README.md and docs/ against the
 * library's source, with `pubscribe` mapped to lib/index.ts, so documentation cannot drift from
 * the API; and checks that every ```java block equals the Spring peer's source file it names
 * (the peer is compiled and run by spec/integration/spring-interop.spec.ts). Run: npm run docs:check
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './broker/project-root';
import { examplesInMarkdown, examplesInSource, markdownFiles } from './doc-examples/extract-examples';
import { checkJavaBlocks } from './doc-examples/java-blocks';

const root = projectRoot();
const out = join(root, 'build', 'doc-examples');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const examples = [...examplesInSource(root, 'lib'), ...examplesInMarkdown(root, markdownFiles(root))];
const origins = new Map<string, string>();
examples.forEach((example, index) => {
  const name = `example-${String(index).padStart(3, '0')}.ts`;
  origins.set(name, example.origin);
  // `export {}` makes each example a module, so top-level await and local names are allowed.
  writeFileSync(join(out, name), `// ${example.origin}\n${example.code}\nexport {};\n`);
});
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'ES2022',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        baseUrl: root,
        paths: { pubscribe: ['lib/index.ts'], 'pubscribe/*': ['lib/*'] },
      },
      include: ['*.ts'],
    },
    null,
    2,
  ),
);
const result = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', out], {
  encoding: 'utf8',
});
const output = `${result.stdout}${result.stderr}`.replace(
  /example-\d{3}\.ts/g,
  (name) => `${name} (${origins.get(name)})`,
);
if (result.status !== 0) {
  console.error(output);
  console.error(`doc examples: ${examples.length} checked, compilation failed`);
  process.exit(1);
}
console.log(`doc examples: ${examples.length} compiled against lib/ (README.md, docs/*.md and @example blocks)`);

const java = checkJavaBlocks(root, markdownFiles(root));
if (java.problems.length > 0) {
  for (const { origin, problem } of java.problems) console.error(`${origin}: ${problem}`);
  console.error(`doc Java blocks: ${java.checked} checked, ${java.problems.length} wrong`);
  process.exit(1);
}
console.log(`doc Java blocks: ${java.checked} equal to the Spring peer's sources (peers/spring)`);
