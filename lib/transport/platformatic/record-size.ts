import type { OutgoingRecord } from '../records.js';

const byteLength = (data: Buffer | string | null | undefined): number =>
  data === null || data === undefined ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

/**
 * An upper estimate of the bytes a record takes in a produce request: key, value, header names
 * and values, plus a fixed allowance for the record's framing (varints, attributes, deltas).
 * Kept apart so the data paths of both transports can share one estimator.
 *
 * @internal
 */
export function estimateRecordBytes(record: OutgoingRecord): number {
  let bytes = 32 + byteLength(record.key) + byteLength(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) bytes += 10 + byteLength(name) + byteLength(value);
  return bytes;
}
