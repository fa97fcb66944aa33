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

  private constructor(partitions: readonly number[], encode: (partition: number) => Buffer) {
    this.partitions = partitions;
    this.headers = partitions.map(encode);
  }

  /**
   * The reply partitions of a requester's `replyPartition` option, checked; undefined without one.
   * `encode` writes a partition's `kafka_replyPartition` value.
   *
   * @throws TypeError for a value that is neither a number nor an array of numbers
   * @throws RangeError for an empty list, or a number that is not a whole number from 0 or is named twice
   */
  static of(
    option: number | readonly number[] | undefined,
    encode: (partition: number) => Buffer,
  ): ReplyPartitions | undefined {
    if (option === undefined) return undefined;
    const what = 'createRequester: `replyPartition`';
    const list: readonly unknown[] = typeof option === 'number' ? [option] : option;
    if (!Array.isArray(list)) {
      throw new TypeError(
        `${what} must be a partition number, an array of them, 'auto' or 'shared', got ${typeof option}.`,
      );
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
    return new ReplyPartitions([...seen], encode);
  }

  /** The `kafka_replyPartition` value for the next request: each partition in turn. */
  next(): Buffer {
    const header = this.headers[this.turn]!;
    this.turn = (this.turn + 1) % this.headers.length;
    return header;
  }
}
