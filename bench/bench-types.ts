/** What a requester variant must offer the load generator. */
export interface BenchRequester {
  /** Resolves once a request can be sent with no start-up left to pay. */
  ready(): Promise<void>;
  /** One round trip; resolves with the reply's `n`, which must equal the request's. */
  call(n: number): Promise<number>;
  close(): Promise<void>;
}

/** A running echo responder. */
export interface BenchResponder {
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Where a variant's processes send and listen. */
export interface BenchTopics {
  readonly brokers: readonly string[];
  readonly requests: string;
  readonly replies: string;
  readonly groupPrefix: string;
}

/** One measured run of one variant at one concurrency, as the requester process reports it. */
export interface RunResult {
  readonly variant: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly errors: number;
  readonly wrongReplies: number;
  readonly durationMs: number;
  readonly throughput: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Sorted latencies, thinned to at most 200 points, for the plot. */
  readonly latencyCurve: readonly number[];
  readonly readyMs: number;
  /** CPU time of the requester process during the measured phase, per request. */
  readonly cpuMicrosPerRequest: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly cappedByDuration: boolean;
}
