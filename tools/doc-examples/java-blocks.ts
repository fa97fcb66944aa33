import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced ```java block of a markdown file that differs from the source file it names, or names none. */
export interface JavaBlockProblem {
  readonly origin: string;
  readonly problem: string;
}

const MARKER = /^<!-- java-source: (\S+) -->\s*$/;

/**
 * Checks that every ```java block in the markdown files is preceded by a line
 * `<!-- java-source: peers/spring/src/main/java/...java -->` and equals that file, so the Java in
 * the docs is code that the Spring peer compiles and the interop tests run.
 */
export function checkJavaBlocks(
  root: string,
  files: readonly string[],
): { checked: number; problems: JavaBlockProblem[] } {
  const problems: JavaBlockProblem[] = [];
  let checked = 0;
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!/^```java\s*$/.test(line)) return;
      checked += 1;
      const origin = `${file}:${index + 1}`;
      const source = MARKER.exec(lines[index - 1] ?? '')?.[1];
      if (!source) {
        problems.push({ origin, problem: 'a ```java block needs a `<!-- java-source: <path> -->` line above it' });
        return;
      }
      if (!existsSync(join(root, source))) {
        problems.push({ origin, problem: `${source} does not exist` });
        return;
      }
      const end = lines.findIndex((candidate, at) => at > index && /^```\s*$/.test(candidate));
      const block = lines.slice(index + 1, end < 0 ? lines.length : end).join('\n');
      if (block.trimEnd() !== readFileSync(join(root, source), 'utf8').trimEnd()) {
        problems.push({ origin, problem: `differs from ${source}; copy the file into the block` });
      }
    });
  }
  return { checked, problems };
}
