import { int32Header } from '../headers/index.js';

/** The largest partition number Kafka allows (partition numbers are 32-bit signed integers). */
const MAX_PARTITION = 0x7fffffff;

/**
 * The reply partitions a requester owns: its reply consumer reads only these, and each request
 * names one of them in `kafka_replyPartition`, in turn, so the replies spread over all of them.
 *
 * @internal
 */
export class ReplyPartitions {
  /** The partitions, in the order given. */
  readonly partitions: readonly number[];
  /** Each partition's header value, encoded once: requests share them, nobody writes to them. */
  private readonly headers: readonly Buffer[];
  private turn = 0;

  private constructor(partitions: readonly number[]) {
    this.partitions = partitions;
    this.headers = partitions.map((partition) => int32Header(partition));
  }

  /**
   * The reply partitions of a requester's `replyPartition` option, checked; undefined without one.
   *
   * @throws TypeError for a value that is neither a number nor an array of numbers
   * @throws RangeError for an empty list, or a number that is not a whole number from 0 or is named twice
   */
  static of(option: number | readonly number[] | undefined): ReplyPartitions | undefined {
    if (option === undefined) return undefined;
    const what = 'createRequester: `replyPartition`';
    const list: readonly unknown[] = typeof option === 'number' ? [option] : option;
    if (!Array.isArray(list)) {
      throw new TypeError(`${what} must be a partition number, an array of them, or 'auto', got ${typeof option}.`);
    }
    if (list.length === 0) {
      throw new RangeError(
        `${what} is an empty list: name at least one partition of the reply topic, or leave it out to read them all.`,
      );
    }
    const seen = new Set<number>();
    for (const partition of list) {
      if (typeof partition !== 'number') throw new TypeError(`${what} must hold numbers, got ${typeof partition}.`);
      if (!Number.isSafeInteger(partition) || partition < 0 || partition > MAX_PARTITION) {
        throw new RangeError(
          `${what} must hold whole numbers from 0 (partitions of the reply topic), got ${partition}.`,
        );
      }
      if (seen.has(partition)) throw new RangeError(`${what} names partition ${partition} twice.`);
      seen.add(partition);
    }
    return new ReplyPartitions([...seen]);
  }

  /** The `kafka_replyPartition` value for the next request: each partition in turn. */
  next(): Buffer {
    const header = this.headers[this.turn]!;
    this.turn = (this.turn + 1) % this.headers.length;
    return header;
  }
}
