import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One code example found in a doc comment or a markdown file. */
export interface DocExample {
  /** `lib/requester/requester.ts:123` */
  readonly origin: string;
  readonly code: string;
}

function filesUnder(folder: string, extension: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return filesUnder(path, extension);
    return path.endsWith(extension) ? [path] : [];
  });
}

/** The `@example` blocks of every doc comment in the TypeScript files under `folder`. */
export function examplesInSource(root: string, folder: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const file of filesUnder(join(root, folder), '.ts')) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let collecting: { start: number; lines: string[] } | undefined;
    const flush = () => {
      if (collecting && collecting.lines.some((line) => line.trim().length > 0)) {
        examples.push({ origin: `${relative(root, file)}:${collecting.start}`, code: collecting.lines.join('\n') });
      }
      collecting = undefined;
    };
    lines.forEach((line, index) => {
      const inComment = /^\s*\*(?!\/)/.exec(line);
      const text = inComment ? line.replace(/^\s*\* ?/, '') : undefined;
      if (text !== undefined && text.startsWith('@example')) {
        flush();
        collecting = { start: index + 1, lines: [] };
        return;
      }
      if (!collecting) return;
      if (text === undefined || text.startsWith('@')) {
        flush();
        return;
      }
      collecting.lines.push(text);
    });
    flush();
  }
  return examples;
}

/** The fenced `ts` / `typescript` blocks of every markdown file under `folder` (and README.md). */
export function examplesInMarkdown(root: string, files: readonly string[]): DocExample[] {
  const examples: DocExample[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    let block: { start: number; lines: string[] } | undefined;
    lines.forEach((line, index) => {
      if (!block && /^```(ts|typescript)\s*$/.test(line)) block = { start: index + 1, lines: [] };
      else if (block && /^```\s*$/.test(line)) {
        examples.push({ origin: `${file}:${block.start}`, code: block.lines.join('\n') });
        block = undefined;
      } else if (block) block.lines.push(line);
    });
  }
  return examples;
}

/** Markdown files whose TypeScript blocks must compile: README.md and docs/*.md, less the generated API reference (its blocks are signatures, not programs). */
export function markdownFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const inDocs = filesUnder(docs, '.md')
    .map((file) => relative(root, file))
    .filter((file) => file !== join('docs', 'api.md'));
  return ['README.md', ...inDocs].filter((file) => {
    try {
      return statSync(join(root, file)).isFile();
    } catch {
      return false;
    }
  });
}
