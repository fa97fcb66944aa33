import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplesInMarkdown } from './extract-examples';

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
