import type { OutgoingRecord } from './records.js';

/**
 * Kafka's default `max.message.bytes` (the broker's `message.max.bytes`): 1 MiB plus the 12 bytes
 * of a record batch's offset and length. A topic whose limit cannot be learned is assumed to have it.
 *
 * @example
 * import { DEFAULT_MAX_MESSAGE_BYTES } from 'pubscribe';
 *
 * DEFAULT_MAX_MESSAGE_BYTES; // 1048588
 *
 * @since 0.2.0
 * @category transport
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * The fixed part of a record batch in Kafka's v2 format: base offset (8), length (4), leader epoch
 * (4), magic (1), CRC (4), attributes (2), last offset delta (4), first and max timestamps (8 + 8),
 * producer id (8), producer epoch (2), base sequence (4) and record count (4).
 *
 * @internal
 */
export const RECORD_BATCH_OVERHEAD = 61;

/**
 * Bytes of a zigzag varint, Kafka's encoding of record lengths, offset deltas and field lengths.
 *
 * @internal
 */
export function varintBytes(value: number): number {
  const zigzag = value < 0 ? -2 * value - 1 : 2 * value;
  if (zigzag < 0x80) return 1;
  if (zigzag < 0x4000) return 2;
  if (zigzag < 0x200000) return 3;
  if (zigzag < 0x10000000) return 4;
  return 5;
}

/** A length-prefixed byte field: its varint length and its bytes, or the one byte of -1 for null. */
function fieldBytes(value: Buffer | string | null | undefined, what: string, nullable = true): number {
  if (nullable && (value === null || value === undefined)) return 1;
  let length: number;
  if (typeof value === 'string') length = Buffer.byteLength(value, 'utf8');
  else if (Buffer.isBuffer(value)) length = value.length;
  else throw new TypeError(`${what} must be a Buffer or a string${nullable ? ' or null' : ''}, got ${typeof value}.`);
  return varintBytes(length) + length;
}

/**
 * The part of a record's encoded size that does not depend on where it sits in its batch:
 * attributes (1), timestamp delta (1: kafkajs stamps every record of a batch with one time), key,
 * value and headers, each with its varint length. What is left, the offset delta and the record's
 * own length varint, is added by {@link recordBytesAt}. Measured from byte lengths alone: nothing
 * is encoded or copied. Throws a TypeError for a key or value that is neither a Buffer, a string
 * nor null, or a header value that is neither a Buffer nor a string, as kafkajs would when encoding it.
 *
 * @internal
 */
export function recordBodyBytes(record: OutgoingRecord): number {
  let size = 2 + fieldBytes(record.key, "A record's key") + fieldBytes(record.value, "A record's value");
  let count = 0;
  const headers = record.headers;
  if (headers !== undefined) {
    for (const name in headers) {
      const nameLength = Buffer.byteLength(name, 'utf8');
      count += 1;
      size += varintBytes(nameLength) + nameLength + fieldBytes(headers[name], `Header '${name}'`, false);
    }
  }
  return size + varintBytes(count);
}

/**
 * The encoded size of a record whose body (see {@link recordBodyBytes}) is `body` bytes, at
 * position `index` of its record batch (its offset delta).
 *
 * @internal
 */
export function recordBytesAt(body: number, index: number): number {
  const withDelta = body + varintBytes(index);
  return varintBytes(withDelta) + withDelta;
}

/**
 * How many bytes a record takes in Kafka's v2 format when it is alone in its record batch: the
 * number the broker compares with the topic's `max.message.bytes`. pubscribe's transports measure
 * every record this way before sending it; call it to check a record up front. Exact for records
 * sent without compression, which is how pubscribe sends them.
 *
 * @example
 * import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from 'pubscribe';
 *
 * const record = { topic: 'create-user', key: 'user-1', value: JSON.stringify({ name: 'Ada' }) };
 * recordBatchBytes(record); // 88
 * recordBatchBytes(record) <= DEFAULT_MAX_MESSAGE_BYTES; // true
 *
 * @param record the record, as it would be produced
 * @returns its size in bytes, record batch header included
 * @throws TypeError when the key, value or a header is neither a Buffer nor a string (nor null)
 * @since 0.2.0
 * @category transport
 */
export function recordBatchBytes(record: OutgoingRecord): number {
  return RECORD_BATCH_OVERHEAD + recordBytesAt(recordBodyBytes(record), 0);
}
