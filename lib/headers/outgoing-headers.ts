/**
 * Headers for a record about to be produced, in the shape kafkajs accepts.
 *
 * @example
 * import { CORRELATION_ID_HEADER, int32Header, OutgoingHeaders, REPLY_PARTITION_HEADER } from 'pubscribe';
 *
 * const headers: OutgoingHeaders = { [CORRELATION_ID_HEADER]: 'c0ffee', [REPLY_PARTITION_HEADER]: int32Header(0) };
 *
 * @since 0.1.0
 * @category headers
 */
export type OutgoingHeaders = Record<string, Buffer | string>;

/**
 * Encodes an integer as a 4-byte big-endian header value, the format Spring reads for
 * `kafka_replyPartition`.
 *
 * @example
 * import { int32Header } from 'pubscribe';
 *
 * int32Header(3); // <Buffer 00 00 00 03>
 *
 * @param n A whole number from -2147483648 to 2147483647.
 * @returns The 4 bytes.
 * @throws RangeError when `n` is not a whole number in that range, rather than silently truncating.
 * @since 0.1.0
 * @category headers
 */
export const int32Header = (n: number): Buffer => {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) {
    throw new RangeError(`int32Header needs a whole number from -2147483648 to 2147483647, got ${n}.`);
  }
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n, 0);
  return bytes;
};
