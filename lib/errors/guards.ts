import { ClosedError } from './closed-error.js';
import { ConnectionError } from './connection-error.js';
import { DecodeError } from './decode-error.js';
import { NotReadyError } from './not-ready-error.js';
import { OverloadedError } from './overloaded-error.js';
import { ProduceError } from './produce-error.js';
import { errorBrand, PubScribeError, PubScribeErrorKind } from './pubscribe-error.js';
import { RemoteError } from './remote-error.js';
import { RequestTimeoutError } from './request-timeout-error.js';

// `instanceof` fails when an application ends up with two copies of pubscribe (two versions in
// node_modules), so each guard also accepts anything carrying the shared brand and the right kind.
const isBranded = (u: unknown): u is { readonly kind: unknown } =>
  typeof u === 'object' && u !== null && errorBrand in u && u[errorBrand] === true && 'kind' in u;

const hasKind = (u: unknown, kind: PubScribeErrorKind): boolean => isBranded(u) && u.kind === kind;

/**
 * Whether a value is any pubscribe error, including one made by another copy of the package.
 *
 * @example
 * import { isPubScribeError } from 'pubscribe';
 *
 * const retriable = (error: unknown): boolean => isPubScribeError(error) && error.retriable;
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `PubScribeError`.
 * @since 0.1.0
 * @category errors
 */
export const isPubScribeError = (u: unknown): u is PubScribeError => u instanceof PubScribeError || isBranded(u);

/**
 * Whether a value is a {@link RequestTimeoutError}.
 *
 * @example
 * import { isRequestTimeoutError } from 'pubscribe';
 *
 * const partialReplies = (error: unknown): readonly unknown[] =>
 *   isRequestTimeoutError(error) ? (error.partial ?? []) : [];
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `RequestTimeoutError`.
 * @since 0.1.0
 * @category errors
 */
export const isRequestTimeoutError = (u: unknown): u is RequestTimeoutError =>
  u instanceof RequestTimeoutError || hasKind(u, 'timeout');

/**
 * Whether a value is a {@link DecodeError}.
 *
 * @example
 * import { isDecodeError } from 'pubscribe';
 *
 * const issues = (error: unknown): readonly string[] => (isDecodeError(error) ? error.issues : []);
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `DecodeError`.
 * @since 0.1.0
 * @category errors
 */
export const isDecodeError = (u: unknown): u is DecodeError => u instanceof DecodeError || hasKind(u, 'decode');

/**
 * Whether a value is a {@link ProduceError}.
 *
 * @example
 * import { isProduceError } from 'pubscribe';
 *
 * const shouldResend = (error: unknown): boolean => isProduceError(error) && error.retriable;
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `ProduceError`.
 * @since 0.1.0
 * @category errors
 */
export const isProduceError = (u: unknown): u is ProduceError => u instanceof ProduceError || hasKind(u, 'produce');

/**
 * Whether a value is a {@link RemoteError}.
 *
 * @example
 * import { isRemoteError } from 'pubscribe';
 *
 * const remoteDetails = (error: unknown): unknown => (isRemoteError(error) ? error.details : undefined);
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `RemoteError`.
 * @since 0.1.0
 * @category errors
 */
export const isRemoteError = (u: unknown): u is RemoteError => u instanceof RemoteError || hasKind(u, 'remote');

/**
 * Whether a value is a {@link NotReadyError}.
 *
 * @example
 * import { isNotReadyError } from 'pubscribe';
 *
 * const waitAndRetry = (error: unknown): boolean => isNotReadyError(error);
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `NotReadyError`.
 * @since 0.1.0
 * @category errors
 */
export const isNotReadyError = (u: unknown): u is NotReadyError =>
  u instanceof NotReadyError || hasKind(u, 'not-ready');

/**
 * Whether a value is an {@link OverloadedError}.
 *
 * @example
 * import { isOverloadedError } from 'pubscribe';
 *
 * const load = (error: unknown): string => (isOverloadedError(error) ? `${error.inFlight}/${error.limit}` : '');
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is an `OverloadedError`.
 * @since 0.1.0
 * @category errors
 */
export const isOverloadedError = (u: unknown): u is OverloadedError =>
  u instanceof OverloadedError || hasKind(u, 'overloaded');

/**
 * Whether a value is a {@link ClosedError}.
 *
 * @example
 * import { isClosedError } from 'pubscribe';
 *
 * const closedThing = (error: unknown): string | undefined => (isClosedError(error) ? error.what : undefined);
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `ClosedError`.
 * @since 0.1.0
 * @category errors
 */
export const isClosedError = (u: unknown): u is ClosedError => u instanceof ClosedError || hasKind(u, 'closed');

/**
 * Whether a value is a {@link ConnectionError}.
 *
 * @example
 * import { isConnectionError } from 'pubscribe';
 *
 * const badCredentials = (error: unknown): boolean => isConnectionError(error) && error.reason === 'authentication';
 *
 * @param u The value to test, typically a caught error.
 * @returns `true` when `u` is a `ConnectionError`.
 * @since 0.1.0
 * @category errors
 */
export const isConnectionError = (u: unknown): u is ConnectionError =>
  u instanceof ConnectionError || hasKind(u, 'connection');
