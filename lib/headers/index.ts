/**
 * Record headers: the wire-protocol header names and helpers to read and write header values.
 */
export {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
  TRACEPARENT_HEADER,
} from './header-names.js';
export type { RawHeaders, RecordHeaders } from './record-headers.js';
export { headerBytes, headerInt32, headerString, normaliseHeaders } from './record-headers.js';
export type { OutgoingHeaders } from './outgoing-headers.js';
export { int32Header } from './outgoing-headers.js';
