/**
 * The demo's traced mutation: which request of the batch is traced, the `traceparent` it is sent
 * with (the HTTP client's span, sampled), and the picture made of the spans the services sent back.
 */
import { randomBytes } from 'node:crypto';
import type { DemoSpan } from './demo-span';
import type { LoadResult } from './load';
import type { PlannedRequest } from './request-plan';
import { traceSvg } from './trace-svg';

/** The traced request: where it is in the batch and the headers that start its trace. */
export interface TracedRequest {
  readonly index: number;
  readonly request: PlannedRequest;
  readonly headers: Readonly<Record<string, string>>;
  readonly traceId: string;
  /** The HTTP client's span, the root of the trace. */
  readonly spanId: string;
}

/** What the demo traced. */
export interface DemoTrace {
  readonly traceId: string;
  /** The mutation's spans, the HTTP client's first, in start order. */
  readonly spans: readonly DemoSpan[];
  /** The consumer starts drawn: the reply consumer of the instance that served it, the user service's, the emailer's. */
  readonly starts: readonly DemoSpan[];
  /** The GraphQL instance that served it. */
  readonly servedBy: string;
  readonly svg: string;
}

/**
 * The request to trace: the first one planned to create a user whose email no other request uses
 * (a duplicated one may end as EMAIL_TAKEN, which is another picture).
 *
 * @param plan the batch
 * @returns its index in the batch
 */
export function pickTracedRequest(plan: readonly PlannedRequest[]): number {
  const uses = new Map<string, number>();
  for (const request of plan) uses.set(request.email, (uses.get(request.email) ?? 0) + 1);
  const index = plan.findIndex((request) => request.expect === 'created' && uses.get(request.email) === 1);
  return Math.max(0, index);
}

/**
 * Starts a trace for the request at `index`: a W3C `traceparent` with fresh ids, sampled.
 *
 * @param plan the batch
 * @param index the request's place in it
 * @returns the request's headers and ids
 */
export function tracedRequest(plan: readonly PlannedRequest[], index: number): TracedRequest {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { index, request: plan[index], traceId, spanId, headers: { traceparent: `00-${traceId}-${spanId}-01` } };
}

const consumerStart = /^start \w+ consumer$/;

/**
 * Collects the trace of the traced request from every service's spans, adds the HTTP client's own
 * span, and draws the picture.
 *
 * @param traced the traced request
 * @param results the batch's results (the traced one among them)
 * @param spans every span the services sent
 * @returns the trace, or undefined when the traced request was never sent (the run was interrupted)
 */
export function traceOfRun(
  traced: TracedRequest,
  results: readonly LoadResult[],
  spans: readonly DemoSpan[],
): DemoTrace | undefined {
  const sent = results.find((candidate) => candidate.request === traced.request);
  if (!sent) return undefined;
  const servedBy = `graphql-${sent.instance + 1}`;
  const client: DemoSpan = {
    service: 'http client',
    traceId: traced.traceId,
    spanId: traced.spanId,
    parentSpanId: null,
    name: 'POST /graphql createUser',
    kind: 'client',
    startMs: sent.startedAtMs,
    endMs: sent.startedAtMs + sent.latencyMs,
    error: sent.outcome === 'ok' ? null : (sent.code ?? sent.outcome),
    attributes: { 'http.request.method': 'POST', 'pubscribe.demo.served_by': servedBy },
    events: [],
  };
  const inTrace = [client, ...spans.filter((span) => span.traceId === traced.traceId)].sort(
    (a, b) => a.startMs - b.startMs,
  );
  const starts = spans.filter(
    (span) =>
      consumerStart.test(span.name) &&
      (span.service === servedBy || span.service === 'user-service' || span.service === 'emailer'),
  );
  return {
    traceId: traced.traceId,
    spans: inTrace,
    starts,
    servedBy,
    svg: traceSvg({ request: inTrace, starts }),
  };
}
