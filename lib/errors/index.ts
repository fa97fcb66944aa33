/**
 * The pubscribe error family: one base class, one class per failure, and a guard for each.
 */
export type { ErrorContext, PubScribeErrorKind } from './pubscribe-error';
export type { RequestTimeoutErrorOptions } from './request-timeout-error';
export type { DecodeErrorOptions } from './decode-error';
export type { ProduceErrorOptions } from './produce-error';
export type { RemoteErrorOptions } from './remote-error';
export type { OverloadedErrorOptions } from './overloaded-error';
export type { ClosedErrorOptions } from './closed-error';
export type { ConnectionErrorOptions, ConnectionFailureReason } from './connection-error';
export { PubScribeError } from './pubscribe-error';
export { RequestTimeoutError } from './request-timeout-error';
export { DecodeError } from './decode-error';
export { ProduceError } from './produce-error';
export { RemoteError } from './remote-error';
export { NotReadyError } from './not-ready-error';
export { OverloadedError } from './overloaded-error';
export { ClosedError } from './closed-error';
export { ConnectionError } from './connection-error';
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
} from './guards';
