/**
 * How a transport retries a produce that failed with an error that usually passes (a
 * leader moving, a request timing out, the network). Each call's `deadline` bounds its retries;
 * a call without one gets `budgetMs`.
 *
 * @example
 * import { ProduceRetryOptions } from 'pubscribe';
 *
 * const retry: ProduceRetryOptions = { budgetMs: 10_000, initialBackoffMs: 50, maxBackoffMs: 2_000 };
 *
 * @since 0.2.0
 * @category transport
 */
export interface ProduceRetryOptions {
  /** How long a call without a deadline keeps retrying, from the call. Default 30 000 ms. */
  readonly budgetMs?: number;
  /** The wait before the first retry; each further wait doubles it. Default 100 ms. */
  readonly initialBackoffMs?: number;
  /** The longest wait between two tries. Default 5 000 ms. */
  readonly maxBackoffMs?: number;
}

/** @internal */
export interface ProduceRetry {
  readonly budgetMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

const nonNegative = (owner: string, name: string, value: number): number => {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${owner}: \`produceRetry.${name}\` must be a finite number from 0, got ${value}.`);
  }
  return value;
};

/**
 * Options normalised once; bad values throw at once, naming `owner` (the transport's factory).
 *
 * @internal
 */
export function produceRetry(options: ProduceRetryOptions = {}, owner = 'kafkajsTransport'): ProduceRetry {
  return {
    budgetMs: nonNegative(owner, 'budgetMs', options.budgetMs ?? 30_000),
    initialBackoffMs: nonNegative(owner, 'initialBackoffMs', options.initialBackoffMs ?? 100),
    maxBackoffMs: nonNegative(owner, 'maxBackoffMs', options.maxBackoffMs ?? 5_000),
  };
}

/** The wait before retry number `retry` (1 for the first): exponential, capped. @internal */
export function backoffMs(retry: ProduceRetry, attempt: number): number {
  return Math.min(retry.initialBackoffMs * 2 ** Math.max(0, attempt - 1), retry.maxBackoffMs);
}
