/**
 * What went wrong, as a closed set of words that callers can `switch` on.
 *
 * @example
 * import { isPubScribeError, PubScribeErrorKind } from 'pubscribe';
 *
 * const shouldAlert = (error: unknown): boolean => {
 *   const quiet: readonly PubScribeErrorKind[] = ['timeout', 'overloaded'];
 *   return isPubScribeError(error) && !quiet.includes(error.kind);
 * };
 *
 * @since 0.1.0
 * @category errors
 */
export type PubScribeErrorKind =
  'timeout' | 'decode' | 'produce' | 'remote' | 'not-ready' | 'overloaded' | 'closed' | 'connection';

/**
 * Where an error happened: the Kafka coordinates and request it concerns. Every field is optional
 * because each failure knows only part of the picture (a produce error has no offset yet).
 *
 * @example
 * import { ErrorContext, ProduceError } from 'pubscribe';
 *
 * const context: ErrorContext = { topic: 'create-user', correlationId: 'c0ffee' };
 * const error = new ProduceError({ ...context, cause: new Error('leader not available') });
 *
 * @since 0.1.0
 * @category errors
 */
export interface ErrorContext {
  /** The topic the failed operation read from or wrote to. */
  readonly topic?: string;
  /** The partition of the record concerned. */
  readonly partition?: number;
  /** The record's offset, as a decimal string the way kafkajs reports offsets. */
  readonly offset?: string;
  /** The correlation id of the request concerned. */
  readonly correlationId?: string;
  /** How long the operation had been running when it failed, in milliseconds. */
  readonly elapsedMs?: number;
  /** The lower-level error or value that caused this one. */
  readonly cause?: unknown;
}

/**
 * Marks every pubscribe error, so the guards still recognise errors made by another copy of this
 * package (where `instanceof` fails). `Symbol.for` makes all copies share the same symbol.
 *
 * @internal
 */
export const errorBrand: unique symbol = Symbol.for('pubscribe.error');

/**
 * The base of every error pubscribe raises: a `kind` to switch on, whether retrying may help, and the
 * Kafka coordinates of the failure. Catch it, then narrow with the `isX` guards.
 *
 * @example
 * import { PubScribeError } from 'pubscribe';
 *
 * const worthRetrying = (error: unknown): boolean => error instanceof PubScribeError && error.retriable;
 *
 * @since 0.1.0
 * @category errors
 */
export abstract class PubScribeError extends Error {
  /** What went wrong; each concrete class fixes one kind. */
  abstract readonly kind: PubScribeErrorKind;
  /** Whether the same operation may succeed if tried again unchanged. */
  readonly retriable: boolean;
  /** The topic the failed operation read from or wrote to. */
  readonly topic?: string;
  /** The partition of the record concerned. */
  readonly partition?: number;
  /** The record's offset, as a decimal string. */
  readonly offset?: string;
  /** The correlation id of the request concerned. */
  readonly correlationId?: string;
  /** How long the operation had been running when it failed, in milliseconds. */
  readonly elapsedMs?: number;

  /**
   * @param message What happened and what to do about it.
   * @param options The error's context and whether retrying may help.
   */
  protected constructor(message: string, options: ErrorContext & { readonly retriable: boolean }) {
    // Only pass `cause` when there is one, so errors without a cause have no `cause` key at all.
    super(message, 'cause' in options && options.cause !== undefined ? { cause: options.cause } : undefined);
    this.retriable = options.retriable;
    this.topic = options.topic;
    this.partition = options.partition;
    this.offset = options.offset;
    this.correlationId = options.correlationId;
    this.elapsedMs = options.elapsedMs;
    // Non-enumerable, so the brand stays out of logs and JSON while still being found by `in`.
    Object.defineProperty(this, errorBrand, { value: true });
  }
}
