import * as E from 'fp-ts/lib/Either.js';
import type { Codec } from '../codecs/codec.js';

const isPlainObject = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
};

/** A `{ key?, value?, headers? }` object: Nest's serializer sends its `value` as the record's value. */
const isKafkaMessage = (value: unknown): value is { readonly value?: unknown } =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && ('key' in value || 'value' in value);

/** As Nest's `KafkaRequestSerializer.encode`: objects and arrays as JSON, text as is. */
function encodeValue(value: unknown): Buffer | null {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (
    typeof value === 'object' &&
    (isPlainObject(value) || Array.isArray(value) || value.toString === Object.prototype.toString)
  ) {
    return Buffer.from(JSON.stringify(value), 'utf8');
  }
  return Buffer.from(String(value), 'utf8');
}

/** As Nest's `KafkaParser.decode`: JSON objects and arrays parsed, anything else as text. */
function decodeValue(bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  // A leading zero byte marks a schema-registry payload; Nest leaves those as bytes.
  if (bytes.length > 0 && bytes[0] === 0) return bytes;
  const text = bytes.toString('utf8');
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: Nest hands it over as text, and so does this codec.
    }
  }
  return text;
}

/**
 * The bytes NestJS's Kafka transport puts on the wire and the values it makes of them, as a
 * codec: decoding parses JSON objects and arrays and leaves anything else as text (so `42` arrives
 * as `'42'`, and a leading zero byte keeps the value a Buffer); encoding writes plain objects and
 * arrays as JSON, strings as their text, Buffers as is, `null` and `undefined` as a tombstone, and
 * anything else through `String()`. A `{ key, value, headers }` object (Nest's "Kafka message"
 * shape) is encoded as its `value`; its key and headers are not carried. Decoding never fails.
 *
 * `PubScribeServer` uses it by default, so handlers written for Nest's own `ServerKafka` get the
 * payloads they expect. Prefer a typed codec (`jsonCodec`) per pattern with {@link patternCodecs}.
 *
 * @example
 * import { nestValueCodec } from 'pubscribe/nest';
 *
 * nestValueCodec.decode(Buffer.from('{"n":1}')); // E.right({ n: 1 })
 * nestValueCodec.decode(Buffer.from('42')); // E.right('42')
 * nestValueCodec.encode({ n: 1 }); // <Buffer '{"n":1}'>
 * nestValueCodec.encode('plain text'); // <Buffer 'plain text'>
 *
 * @since 0.1.0
 * @category nest
 */
export const nestValueCodec: Codec<unknown> = {
  name: 'nest-value',
  encode: (value) => encodeValue(isKafkaMessage(value) ? value.value : value),
  decode: (bytes) => E.right(decodeValue(bytes)),
};
