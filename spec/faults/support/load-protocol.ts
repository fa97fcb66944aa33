import type { RequesterMetrics } from '../../../lib/requester';

/** How one request of a load process ended. Times are wall-clock milliseconds (same machine). */
export interface Outcome {
  readonly n: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** `ok`: answered once; `timeout`: a RequestTimeoutError; `error`: any other error. */
  readonly kind: 'ok' | 'timeout' | 'error';
}

/** What a load process reports once its load stopped and every request settled. */
export interface LoadReport {
  readonly instance: string;
  readonly sent: number;
  /** Requests answered with their own reply, exactly once. */
  readonly answeredOnce: number;
  /** Requests whose caller saw a second reply (must be 0). */
  readonly answeredTwice: number;
  /** Requests answered with another request's reply (must be 0). */
  readonly crossed: number;
  readonly timeouts: number;
  readonly otherErrors: number;
  /** Errors by name (timeouts included). */
  readonly errorNames: Readonly<Record<string, number>>;
  readonly errorSamples: readonly string[];
  readonly outcomes: readonly Outcome[];
  /** Request number -> the responder that answered it. */
  readonly answeredBy: Readonly<Record<number, string>>;
  readonly metrics: RequesterMetrics;
}

/** After the load: fresh requests on the same requester. */
export interface ProbeResult {
  readonly instance: string;
  readonly sent: number;
  readonly ok: number;
  readonly slowestMs: number;
}

/** Progress while the load runs, to tell when requests succeed again. */
export interface LoadStatus {
  readonly instance: string;
  readonly sent: number;
  readonly inFlight: number;
  /** How long the oldest request in flight has waited so far. */
  readonly oldestInFlightMs: number;
  /** When the last failed or slow request was sent (0: none yet). */
  readonly lastBadStartedAt: number;
  /** Requests sent after it that were answered quickly. */
  readonly goodSinceLastBad: number;
}

/** Commands a fault spec sends to a load process. */
export type LoadCommand =
  | { readonly type: 'start'; readonly ratePerSecond: number }
  | { readonly type: 'status' }
  /** Sends `burst` requests, waits `afterMs` so they are produced, then blocks the event loop `ms`. */
  | { readonly type: 'block'; readonly ms: number; readonly burst: number; readonly afterMs: number }
  | { readonly type: 'stop' }
  | { readonly type: 'probe'; readonly count: number }
  | { readonly type: 'exit' };

/** What a load process answers. */
export type LoadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'status'; readonly status: LoadStatus }
  | { readonly type: 'blocked' }
  | { readonly type: 'stopped'; readonly report: LoadReport }
  | { readonly type: 'probed'; readonly result: ProbeResult };

/** What a responder process reports. */
export type ResponderMessage =
  | { readonly type: 'ready' }
  /** The handler began on request `id` (`instance:n`). */
  | { readonly type: 'started'; readonly id: string }
  /** The reply to request `id` was acknowledged by the broker. */
  | { readonly type: 'answered'; readonly id: string }
  | { readonly type: 'events'; readonly counts: Readonly<Record<string, number>> };
