/**
 * Writes docs/api.md, the API reference: every name `pubscribe`, `pubscribe/nest` and
 * `pubscribe/testing` export, grouped by its
 * `@category`, with its signature, its summary and where it is defined. Generated from the doc
 * comments in lib/, so it cannot drift: `--check` fails when docs/api.md is out of date (CI).
 *
 *   npm run docs:api            regenerate docs/api.md
 *   npm run docs:api -- --check fail if docs/api.md differs from what the code says
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { projectRoot } from './broker/project-root';

interface Entry {
  readonly name: string;
  readonly kind: string;
  readonly category: string;
  readonly signature: string;
  readonly summary: string;
  readonly details: readonly string[];
  readonly source: string;
}

interface EntryPoint {
  readonly specifier: string;
  readonly file: string;
  readonly intro: string;
}

const root = projectRoot();
const entryPoints: readonly EntryPoint[] = [
  {
    specifier: 'pubscribe',
    file: join(root, 'lib', 'index.ts'),
    intro: 'The main entry: transports, requests and replies, codecs, errors, logging.',
  },
  {
    specifier: 'pubscribe/nest',
    file: join(root, 'lib', 'nest', 'index.ts'),
    intro: 'NestJS: the module, the transport strategy and their helpers. Needs the optional Nest peers.',
  },
  {
    specifier: 'pubscribe/testing',
    file: join(root, 'lib', 'testing', 'index.ts'),
    intro: 'Test aids: the in-memory transport for unit and marble tests. Not Kafka.',
  },
  {
    specifier: 'pubscribe/platformatic',
    file: join(root, 'lib', 'platformatic', 'index.ts'),
    intro:
      'The transport port on @platformatic/kafka, a maintained pure-JavaScript client. Needs the optional `@platformatic/kafka` peer.',
  },
  {
    specifier: 'pubscribe/opentelemetry',
    file: join(root, 'lib', 'opentelemetry', 'index.ts'),
    intro:
      'OpenTelemetry tracing and metrics for requesters and responders. Needs the optional `@opentelemetry/api` peer.',
  },
];
const program = ts.createProgram(
  entryPoints.map((entry) => entry.file),
  { strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, experimentalDecorators: true },
);
const checker = program.getTypeChecker();

/** GitHub's anchor for a heading. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

/**
 * Names documented in this reference and the anchor of each, so `{@link X}` can become a link to
 * X's entry. Headings carry the kind (`inMemoryTransport (function)`), so names that differ only in
 * case (`InMemoryTransport`) still get anchors of their own.
 */
const documented = new Map<string, string>();
const entryHeading = (name: string, kind: string): string => `${name} (${kind})`;

/**
 * A guide named in prose (`see docs/scaling.md`) as a link to it; this file lives beside the
 * guides. Mentions in code spans are left alone.
 */
const linkGuides = (text: string): string =>
  text.replace(/(?<!\]\()(?<![[/`\w])docs\/([\w-]+\.md)(#[\w-]+)?/g, '[docs/$1$2]($1$2)');

/**
 * Doc comment text with `{@link X}` as a link to X's entry (or code, when X has none), and guides
 * it names as links.
 */
function render(parts: readonly ts.SymbolDisplayPart[] | undefined): string {
  if (!parts) return '';
  let text = '';
  let inLink = false;
  let linkName = '';
  let linkText = '';
  for (const part of parts) {
    if (part.kind === 'link') {
      if (part.text.startsWith('{@link')) {
        inLink = true;
        linkName = '';
        linkText = '';
      } else {
        const name = linkName.trim();
        const shown = linkText.trim() || name;
        const target = name.split('.')[0] ?? name;
        const anchor = documented.get(target);
        text += anchor ? `[\`${shown}\`](#${anchor})` : `\`${shown}\``;
        inLink = false;
      }
    } else if (inLink && part.kind === 'linkName') linkName += part.text;
    else if (inLink && part.kind === 'linkText') linkText += part.text;
    else if (inLink) linkText += part.text;
    else text += part.text;
  }
  return linkGuides(text);
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** The members of an interface or class: name, type and their doc comment (with its default). */
function memberTable(declaration: ts.InterfaceDeclaration | ts.ClassDeclaration): string[] {
  const rows: string[] = [];
  for (const member of declaration.members) {
    if (!member.name || ts.isConstructorDeclaration(member)) continue;
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) {
      continue;
    }
    const symbol = checker.getSymbolAtLocation(member.name);
    if (!symbol) continue;
    if (symbol.getJsDocTags(checker).some((tag) => tag.name === 'internal')) continue;
    const name = member.name.getText();
    const optional = 'questionToken' in member && member.questionToken ? '?' : '';
    let type: string;
    if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member)) {
      const signature = checker.getSignatureFromDeclaration(member);
      type = signature ? checker.signatureToString(signature, member, ts.TypeFormatFlags.NoTruncation) : '';
    } else if ('type' in member && member.type) type = (member.type as ts.TypeNode).getText();
    else type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, member));
    const doc = oneLine(render(symbol.getDocumentationComment(checker))).replace(/\|/g, '\\|');
    rows.push(`| \`${name}${optional}\` | \`${oneLine(type).replace(/\|/g, '\\|')}\` | ${doc || '—'} |`);
  }
  return rows.length === 0 ? [] : ['| Member | Type | Description and default |', '| --- | --- | --- |', ...rows, ''];
}

/** Everything a doc comment says beside its summary: the rest of the text, parameters, returns, throws. */
function detailsOf(symbol: ts.Symbol, declaration: ts.Declaration): string[] {
  const paragraphs = render(symbol.getDocumentationComment(checker))
    .split(/\n\s*\n/)
    .slice(1);
  const lines: string[] = [];
  for (const paragraph of paragraphs) lines.push(paragraph.trim(), '');
  const tags = symbol.getJsDocTags(checker);
  const params = tags.filter((tag) => tag.name === 'param');
  if (params.length > 0) {
    lines.push('Parameters:', '');
    for (const tag of params) {
      const [nameText, ...rest] = render(tag.text).split(' ');
      lines.push(`- \`${nameText}\`: ${oneLine(rest.join(' '))}`);
    }
    lines.push('');
  }
  for (const [tagName, label] of [
    ['returns', 'Returns'],
    ['throws', 'Throws'],
    ['since', 'Since'],
  ] as const) {
    const tag = tags.find((candidate) => candidate.name === tagName);
    if (tag) lines.push(`${label}: ${oneLine(render(tag.text))}`, '');
  }
  if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) {
    lines.push(...memberTable(declaration));
  }
  return lines;
}

function kindOf(declaration: ts.Declaration): string {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isVariableDeclaration(declaration)) return 'const';
  return ts.SyntaxKind[declaration.kind] ?? 'export';
}

function signatureOf(symbol: ts.Symbol, declaration: ts.Declaration): string {
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
  if (ts.isFunctionDeclaration(declaration)) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    return type
      .getCallSignatures()
      .map((signature) => `function ${symbol.name}${checker.signatureToString(signature, declaration, flags)}`)
      .join('\n');
  }
  if (ts.isVariableDeclaration(declaration)) {
    return `const ${symbol.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration), declaration, flags)}`;
  }
  if (ts.isClassDeclaration(declaration)) {
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(' ');
    return `class ${symbol.name}${heritage ? ` ${heritage}` : ''}`;
  }
  if (ts.isTypeAliasDeclaration(declaration)) {
    const text = declaration.type.getText().replace(/\s+/g, ' ');
    return `type ${symbol.name}${declaration.typeParameters ? `<${declaration.typeParameters.map((p) => p.getText()).join(', ')}>` : ''} = ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`;
  }
  if (ts.isInterfaceDeclaration(declaration)) {
    const members = declaration.members
      .map(
        (member) =>
          `  ${member
            .getText()
            .split('\n')
            .filter((line) => !/^\s*(\/\*\*|\*)/.test(line))
            .join(' ')
            .replace(/\s+/g, ' ')
            .trim()}`,
      )
      .filter((line) => line.trim().length > 0);
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(' ');
    const parameters = declaration.typeParameters
      ? `<${declaration.typeParameters.map((p) => p.getText()).join(', ')}>`
      : '';
    return `interface ${symbol.name}${parameters}${heritage ? ` ${heritage}` : ''} {\n${members.join('\n')}\n}`;
  }
  return symbol.name;
}

function exportedSymbols(entry: EntryPoint): { exported: ts.Symbol; symbol: ts.Symbol }[] {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry.file)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => ({
    exported,
    symbol: exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
  }));
}

for (const entry of entryPoints) {
  for (const { exported, symbol } of exportedSymbols(entry)) {
    const declaration = symbol.declarations?.[0];
    if (declaration) documented.set(exported.name, anchorOf(entryHeading(exported.name, kindOf(declaration))));
  }
}

function entriesOf(entryPoint: EntryPoint): Entry[] {
  return exportedSymbols(entryPoint).map(({ exported, symbol }) => {
    const declaration = symbol.declarations?.[0];
    if (!declaration) throw new Error(`no declaration for ${exported.name}`);
    const tags = symbol.getJsDocTags(checker);
    const category = render(tags.find((tag) => tag.name === 'category')?.text) || 'other';
    const summary = oneLine(render(symbol.getDocumentationComment(checker)).split(/\n\s*\n/)[0] ?? '');
    const file = declaration.getSourceFile();
    return {
      name: exported.name,
      kind: kindOf(declaration),
      category: category.trim(),
      signature: signatureOf(symbol, declaration),
      summary,
      details: detailsOf(symbol, declaration),
      source: relative(join(root, 'docs'), file.fileName),
    };
  });
}

const order = [
  'transport',
  'consume',
  'requester',
  'pubScribe',
  'responder',
  'fp-ts',
  'codecs',
  'headers',
  'errors',
  'testing',
];
const sections = entryPoints.map((entryPoint) => ({ entryPoint, entries: entriesOf(entryPoint) }));
const entries = sections.flatMap((section) => section.entries);
const undocumented = entries.filter((entry) => entry.summary.length === 0).map((entry) => entry.name);
const categoriesOf = (list: readonly Entry[]) =>
  [...new Set(list.map((entry) => entry.category))].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );

const lines = [
  '# API reference',
  '',
  '<!-- Generated by tools/api-reference.ts from the doc comments in lib/ (npm run docs:api). Do not edit by hand. -->',
  '',
  `Everything the package exports (${entries.length} names) from its ${entryPoints.length} entry points, by category: the`,
  'signature, the documentation, parameters, return value and errors, and for options and other',
  'interfaces every member with its documentation and default. Each entry links to its source (shipped',
  'in the package under `lib/`), whose doc comment also has an example; every example is compiled in CI.',
  '',
];
for (const { entryPoint, entries: list } of sections) {
  const heading = `\`${entryPoint.specifier}\``;
  lines.push(`- [${heading}](#${anchorOf(`Entry point ${entryPoint.specifier}`)}): ${entryPoint.intro}`);
  for (const category of categoriesOf(list)) {
    lines.push(`  - [${category}](#${anchorOf(`${entryPoint.specifier}: ${category}`)})`);
  }
}
lines.push('');
for (const { entryPoint, entries: list } of sections) {
  lines.push(
    `## Entry point ${entryPoint.specifier}`,
    '',
    entryPoint.intro,
    '',
    '```ts',
    `import { ... } from '${entryPoint.specifier}';`,
    '```',
    '',
  );
  for (const category of categoriesOf(list)) {
    lines.push(`### ${entryPoint.specifier}: ${category}`, '');
    for (const entry of list
      .filter((candidate) => candidate.category === category)
      .sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(
        `#### ${entryHeading(entry.name, entry.kind)}`,
        '',
        `[source](${entry.source})`,
        '',
        '```ts',
        entry.signature,
        '```',
        '',
        entry.summary,
        '',
        ...entry.details,
      );
    }
  }
}
const markdown = `${lines.join('\n').trimEnd()}\n`;
const target = join(root, 'docs', 'api.md');

// Every link must resolve: anchors to headings of this file, relative paths to files.
const anchors = new Set(
  markdown
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .map((line) => anchorOf(line.replace(/^#+\s*/, ''))),
);
const broken: string[] = [...markdown.matchAll(/\]\(([^)]+)\)/g)]
  .map((match) => match[1]!)
  .filter((target) =>
    target.startsWith('#')
      ? !anchors.has(target.slice(1))
      : !existsSync(join(dirname(join(root, 'docs', 'api.md')), target)),
  );
const headingAnchors = markdown
  .split('\n')
  .filter((line) => /^#+ /.test(line))
  .map((line) => anchorOf(line.replace(/^#+\s*/, '')));
const repeated = headingAnchors.filter((anchor, index) => headingAnchors.indexOf(anchor) !== index);
if (repeated.length > 0) broken.push(...repeated.map((anchor) => `#${anchor} (two headings)`));
if (broken.length > 0 || markdown.includes('{@link')) {
  console.error(`docs/api.md would have broken links: ${[...new Set(broken)].join(', ') || 'a raw {@link}'}`);
  process.exit(1);
}
if (undocumented.length > 0) {
  console.error(`exports without a doc comment: ${undocumented.join(', ')}`);
  process.exit(1);
}
if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== markdown) {
    console.error('docs/api.md is out of date: run `npm run docs:api` and commit it.');
    process.exit(1);
  }
  console.log(`docs/api.md is up to date (${entries.length} exports)`);
} else {
  writeFileSync(target, markdown);
  console.log(`wrote docs/api.md (${entries.length} exports from ${entryPoints.length} entry points)`);
}
