/**
 * Codecs: turning values into Kafka record bytes and back, with decoding that never throws.
 */
export type { Codec } from './codec';
export type { DecodeFailure } from './decode-failure';
export { decodeFailure } from './decode-failure';
export { jsonCodec } from './json-codec';
export { stringCodec } from './string-codec';
export { bytesCodec } from './bytes-codec';
export { nullableCodec } from './nullable-codec';
export { reportErrors } from './report-errors';
export { previewBytes } from './preview';
