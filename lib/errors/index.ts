/**
 * The pubscribe error family: one base class, one class per failure, and a guard for each.
 */
export type { ErrorContext, PubScribeErrorKind } from './pubscribe-error.js';
export type { RequestTimeoutErrorOptions } from './request-timeout-error.js';
export type { DecodeErrorOptions } from './decode-error.js';
export type { ProduceErrorOptions, ProduceErrorReason, ProduceSizeLimit } from './produce-error.js';
export type { RemoteErrorOptions } from './remote-error.js';
export type { OverloadedErrorOptions } from './overloaded-error.js';
export type { ClosedErrorOptions } from './closed-error.js';
export type { ConnectionErrorOptions, ConnectionFailureReason } from './connection-error.js';
export { PubScribeError } from './pubscribe-error.js';
export { RequestTimeoutError } from './request-timeout-error.js';
export { DecodeError } from './decode-error.js';
export { ProduceError } from './produce-error.js';
export { RemoteError } from './remote-error.js';
export { NotReadyError } from './not-ready-error.js';
export { OverloadedError } from './overloaded-error.js';
export { ClosedError } from './closed-error.js';
export { ConnectionError } from './connection-error.js';
export {
  isClosedError,
  isConnectionError,
  isDecodeError,
  isNotReadyError,
  isOverloadedError,
  isProduceError,
  isPubScribeError,
  isRemoteError,
  isRequestTimeoutError,
} from './guards.js';
