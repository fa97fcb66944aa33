import type { LoadProgress } from './load';

/** Shows a batch's progress on a stream. */
export interface ProgressPrinter {
  update(progress: LoadProgress): void;
  /** Prints a log line; on a terminal it replaces the progress line, which the next update redraws. */
  log(line: string): void;
  /** Ends the progress display (a TTY's line is finished with a newline). */
  finish(): void;
}

const describe = (progress: LoadProgress): string => {
  const { ok, duplicate, validation, other } = progress.counts;
  const percent = Math.floor((progress.done / progress.total) * 100);
  return (
    `${String(progress.done).padStart(String(progress.total).length)}/${progress.total} (${percent}%)  ` +
    `ok ${ok}  duplicate ${duplicate}  validation ${validation}  other ${other}`
  );
};

/**
 * A progress display: on a terminal one line rewritten in place (at most every 100 ms, and
 * always for the last request); otherwise, as in CI logs, a line at each tenth of the batch.
 *
 * @param stream where to write, usually `process.stdout`
 * @returns the printer
 */
export function progressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  let lastDrawn = 0;
  let lastTenth = 0;
  let drew = false;
  return {
    update(progress) {
      const finished = progress.done === progress.total;
      if (stream.isTTY) {
        const now = Date.now();
        if (!finished && now - lastDrawn < 100) return;
        lastDrawn = now;
        drew = true;
        stream.write(`\r  ${describe(progress)}\x1b[K`);
        return;
      }
      const tenth = Math.floor((progress.done / progress.total) * 10);
      // The last request always lands on tenth 10, so the final count is always printed.
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`  ${describe(progress)}\n`);
      }
    },
    log(line) {
      stream.write(stream.isTTY && drew ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
    finish() {
      if (drew) stream.write('\n');
      drew = false;
    },
  };
}
