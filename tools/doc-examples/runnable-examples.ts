import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplesInMarkdown } from './extract-examples';

/** A markdown block marked to be run, and what it must print. */
export interface RunnableBlock {
  /** `docs/getting-started.md:20` */
  readonly origin: string;
  readonly code: string;
  readonly prints?: string;
}

const marker = /^<!-- doc-example: run(?:, prints "(.*)")? -->\s*$/;

/**
 * The ```ts blocks directly below a `<!-- doc-example: run -->` line (a comment readers do not
 * see), with what the marker says the run prints.
 */
export function runnableBlocks(root: string, files: readonly string[]): RunnableBlock[] {
  return files.flatMap((file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    return examplesInMarkdown(root, [file]).flatMap((example) => {
      const fenceLine = Number(example.origin.split(':').pop());
      const found = marker.exec(lines[fenceLine - 2] ?? '');
      if (!found) return [];
      return [{ origin: example.origin, code: example.code, ...(found[1] === undefined ? {} : { prints: found[1] }) }];
    });
  });
}

/** The one TypeScript block of a markdown section (`## Use it`), for running it as pasted. */
export function sectionExample(root: string, file: string, heading: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section '${heading}'`);
  const startLine = text.slice(0, start + 1).split('\n').length;
  const next = text.indexOf('\n## ', start + heading.length + 1);
  const endLine = next < 0 ? Number.POSITIVE_INFINITY : text.slice(0, next + 1).split('\n').length;
  const blocks = examplesInMarkdown(root, [file]).filter((example) => {
    const line = Number(example.origin.split(':').pop());
    return line > startLine && line < endLine;
  });
  if (blocks.length !== 1) throw new Error(`${file} '${heading}' has ${blocks.length} TypeScript blocks, expected 1`);
  return blocks[0].code;
}

/** The README's "Use it" example. */
export function readmeExample(root: string): string {
  return sectionExample(root, 'README.md', '## Use it');
}
