import type { BenchRequester } from './bench-types';

/** Outcome of a closed-loop run. */
export interface LoopOutcome {
  readonly latenciesMs: number[];
  readonly errors: number;
  readonly wrongReplies: number;
  readonly durationMs: number;
  readonly cappedByDuration: boolean;
}

/**
 * Keeps `concurrency` requests in flight until `count` have completed or `capMs` has passed
 * (then it stops starting new ones and waits for those in flight).
 */
export async function closedLoop(
  requester: BenchRequester,
  count: number,
  concurrency: number,
  capMs: number,
  onProgress: (done: number) => void = () => undefined,
): Promise<LoopOutcome> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let wrongReplies = 0;
  let next = 0;
  let done = 0;
  let capped = false;
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  const worker = async () => {
    while (next < count) {
      if (elapsedMs() > capMs) {
        capped = true;
        return;
      }
      const n = next++;
      const sent = process.hrtime.bigint();
      try {
        const echoed = await requester.call(n);
        latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (echoed !== n) wrongReplies += 1;
      } catch {
        errors += 1;
      }
      done += 1;
      if (done % 256 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  onProgress(done);
  return { latenciesMs, errors, wrongReplies, durationMs: elapsedMs(), cappedByDuration: capped };
}
