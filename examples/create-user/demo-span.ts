/**
 * A finished span as the demo passes it from a service process to the parent: plain JSON over the
 * IPC channel (decoded at the edge like every other message), with times in epoch milliseconds.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as t from 'io-ts';

const Kind = t.keyof({ client: null, server: null, producer: null, consumer: null, internal: null });

/** One span and where it ran. */
export const DemoSpan = t.type({
  /** The process it ran in: `graphql-1`, `user-service`, `emailer`, or `http client` (the demo's load). */
  service: t.string,
  traceId: t.string,
  spanId: t.string,
  parentSpanId: t.union([t.string, t.null]),
  name: t.string,
  kind: Kind,
  /** Epoch milliseconds, fractional. */
  startMs: t.number,
  endMs: t.number,
  /** `error.type` (or the status message) of a span that failed; null otherwise. */
  error: t.union([t.string, t.null]),
  attributes: t.record(t.string, t.union([t.string, t.number, t.boolean])),
  events: t.array(t.type({ name: t.string, atMs: t.number })),
});
export type DemoSpan = t.TypeOf<typeof DemoSpan>;

const kinds: Record<SpanKind, DemoSpan['kind']> = {
  [SpanKind.CLIENT]: 'client',
  [SpanKind.SERVER]: 'server',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
  [SpanKind.INTERNAL]: 'internal',
};

const milliseconds = ([seconds, nanoseconds]: readonly [number, number]): number => seconds * 1_000 + nanoseconds / 1e6;

/**
 * The demo's record of an SDK span: identity, name, kind, times, failure, the scalar attributes
 * and the events' names and times.
 *
 * @param span a finished span, as a span exporter receives it
 * @param service the process it ran in
 * @returns the span as plain JSON
 */
export function demoSpan(span: ReadableSpan, service: string): DemoSpan {
  const attributes: DemoSpan['attributes'] = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
  }
  const errorType = span.attributes['error.type'];
  return {
    service,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: kinds[span.kind],
    startMs: milliseconds(span.startTime),
    endMs: milliseconds(span.endTime),
    error:
      span.status.code !== SpanStatusCode.ERROR
        ? null
        : typeof errorType === 'string'
          ? errorType
          : (span.status.message ?? 'error'),
    attributes,
    events: span.events.map((event) => ({ name: event.name, atMs: milliseconds(event.time) })),
  };
}
