/**
 * OpenTelemetry in a demo service process: an SDK whose finished spans go to the parent over the
 * IPC channel, sampling only what the demo draws. A user's own service would export to a
 * collector instead (docs/observability.md); the pubscribe side is the same `openTelemetry()`.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResult, ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  ParentBasedSampler,
  ReadableSpan,
  Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from '../../lib';
import { openTelemetry } from '../../lib/opentelemetry';
import { DemoSpan, demoSpan } from './demo-span';

/**
 * Root spans are recorded only for consumer starts (`start reply consumer`, `start request
 * consumer`); every other span follows its parent. The demo's load sends one mutation with a
 * sampled `traceparent`, so that one is traced through every service and the other requests cost
 * a non-recording span each.
 */
const consumerStartsOnly: Sampler = {
  shouldSample: (_context, _traceId, name) => ({
    decision: /^start \w+ consumer$/.test(name) ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
  }),
  toString: () => 'ConsumerStartsOnly',
};

/** Sends finished spans to the parent process; they are few, so one message per span. */
class ParentProcessExporter implements SpanExporter {
  constructor(
    private readonly service: string,
    private readonly send: (spans: DemoSpan[]) => Promise<void>,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.send(spans.map((span) => demoSpan(span, this.service))).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : undefined }),
    );
  }

  async shutdown(): Promise<void> {}
}

/** A service process's tracing. */
export interface ServiceTracing {
  /** Pass to the service's requester or responder. */
  readonly telemetry: Telemetry;
  /** Exports what is left and unregisters the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK globally in this process (context manager, W3C propagator,
 * tracer provider) and returns pubscribe's telemetry over it.
 *
 * @param service names the process on its spans
 * @param send delivers spans to the parent; resolves once written
 * @returns the telemetry, and how to flush and stop
 */
export function startServiceTracing(service: string, send: (spans: DemoSpan[]) => Promise<void>): ServiceTracing {
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: consumerStartsOnly }),
    spanProcessors: [new SimpleSpanProcessor(new ParentProcessExporter(service, send))],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    telemetry: openTelemetry(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
    },
  };
}
