import type { Consumer } from '@platformatic/kafka';

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * Commits processed positions of a shared group off the fetch path, as the kafkajs transport's
 * OffsetCommitter does: one commit in flight at a time, carrying the latest position of every
 * partition processed meanwhile. A failed commit (during a rebalance, say) is left to the next.
 *
 * @internal
 */
export class PlatformaticCommitter {
  private readonly due = new Map<string, { topic: string; partition: number; offset: bigint; leaderEpoch: number }>();
  private inFlight: Promise<void> | undefined;

  constructor(private readonly consumer: Consumer) {}

  /** Records that everything below `nextOffset` is processed, and commits soon. */
  processed(topic: string, partition: number, nextOffset: string): void {
    this.due.set(keyOf(topic, partition), { topic, partition, offset: BigInt(nextOffset), leaderEpoch: -1 });
    this.inFlight ??= this.commitLoop();
  }

  /** Forgets positions of partitions this member no longer owns. */
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
        const offsets = [...this.due.values()];
        this.due.clear();
        try {
          await this.consumer.commit({ offsets });
        } catch {
          // Not a member of this generation any more: the next owner re-reads what this covered.
        }
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}
