import type { PartitionPosition } from './records.js';

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * Commits processed positions of a shared group off the fetch path: a client's auto-commit sends
 * an OffsetCommit after every batch and waits for it before fetching again, which puts a broker
 * round trip on every request's path. Here a commit starts as soon as there is something to
 * commit and none is in flight; what is processed meanwhile goes in the next one. A failed commit
 * (during a rebalance, say) is retried with the next one: the group then re-reads at most what was
 * processed since, and requesters drop the duplicate replies (at-least-once). Each transport
 * passes its client's commit call.
 *
 * @internal
 */
export class OffsetCommitter {
  private readonly due = new Map<string, PartitionPosition>();
  private inFlight: Promise<void> | undefined;

  constructor(private readonly commit: (positions: readonly PartitionPosition[]) => Promise<unknown>) {}

  /** Records that everything below `nextOffset` is processed, and commits soon. */
  processed(topic: string, partition: number, nextOffset: string): void {
    this.due.set(keyOf(topic, partition), { topic, partition, offset: nextOffset });
    this.inFlight ??= this.commitLoop();
  }

  /** Forgets positions of partitions this member no longer owns (keys as `<partition>:<topic>`). */
  retain(owned: ReadonlySet<string>): void {
    for (const key of this.due.keys()) if (!owned.has(key)) this.due.delete(key);
  }

  /** Waits until everything recorded so far is committed (or failed to be). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.due.size > 0) {
        const batch = [...this.due.values()];
        this.due.clear();
        try {
          await this.commit(batch);
        } catch {
          // Not a member of this generation any more, or the coordinator moved: the next join
          // re-reads committed offsets; re-processing what this commit covered is safe.
        }
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}
