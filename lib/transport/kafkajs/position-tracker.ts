import type { PartitionPosition, TopicPartition } from '../records.js';

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * The next offset to read, per partition, as this consumer knows it. Seeded with the log ends (or
 * starts) seen before subscribing; advanced as records are delivered. After a rebalance the
 * consumer seeks to these positions instead of letting the client resolve "latest" again.
 *
 * @internal
 */
export class PositionTracker {
  private readonly next = new Map<string, bigint>();

  /** Records a starting position unless one is known already. */
  seed(topic: string, partition: number, offset: string): void {
    const key = keyOf(topic, partition);
    if (!this.next.has(key)) this.next.set(key, BigInt(offset));
  }

  /** Sets the next offset to read (used after a committed offset was chosen). */
  set(topic: string, partition: number, offset: string | bigint): void {
    this.next.set(keyOf(topic, partition), BigInt(offset));
  }

  /** Moves past `offset` (never backwards). */
  advancePast(topic: string, partition: number, offset: string): void {
    const key = keyOf(topic, partition);
    const candidate = BigInt(offset) + 1n;
    const current = this.next.get(key);
    if (current === undefined || candidate > current) this.next.set(key, candidate);
  }

  /** True when a record at `offset` was delivered already (a re-fetch after a rebalance). */
  isBehind(topic: string, partition: number, offset: string): boolean {
    const current = this.next.get(keyOf(topic, partition));
    return current !== undefined && BigInt(offset) < current;
  }

  /** The tracked position, or undefined for a partition never seen (created after subscribing). */
  get(topic: string, partition: number): bigint | undefined {
    return this.next.get(keyOf(topic, partition));
  }

  /** Every tracked position (a restarted consumer starts from these). */
  positions(): PartitionPosition[] {
    return [...this.next].map(([key, offset]) => {
      const separator = key.indexOf(':');
      return { topic: key.slice(separator + 1), partition: Number(key.slice(0, separator)), offset: offset.toString() };
    });
  }

  /** The position to pin: tracked, or 0 for a partition that did not exist when the consumer started. */
  pin(partition: TopicPartition): PartitionPosition {
    const offset = this.get(partition.topic, partition.partition) ?? 0n;
    this.set(partition.topic, partition.partition, offset);
    return { topic: partition.topic, partition: partition.partition, offset: offset.toString() };
  }
}
