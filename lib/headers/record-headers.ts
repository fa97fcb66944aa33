import * as O from 'fp-ts/lib/Option.js';
import { TextDecoder } from 'node:util';

/**
 * The headers of an incoming record, normalised to one Buffer per name. Build it with
 * {@link normaliseHeaders}; read it with `headerString`, `headerBytes` and `headerInt32`.
 *
 * @example
 * import { normaliseHeaders, RecordHeaders } from 'pubscribe';
 *
 * const headers: RecordHeaders = normaliseHeaders({ kafka_correlationId: Buffer.from('c0ffee') });
 *
 * @since 0.1.0
 * @category headers
 */
export type RecordHeaders = Readonly<Record<string, Buffer>>;

/**
 * Headers as kafkajs delivers them (its `IHeaders`): a value may be a Buffer, a string, or an array
 * of them when a name repeats.
 *
 * @example
 * import { RawHeaders } from 'pubscribe';
 *
 * const raw: RawHeaders = { traceparent: ['00-old-01', Buffer.from('00-new-01')] };
 *
 * @since 0.1.0
 * @category headers
 */
export type RawHeaders = { [key: string]: Buffer | string | (Buffer | string)[] | undefined };

const toBuffer = (value: unknown): Buffer | undefined =>
  Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value, 'utf8') : undefined;

/**
 * Normalises kafkajs headers to {@link RecordHeaders}: a repeated header keeps its last value (the
 * most recently added, as Kafka's `Headers.lastHeader` does), strings become UTF-8 Buffers, and
 * missing values are dropped.
 *
 * @example
 * import { normaliseHeaders } from 'pubscribe';
 *
 * const headers = normaliseHeaders({ a: 'x', b: [Buffer.from('old'), 'new'], c: undefined });
 * // { a: <Buffer 78>, b: <Buffer 6e 65 77> }
 *
 * @param raw The record's headers as kafkajs gives them; `undefined` when it has none.
 * @returns One Buffer per header name.
 * @since 0.1.0
 * @category headers
 */
export const normaliseHeaders = (raw: RawHeaders | undefined): RecordHeaders => {
  const entries: [string, Buffer][] = [];
  for (const [name, value] of Object.entries(raw ?? {})) {
    const buffer = toBuffer(Array.isArray(value) ? value[value.length - 1] : value);
    if (buffer !== undefined) {
      entries.push([name, buffer]);
    }
  }
  // fromEntries defines own properties, so a header named `__proto__` cannot change the prototype.
  return Object.fromEntries(entries);
};

/**
 * Reads a header's raw bytes.
 *
 * @example
 * import { CORRELATION_ID_HEADER, headerBytes, normaliseHeaders } from 'pubscribe';
 *
 * const headers = normaliseHeaders({ [CORRELATION_ID_HEADER]: Buffer.from([1, 2, 3]) });
 * headerBytes(headers, CORRELATION_ID_HEADER); // O.some(<Buffer 01 02 03>)
 *
 * @param headers The normalised headers.
 * @param name The header's name (case-sensitive, as in Kafka).
 * @returns The bytes, or `none` when the header is absent.
 * @since 0.1.0
 * @category headers
 */
export const headerBytes = (headers: RecordHeaders, name: string): O.Option<Buffer> =>
  // Own properties only: a header map must not answer for `toString` or `constructor`.
  Object.hasOwn(headers, name) ? O.some(headers[name]) : O.none;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a header as UTF-8 text.
 *
 * @example
 * import { headerString, normaliseHeaders, REPLY_TOPIC_HEADER } from 'pubscribe';
 *
 * const headers = normaliseHeaders({ [REPLY_TOPIC_HEADER]: 'create-user-replies' });
 * headerString(headers, REPLY_TOPIC_HEADER); // O.some('create-user-replies')
 *
 * @param headers The normalised headers.
 * @param name The header's name.
 * @returns The text, or `none` when the header is absent or not valid UTF-8 (a binary id, say).
 * @since 0.1.0
 * @category headers
 */
export const headerString = (headers: RecordHeaders, name: string): O.Option<string> => {
  // Written out rather than piped: it runs for several headers of every record, and fp-ts's
  // data-last combinators cost microseconds a call (see docs/performance.md).
  if (!Object.hasOwn(headers, name)) return O.none;
  try {
    return O.some(strictUtf8.decode(headers[name]));
  } catch {
    return O.none;
  }
};

/**
 * Reads a header holding a 4-byte big-endian signed integer, the way Spring writes
 * `kafka_replyPartition`.
 *
 * @example
 * import { headerInt32, int32Header, normaliseHeaders, REPLY_PARTITION_HEADER } from 'pubscribe';
 *
 * const headers = normaliseHeaders({ [REPLY_PARTITION_HEADER]: int32Header(3) });
 * headerInt32(headers, REPLY_PARTITION_HEADER); // O.some(3)
 *
 * @param headers The normalised headers.
 * @param name The header's name.
 * @returns The integer, or `none` when the header is absent or not exactly 4 bytes long.
 * @since 0.1.0
 * @category headers
 */
export const headerInt32 = (headers: RecordHeaders, name: string): O.Option<number> => {
  const bytes = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return bytes?.length === 4 ? O.some(bytes.readInt32BE(0)) : O.none;
};
