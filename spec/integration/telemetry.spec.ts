import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { context, HrTime, metrics, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { DataPoint, Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import * as t from 'io-ts';
import { filter, firstValueFrom, share, Subscription } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { consume } from '../../lib/consume';
import { isRemoteError, isRequestTimeoutError } from '../../lib/errors';
import { PubScribeServer } from '../../lib/nest';
import { ATTRIBUTE_NAMES, CONSUMER_START_EVENTS, METRIC_NAMES, openTelemetry } from '../../lib/opentelemetry';
import { createRequester, Requester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import type { Telemetry } from '../../lib/telemetry';
import type { Transport } from '../../lib/transport/transport';
import { replyTo } from '../support/hand-responder';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { createTopics } from '../support/nest-fixtures';
import { eventually, testTransport } from '../support/test-transport';

const N = t.type({ n: t.number });
const A = ATTRIBUTE_NAMES;

/** A metric reader the test collects from on demand. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The data points of one metric whose destination is `topic`. */
async function points(reader: CollectingReader, name: string, topic: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const found = resourceMetrics.scopeMetrics
    .filter((scope) => scope.scope.name === 'pubscribe')
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
  return found.filter((point) => point.attributes[A.destination] === topic);
}

describe('OpenTelemetry (real broker)', () => {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  let telemetry: Telemetry;
  let subscriptions: Subscription;
  let transport: Transport;
  const requesters: Requester[] = [];

  before(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    telemetry = openTelemetry();
  });

  after(async () => {
    // Other specs run in this process: leave no global provider behind.
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  beforeEach(() => {
    exporter.reset();
    subscriptions = new Subscription();
    transport = testTransport();
  });

  afterEach(async () => {
    for (const requester of requesters.splice(0)) requester.close();
    subscriptions.unsubscribe();
    await transport.close();
  });

  const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

  /** Serves `topic` with `handler` and waits until the responder is ready. */
  async function responder(
    topic: string,
    handler: (request: { n: number }) => Promise<{ n: number }>,
    withTelemetry: Telemetry | null = telemetry,
  ): Promise<void> {
    const events = serve({
      transport,
      topic,
      groupId: uniqueName('telemetry-responder'),
      requestCodec: jsonCodec(N),
      replyCodec: jsonCodec(N),
      handler,
      consumer: { startAt: 'earliest' },
      telemetry: withTelemetry ?? undefined,
    }).pipe(share());
    const ready = firstValueFrom(events.pipe(filter((event) => event.type === 'ready')));
    subscriptions.add(events.subscribe());
    await ready;
  }

  function requester(replyTopic: string, withTelemetry: Telemetry | null = telemetry, keepAliveMs = 200) {
    const created = createRequester({
      transport,
      replyTopic,
      timeoutMs: 20_000,
      keepAliveMs,
      telemetry: withTelemetry ?? undefined,
    });
    requesters.push(created);
    return created;
  }

  const ask = (requesting: Requester, topic: string, n: number) =>
    firstValueFrom(
      requesting.request({ topic, key: `key-${n}`, value: { n }, codec: jsonCodec(N), replyCodec: jsonCodec(N) }),
    );

  it('the handler runs in a child span of the request span: one trace, messaging attributes, the reply linked back', async () => {
    const [requests, replies] = await Promise.all([createTopic('otel-requests'), createTopic('otel-replies')]);
    const seenInHandler: { before?: string; afterAwait?: string } = {};
    await responder(requests, async (request) => {
      seenInHandler.before = trace.getActiveSpan()?.spanContext().spanId;
      await new Promise((resolve) => setImmediate(resolve));
      seenInHandler.afterAwait = trace.getActiveSpan()?.spanContext().spanId;
      return { n: request.n * 2 };
    });
    const requesting = requester(replies);

    // The caller's own span is the request span's parent.
    const outer = trace.getTracer('spec').startSpan('resolver');
    const reply = await context.with(trace.setSpan(context.active(), outer), () => ask(requesting, requests, 21));
    outer.end();
    expect(reply).to.deep.equal({ n: 42 });

    await eventually(async () => spans(`process ${requests}`).length === 1 && spans(`send ${requests}`).length === 1);
    const [send] = spans(`send ${requests}`);
    const [process] = spans(`process ${requests}`);
    const traceId = outer.spanContext().traceId;
    expect(send.kind).to.equal(SpanKind.PRODUCER);
    expect(send.spanContext().traceId).to.equal(traceId);
    expect(send.parentSpanContext?.spanId).to.equal(outer.spanContext().spanId);
    expect(process.kind).to.equal(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).to.equal(traceId);
    expect(process.parentSpanContext?.spanId).to.equal(send.spanContext().spanId);
    // The handler's code ran in the handler span's context, before and after an await.
    expect(seenInHandler).to.deep.equal({
      before: process.spanContext().spanId,
      afterAwait: process.spanContext().spanId,
    });

    const correlationId = send.attributes[A.conversationId];
    expect(correlationId).to.be.a('string').and.not.equal('');
    expect(send.attributes).to.deep.include({
      [A.system]: 'kafka',
      [A.destination]: requests,
      [A.operationType]: 'send',
      [A.operationName]: 'send',
      [A.messageKey]: 'key-21',
      [A.partition]: '0',
      [A.replyTopic]: replies,
      [A.outcome]: 'answered',
    });
    expect(process.attributes).to.deep.include({
      [A.system]: 'kafka',
      [A.destination]: requests,
      [A.operationType]: 'process',
      [A.messageKey]: 'key-21',
      [A.partition]: '0',
      [A.offset]: 0,
      [A.conversationId]: correlationId,
      [A.outcome]: 'answered',
    });
    expect(process.attributes[A.consumerGroup]).to.be.a('string');
    // The reply carried the handler's context back: the request span links it and marks the reply.
    expect(send.links.map((link) => link.context.spanId)).to.deep.equal([process.spanContext().spanId]);
    expect(send.events.map((event) => event.name)).to.include('reply');
    expect(send.status.code).to.equal(SpanStatusCode.UNSET);

    // Both consumers' starts are traced, subscribe to ready, and the first request waited for it.
    const replyStart = spans('start reply consumer').find((span) => span.attributes[A.destination] === replies);
    const requestStart = spans('start request consumer').find((span) => span.attributes[A.destination] === requests);
    expect(replyStart?.events.map((event) => event.name)).to.deep.equal(Object.values(CONSUMER_START_EVENTS));
    expect(requestStart?.events.map((event) => event.name)).to.deep.equal(Object.values(CONSUMER_START_EVENTS));
    expect(send.events.map((event) => event.name)).to.include('reply consumer ready');

    const durations = await points(reader, METRIC_NAMES.requestDuration, requests);
    expect(durations.map((point) => point.attributes[A.outcome])).to.deep.equal(['answered']);
    expect((durations[0].value as Histogram).count).to.equal(1);
    const inFlight = await points(reader, METRIC_NAMES.requestsInFlight, requests);
    expect(inFlight.map((point) => point.value)).to.deep.equal([0]);
    const handled = await points(reader, METRIC_NAMES.handlerDuration, requests);
    expect(handled.map((point) => (point.value as Histogram).count)).to.deep.equal([1]);
    const readyReply = await points(reader, METRIC_NAMES.consumerReadyTime, replies);
    expect(readyReply.map((point) => point.attributes[A.consumerRole])).to.deep.equal(['reply']);
    expect((readyReply[0].value as Histogram).sum).to.be.above(0);
  });

  it("the reply consumer's start is traced step by step at the moments they happened: assigned < positions fixed <= ready (the seed's figure 4)", async () => {
    const replies = await createTopic('otel-start-replies', 3);
    const requesting = requester(replies, telemetry, 30_000);
    await firstValueFrom(requesting.warmUp());

    await eventually(async () =>
      spans('start reply consumer').some((span) => span.attributes[A.destination] === replies),
    );
    const start = spans('start reply consumer').find((span) => span.attributes[A.destination] === replies)!;
    const E = CONSUMER_START_EVENTS;
    expect(start.events.map((event) => event.name)).to.deep.equal([
      E.logEndsRead,
      E.joinStarted,
      E.assigned,
      E.positioned,
      E.ready,
    ]);
    const nanos = ([seconds, nanoseconds]: HrTime) => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
    const at = (name: string) => nanos(start.events.find((event) => event.name === name)!.time);
    const moments = start.events.map((event) => nanos(event.time));
    expect(moments, 'in order').to.deep.equal([...moments].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Kafka calls the consumer started at assignment; pubscribe's positions come after, then ready.
    expect(at(E.assigned) < at(E.positioned), 'assigned < positions fixed').to.equal(true);
    expect(at(E.positioned) <= at(E.ready), 'positions fixed <= ready').to.equal(true);
    // Every step lies inside the span, which runs from subscribe to ready.
    expect(moments[0]! >= nanos(start.startTime), 'after the span start').to.equal(true);
    expect(moments[moments.length - 1]! <= nanos(start.endTime), 'before the span end').to.equal(true);
    expect(start.events.find((event) => event.name === E.assigned)?.attributes).to.deep.equal({
      'pubscribe.partitions': 3,
    });
    expect(start.events.find((event) => event.name === E.ready)?.attributes).to.include({ 'pubscribe.partitions': 3 });
  });

  it('a handler error is recorded with its name on both spans; the caller gets a RemoteError', async () => {
    const [requests, replies] = await Promise.all([createTopic('otel-fail'), createTopic('otel-fail-replies')]);
    class ConflictError extends Error {
      override readonly name = 'ConflictError';
    }
    await responder(requests, async () => {
      throw new ConflictError('ada@example.com is taken');
    });
    const failure = await ask(requester(replies), requests, 1).catch((error: unknown) => error);
    expect(isRemoteError(failure)).to.equal(true);

    await eventually(async () => spans(`process ${requests}`).length === 1 && spans(`send ${requests}`).length === 1);
    const [send] = spans(`send ${requests}`);
    const [process] = spans(`process ${requests}`);
    expect(process.status.code).to.equal(SpanStatusCode.ERROR);
    expect(process.attributes[A.errorType]).to.equal('ConflictError');
    expect(process.events.find((event) => event.name === 'exception')?.attributes).to.deep.include({
      'exception.type': 'ConflictError',
      'exception.message': 'ada@example.com is taken',
    });
    expect(send.status.code).to.equal(SpanStatusCode.ERROR);
    expect(send.attributes).to.deep.include({
      [A.errorType]: 'RemoteError',
      [A.remoteErrorName]: 'ConflictError',
      [A.outcome]: 'failed',
    });
    const durations = await points(reader, METRIC_NAMES.requestDuration, requests);
    expect(durations.map((point) => point.attributes)).to.deep.equal([
      { [A.destination]: requests, [A.outcome]: 'failed', [A.errorType]: 'RemoteError' },
    ]);
  });

  it('a timeout is an event and a RequestTimeoutError on the span; late and duplicate replies are marked in the request trace', async () => {
    const [requests, replies] = await Promise.all([createTopic('otel-slow'), createTopic('otel-slow-replies')]);
    // A responder by hand that copies `traceparent` as serve does without telemetry: n = 1 is
    // answered twice at once (a duplicate), n = 2 once, a second later (late for its 500 ms).
    subscriptions.add(
      transport
        .consume({ topics: [requests], groupId: uniqueName('otel-hand'), membership: 'private', startAt: 'earliest' })
        .subscribe((event) => {
          if (event.type !== 'batch') return;
          for (const request of event.records) {
            const reply = replyTo(request, request.value?.toString() ?? null, {
              headers: { traceparent: request.headers.traceparent },
            });
            const n = (JSON.parse(request.value?.toString() ?? '{}') as { n?: number }).n;
            if (n === 1) void transport.produce([reply, reply]);
            else setTimeout(() => void transport.produce([reply]), 1_000);
          }
        }),
    );
    // Kept up past the timeout, so the late reply is read.
    const requesting = requester(replies, telemetry, 30_000);
    const send = (n: number, timeoutMs: number) =>
      firstValueFrom(
        requesting.request({ topic: requests, value: { n }, timeoutMs, codec: jsonCodec(N), replyCodec: jsonCodec(N) }),
      );
    expect(await send(1, 20_000)).to.deep.equal({ n: 1 });
    const failure = await send(2, 500).catch((error: unknown) => error);
    expect(isRequestTimeoutError(failure)).to.equal(true);

    const [answered, timedOut] = spans(`send ${requests}`);
    expect(timedOut.events.find((event) => event.name === 'timeout')?.attributes).to.deep.include({
      [A.timeoutMs]: 500,
    });
    expect(timedOut.status.code).to.equal(SpanStatusCode.ERROR);
    expect(timedOut.attributes).to.deep.include({ [A.errorType]: 'RequestTimeoutError', [A.outcome]: 'timed-out' });
    const timeouts = await points(reader, METRIC_NAMES.requestTimeouts, requests);
    expect(timeouts.map((point) => point.value)).to.deep.equal([1]);

    // The late reply comes after all; both dropped replies are counted and marked by a short span
    // in their request's trace (the request's own span has ended by then).
    expect(await eventually(async () => requesting.metrics().late === 1)).to.equal(true);
    expect(requesting.metrics().duplicates).to.equal(1);
    const drops = spans(`drop ${replies}`);
    const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
    expect(drops.map((drop) => [traceOf(drop), drop.events.map((event) => event.name)])).to.have.deep.members([
      [traceOf(answered), ['duplicate reply']],
      [traceOf(timedOut), ['late reply']],
    ]);
    const dropped = await points(reader, METRIC_NAMES.repliesDropped, replies);
    expect(dropped.map((point) => [point.attributes[A.reason], point.value])).to.have.deep.members([
      ['duplicate', 1],
      ['late', 1],
    ]);
  });

  it('a Nest @MessagePattern handler served by PubScribeServer runs in the child span of the request', async () => {
    const requests = uniqueName('otel-nest');
    const replies = uniqueName('otel-nest-replies');
    await createTopics([
      { topic: requests, numPartitions: 1 },
      { topic: replies, numPartitions: 1 },
    ]);
    const seen: { spanId?: string; traceId?: string } = {};
    @Controller()
    class DoubleController {
      @MessagePattern(requests)
      async double(@Payload() payload: { n: number }): Promise<{ n: number }> {
        await new Promise((resolve) => setImmediate(resolve));
        const active = trace.getActiveSpan()?.spanContext();
        seen.spanId = active?.spanId;
        seen.traceId = active?.traceId;
        return { n: payload.n * 2 };
      }
    }
    @Module({ controllers: [DoubleController] })
    class DoubleModule {}
    const app: INestMicroservice = await NestFactory.createMicroservice(DoubleModule, {
      logger: false,
      strategy: new PubScribeServer({
        transport: { kafka: testKafka(uniqueName('otel-nest-server')) },
        groupId: uniqueName('otel-nest-server'),
        consumer: { startAt: 'earliest' },
        telemetry,
      }),
    });
    await app.listen();
    try {
      expect(await ask(requester(replies), requests, 4)).to.deep.equal({ n: 8 });
    } finally {
      await app.close();
    }
    await eventually(async () => spans(`process ${requests}`).length === 1);
    const [send] = spans(`send ${requests}`);
    const [process] = spans(`process ${requests}`);
    expect(process.parentSpanContext?.spanId).to.equal(send.spanContext().spanId);
    expect(seen).to.deep.equal({ spanId: process.spanContext().spanId, traceId: send.spanContext().traceId });
  });

  it('consume() with telemetry: each record is handled in a span whose parent is the context it carries', async () => {
    const topic = await createTopic('otel-consume', 2);
    const groupId = uniqueName('otel-consume');
    const seen: { value: string; spanId?: string }[] = [];
    const ready = new Promise<void>((resolve) =>
      subscriptions.add(
        consume(transport, { topic, codec: jsonCodec(N), membership: 'shared', groupId, telemetry }).subscribe(
          (event) => {
            if (event.type === 'ready') resolve();
            if (event.type === 'message' && event.value._tag === 'Right') {
              seen.push({ value: String(event.value.right.n), spanId: trace.getActiveSpan()?.spanContext().spanId });
            }
          },
        ),
      ),
    );
    await ready;
    // A producer's span (a handler's, say) whose context rides on the record.
    const producer = trace.getTracer('spec').startSpan('producer');
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), producer), headers);
    producer.end();
    await transport.produce([{ topic, key: 'k', value: JSON.stringify({ n: 7 }), headers }]);
    expect(await eventually(async () => spans(`process ${topic}`).length === 1)).to.equal(true);

    const [process] = spans(`process ${topic}`);
    expect(process.kind).to.equal(SpanKind.CONSUMER);
    expect(process.parentSpanContext?.spanId).to.equal(producer.spanContext().spanId);
    expect(process.spanContext().traceId).to.equal(producer.spanContext().traceId);
    expect(process.attributes).to.deep.include({
      [A.system]: 'kafka',
      [A.destination]: topic,
      [A.operationType]: 'process',
      [A.consumerGroup]: groupId,
      [A.messageKey]: 'k',
    });
    // The subscriber handled the record inside that span.
    expect(seen).to.deep.equal([{ value: '7', spanId: process.spanContext().spanId }]);
    const start = spans('start message consumer').find((span) => span.attributes[A.destination] === topic);
    expect(start?.events.map((event) => event.name)).to.deep.equal(Object.values(CONSUMER_START_EVENTS));
    expect(start?.attributes[A.consumerRole]).to.equal('message');
  });

  it('without a telemetry option nothing is recorded, though an SDK is registered', async () => {
    const [requests, replies] = await Promise.all([createTopic('otel-none'), createTopic('otel-none-replies')]);
    let activeInHandler: unknown = 'not run';
    await responder(
      requests,
      async (request) => {
        activeInHandler = trace.getActiveSpan();
        return request;
      },
      null,
    );
    expect(await ask(requester(replies, null), requests, 3)).to.deep.equal({ n: 3 });
    expect(activeInHandler).to.equal(undefined);
    expect(exporter.getFinishedSpans()).to.deep.equal([]);
    expect(await points(reader, METRIC_NAMES.requestDuration, requests)).to.deep.equal([]);
    expect(await points(reader, METRIC_NAMES.consumerReadyTime, replies)).to.deep.equal([]);
  });
});
