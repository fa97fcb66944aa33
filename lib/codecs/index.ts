/**
 * Codecs: turning values into Kafka record bytes and back, with decoding that never throws.
 */
export type { Codec } from './codec.js';
export type { DecodeFailure } from './decode-failure.js';
export { decodeFailure } from './decode-failure.js';
export { jsonCodec } from './json-codec.js';
export { stringCodec } from './string-codec.js';
export { bytesCodec } from './bytes-codec.js';
export { nullableCodec } from './nullable-codec.js';
export { reportErrors } from './report-errors.js';
export { previewBytes } from './preview.js';
