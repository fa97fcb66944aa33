import { int32Header } from '../headers/index.js';

/**
 * How a requester writes `kafka_replyPartition`, the partition it asks responders to reply on:
 *
 * - `'int32'`: a 4-byte big-endian integer, as Spring's `ReplyingKafkaTemplate` writes it and
 *   Spring's `@SendTo` reads it;
 * - `'text'`: the partition number as decimal text (`"3"`), as NestJS's `ClientKafka` writes it
 *   and Nest's `ServerKafka` reads it (it makes `NaN` of the 4-byte form).
 *
 * pubscribe's responders (`serve`, `PubScribeServer`) read both.
 *
 * @example
 * import type { ReplyPartitionEncoding } from 'pubscribe';
 *
 * const forNestResponders: ReplyPartitionEncoding = 'text';
 *
 * @since 0.2.0
 * @category requester
 */
export type ReplyPartitionEncoding = 'int32' | 'text';

/**
 * The encoder of `kafka_replyPartition` values for an encoding, checked.
 *
 * @throws TypeError for an encoding other than `'int32'` or `'text'`
 * @internal
 */
export function replyPartitionEncoder(encoding: ReplyPartitionEncoding | undefined): (partition: number) => Buffer {
  if (encoding === undefined || encoding === 'int32') return int32Header;
  if (encoding === 'text') return (partition) => Buffer.from(String(partition));
  throw new TypeError(
    `createRequester: \`replyPartitionEncoding\` must be 'int32' (Spring's form) or 'text' (NestJS's), got ${JSON.stringify(encoding)}.`,
  );
}
