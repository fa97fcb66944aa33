import { CallResult, callCreateUser, Outcome } from './create-user-client';
import type { PlannedRequest } from './request-plan';

/** Where a batch stands. */
export interface LoadProgress {
  readonly done: number;
  readonly total: number;
  readonly counts: Readonly<Record<Outcome, number>>;
}

/** One request of the batch and how it went. */
export interface LoadResult extends CallResult {
  readonly request: PlannedRequest;
  /** Which GraphQL instance (index into `urls`) it was sent to. */
  readonly instance: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** The GraphQL instances; request `i` goes to `urls[i % urls.length]`, like a round-robin balancer. */
  readonly urls: readonly string[];
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Stops sending new requests (the ones in flight finish). */
  readonly signal?: AbortSignal;
  /**
   * One request held back and sent alone to the first instance, with these extra HTTP headers,
   * once every other one has finished: the demo traces it, and alone its trace shows the hops
   * rather than a queue.
   */
  readonly solo?: { readonly index: number; readonly headers: Readonly<Record<string, string>> };
}

/**
 * Sends the batch with at most `concurrency` requests in flight.
 *
 * @param requests the batch, in sending order
 * @param options instances, concurrency, progress and cancellation
 * @returns one result per request sent, in batch order (fewer than planned when aborted)
 */
export async function runLoad(requests: readonly PlannedRequest[], options: LoadOptions): Promise<LoadResult[]> {
  const results: (LoadResult | undefined)[] = new Array(requests.length);
  const counts: Record<Outcome, number> = { ok: 0, duplicate: 0, validation: 0, other: 0 };
  let next = 0;
  let done = 0;
  const send = async (
    index: number,
    headers?: Readonly<Record<string, string>>,
    instance = index % options.urls.length,
  ) => {
    const result = await callCreateUser(options.urls[instance], requests[index], headers);
    results[index] = { ...result, request: requests[index], instance };
    counts[result.outcome] += 1;
    done += 1;
    options.onProgress?.({ done, total: requests.length, counts: { ...counts } });
  };
  const solo = options.solo;
  const worker = async () => {
    while (next < requests.length && !options.signal?.aborted) {
      const index = next++;
      if (index !== solo?.index) await send(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, requests.length) }, worker));
  if (solo && solo.index < requests.length && !options.signal?.aborted) await send(solo.index, solo.headers, 0);
  return results.filter((result): result is LoadResult => result !== undefined);
}
