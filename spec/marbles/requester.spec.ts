import { expect } from 'chai';
import { catchError, map, of, take, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { stringCodec } from '../../lib/codecs';
import {
  isConnectionError,
  isNotReadyError,
  isOverloadedError,
  isPubScribeError,
  isRemoteError,
  isRequestTimeoutError,
  type PubScribeError,
} from '../../lib/errors';
import {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  headerInt32,
  headerString,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
} from '../../lib/headers';
import { createRequester, type RequesterMetrics, type RequesterOptions, type RequestSpec } from '../../lib/requester';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import type { ConsumedRecord } from '../../lib/transport/records';
import type { Transport } from '../../lib/transport/transport';
import { correlationIdOf, echo, handResponder, replyTo, type ScheduledReply } from '../support/hand-responder';
import { testScheduler } from '../support/marbles';
import { spyTransport, type SpyTransport } from '../support/spy-transport';

/** A request for the `requests` topic, string in and string out. */
const ping = (value = 'ping', extra: Partial<RequestSpec<string, string>> = {}): RequestSpec<string, string> => ({
  topic: 'requests',
  value,
  codec: stringCodec,
  replyCodec: stringCodec,
  ...extra,
});

/** Ends the stream with a plain description of its error, which marbles compare by value. */
function failure<T>(
  describe: (error: PubScribeError) => object = (error) => ({ kind: error.kind }),
): OperatorFunction<T, T | object> {
  return catchError((error: unknown) => of(isPubScribeError(error) ? describe(error) : { foreign: String(error) }));
}

/** Nothing pending, nothing counted: the metrics of a requester that has done nothing, overridden by `changes`. */
const metricsWith = (changes: Partial<RequesterMetrics>): RequesterMetrics => ({
  pending: 0,
  answered: 0,
  timedOut: 0,
  cancelled: 0,
  overloaded: 0,
  late: 0,
  duplicates: 0,
  foreign: 0,
  decodeFailures: 0,
  remoteErrors: 0,
  ...changes,
});

interface Fixture {
  readonly transport: InMemoryTransport;
  readonly spy: SpyTransport;
  readonly requester: ReturnType<typeof createRequester>;
}

describe('createRequester (marbles)', () => {
  let scheduler: TestScheduler;

  /**
   * An in-memory Kafka whose consumers are ready 3 frames after subscribe (unless told otherwise),
   * and a requester on it: timeout 50, keep-alive 20. Nothing is scheduled until something subscribes.
   */
  const setup = (
    options: {
      readonly readyDelay?: number;
      readonly deliveryDelay?: number;
      readonly replyTopicPartitions?: number;
    } & Partial<Omit<RequesterOptions, 'transport'>> = {},
  ): Fixture => {
    const { readyDelay = 3, deliveryDelay = 0, replyTopicPartitions = 1, ...requesterOptions } = options;
    const transport = inMemoryTransport({
      topics: { requests: 1, replies: replyTopicPartitions },
      scheduler,
      readyDelay,
      deliveryDelay,
    });
    const spy = spyTransport(transport, scheduler);
    const requester = createRequester({
      transport: spy,
      replyTopic: 'replies',
      scheduler,
      timeoutMs: 50,
      keepAliveMs: 20,
      ...requesterOptions,
    });
    return { transport, spy, requester };
  };

  beforeEach(() => {
    scheduler = testScheduler();
  });

  describe('one request, one reply', () => {
    it('produces the request only once the reply listener is ready, then emits the reply and completes', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const responder = handResponder(transport, scheduler, echo(2));
        const requestsProduced = cold('--a-b').pipe(map(() => transport.records('requests').length));
        const pending = cold('--a-b-c').pipe(map(() => requester.metrics().pending));

        expectObservable(requester.request(ping())).toBe('-----(a|)', { a: 'pong:ping' });
        expectObservable(requestsProduced).toBe('--a-b', { a: 0, b: 1 });
        expectObservable(pending).toBe('--a-b-c', { a: 1, b: 1, c: 0 });
        // The listener outlives the request by the keep-alive: 5 + 20.
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 24ms !');
        scheduler.schedule(() => responder.subscription.unsubscribe(), 30);
      });
      expect(transport.records('requests').map((record) => record.timestamp)).to.deep.equal(['3']);
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
      expect(transport.activeConsumers).to.equal(0);
    });

    it('waits for the reply listener even when the responder is ready earlier, and across a delivery delay', () => {
      const { transport, requester } = setup({ readyDelay: 3, deliveryDelay: 2 });
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, echo(1));
        // Ready at 3; the request is visible at 5; the reply, produced at 6, is visible at 8.
        expectObservable(requester.request(ping())).toBe('--------(a|)', { a: 'pong:ping' });
      });
      expect(transport.records('requests').map((record) => record.timestamp)).to.deep.equal(['3']);
      expect(transport.records('replies').map((record) => record.timestamp)).to.deep.equal(['6']);
    });

    it('keeps the request key and headers, and adds the correlation id, reply topic and partition, and deadline', () => {
      const { transport, requester } = setup({ replyPartition: 0, timeoutMs: 40 });
      const before = Date.now();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, echo(2));
        const request = requester.request(ping('ping', { key: 'user-1', headers: { traceparent: '00-abc-01' } }));
        // Subscribed at 2: the listener starts then and is ready at 5.
        expectObservable(request, '--^').toBe('-------(a|)', { a: 'pong:ping' });
      });
      const [request] = transport.records('requests');
      const [reply] = transport.records('replies');
      const text = (name: string) => headerString(request?.headers ?? {}, name);
      expect(request?.key?.toString()).to.equal('user-1');
      expect(text('traceparent')).to.deep.equal({ _tag: 'Some', value: '00-abc-01' });
      expect(text(REPLY_TOPIC_HEADER)).to.deep.equal({ _tag: 'Some', value: 'replies' });
      expect(headerInt32(request?.headers ?? {}, REPLY_PARTITION_HEADER)).to.deep.equal({ _tag: 'Some', value: 0 });
      // 40 ms to wait, in virtual time; the header is the wall-clock moment that ends it, so a
      // responder in another process can compare it with its own clock.
      const header = text(DEADLINE_HEADER);
      const deadline = header._tag === 'Some' ? Number(header.value) : NaN;
      expect(deadline).to.be.within(before + 40, Date.now() + 40);
      expect(correlationIdOf(request)).to.match(/^[0-9a-f-]{36}$/);
      expect(correlationIdOf(reply)).to.equal(correlationIdOf(request));
    });

    it('gives each concurrent request its own reply, whatever the order the replies come in', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        // 'slow' is answered 4 frames after it arrives, 'fast' after 1.
        handResponder(transport, scheduler, (request) => {
          const value = request.value?.toString() ?? '';
          return [{ after: value === 'slow' ? 4 : 1, record: replyTo(request, `pong:${value}`) }];
        });
        expectObservable(requester.request(ping('slow'))).toBe('-------(s|)', { s: 'pong:slow' });
        expectObservable(requester.request(ping('fast')), '-^').toBe('----(f|)', { f: 'pong:fast' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 2 }));
    });

    it('counts a reply consumed by take(1) or first() as answered, not cancelled; a second copy is a duplicate', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 2, record: replyTo(request, 'once') },
          { after: 4, record: replyTo(request, 'once again') },
        ]);
        // take(1) unsubscribes from inside the reply's `next`, as firstValueFrom does.
        expectObservable(requester.request(ping()).pipe(take(1))).toBe('-----(a|)', { a: 'once' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, duplicates: 1 }));
    });
  });

  describe('timeout', () => {
    it('errors after exactly timeoutMs with a RequestTimeoutError; pending drops to 0; a later reply is late', () => {
      const { transport, spy, requester } = setup({ timeoutMs: 20 });
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        handResponder(transport, scheduler, echo(25));
        const sentCorrelationId = () => correlationIdOf(transport.records('requests')[0]);
        const timedOut = requester.request(ping()).pipe(
          failure((error) =>
            isRequestTimeoutError(error)
              ? {
                  kind: error.kind,
                  topic: error.topic,
                  namesRequestTopic: error.message.includes("consuming 'requests'"),
                  timeoutMs: error.timeoutMs,
                  elapsedMs: error.elapsedMs,
                  repliesSeen: error.repliesSeen,
                  ownCorrelationId: error.correlationId === sentCorrelationId(),
                  retriable: error.retriable,
                }
              : { kind: error.kind },
          ),
        );
        const pending = cold('19ms a-b').pipe(map(() => requester.metrics().pending));

        expectObservable(timedOut).toBe('20ms (e|)', {
          e: {
            kind: 'timeout',
            topic: 'replies',
            namesRequestTopic: true,
            timeoutMs: 20,
            elapsedMs: 20,
            repliesSeen: 0,
            ownCorrelationId: true,
            retriable: true,
          },
        });
        expectObservable(pending).toBe('19ms a-b', { a: 1, b: 0 });
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 39ms !');
      });
      // The reply came at 28, after the caller gave up at 20.
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1, late: 1 }));
    });

    it("a request's own timeoutMs overrides the requester's", () => {
      const { requester } = setup({ timeoutMs: 20 });
      scheduler.run(({ expectObservable }) => {
        const timedOut = requester
          .request(ping('ping', { timeoutMs: 7 }))
          .pipe(failure((error) => ({ kind: error.kind, timeoutMs: isRequestTimeoutError(error) && error.timeoutMs })));
        expectObservable(timedOut, '--^').toBe('---------(e|)', { e: { kind: 'timeout', timeoutMs: 7 } });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1 }));
    });
  });

  describe('unsubscribing', () => {
    it('before the reply: pending drops to 0 at once, the request counts as cancelled, its reply as late', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        handResponder(transport, scheduler, echo(5));
        const pending = cold('--a--b').pipe(map(() => requester.metrics().pending));
        const late = cold('-------a-b').pipe(map(() => requester.metrics().late));

        expectObservable(requester.request(ping()), '^---!').toBe('----');
        expectObservable(pending).toBe('--a--b', { a: 1, b: 0 });
        // The reply lands at 8, while the listener is kept alive.
        expectObservable(late).toBe('-------a-b', { a: 0, b: 1 });
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 23ms !');
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ cancelled: 1, late: 1 }));
    });

    it('before the listener is ready: the request is never produced', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ expectObservable, expectSubscriptions }) => {
        expectObservable(requester.request(ping()), '^-!').toBe('---');
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 21ms !');
      });
      expect(transport.records('requests')).to.have.length(0);
      expect(requester.metrics()).to.deep.equal(metricsWith({ cancelled: 1 }));
      expect(transport.activeConsumers).to.equal(0);
    });

    it('a reply listener not ready within the timeout: a NotReadyError, and the request was never produced', () => {
      const { transport, requester } = setup({ readyDelay: 100, timeoutMs: 10 });
      let failure: unknown;
      scheduler.run(({ flush }) => {
        requester.request(ping()).subscribe({ error: (error: unknown) => (failure = error) });
        flush();
      });
      expect(isNotReadyError(failure)).to.equal(true);
      expect(failure).to.include({ kind: 'not-ready', retriable: true, topic: 'replies', elapsedMs: 10 });
      expect(transport.records('requests')).to.have.length(0);
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1 }));
    });
  });

  describe('replies nobody waits for', () => {
    it('counts a second reply as a duplicate, ignores a bare end marker, and counts replies of others as foreign', () => {
      const { transport, requester } = setup();
      scheduler.run(({ cold, expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 2, record: replyTo(request, 'first') },
          { after: 3, record: replyTo(request, 'second') },
          { after: 4, record: replyTo(request, null, { headers: { [NEST_DISPOSED_HEADER]: '1' } }) },
          { after: 6, record: { topic: 'replies', value: 'x', headers: { [CORRELATION_ID_HEADER]: 'someone-else' } } },
          { after: 8, record: { topic: 'replies', value: 'no correlation id at all' } },
        ]);
        // Read between the replies, which land at 5, 6, 7, 9 and 11.
        const counts = cold('--------a-b-c').pipe(
          map(() => {
            const { duplicates, foreign } = requester.metrics();
            return { duplicates, foreign };
          }),
        );

        expectObservable(requester.request(ping())).toBe('-----(a|)', { a: 'first' });
        expectObservable(counts).toBe('--------a-b-c', {
          a: { duplicates: 1, foreign: 0 },
          b: { duplicates: 1, foreign: 1 },
          c: { duplicates: 1, foreign: 2 },
        });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, duplicates: 1, foreign: 2 }));
    });
  });

  describe('reply partitions', () => {
    /** The partition a request asked to be answered on, if any. */
    const askedFor = (request: ConsumedRecord | undefined): number | undefined => {
      const header = headerInt32(request?.headers ?? {}, REPLY_PARTITION_HEADER);
      return header._tag === 'Some' ? header.value : undefined;
    };
    /** Answers `pong:<request>` 1 frame later, on the partition the request asked for. */
    const honouringResponder = (transport: InMemoryTransport) =>
      handResponder(transport, scheduler, (request) => [
        {
          after: 1,
          record: { ...replyTo(request, `pong:${request.value?.toString() ?? ''}`), partition: askedFor(request) },
        },
      ]);
    /** A reply to somebody else's request, on `partition`. */
    const othersReply = (partition: number) => ({
      topic: 'replies',
      partition,
      value: 'not mine',
      headers: { [CORRELATION_ID_HEADER]: `someone-else-${partition}` },
    });

    it('names its partitions in turn in kafka_replyPartition and reads only them: others’ replies are never decoded', () => {
      const { transport, requester } = setup({ replyTopicPartitions: 4, replyPartition: [2, 0] });
      scheduler.run(({ expectObservable }) => {
        honouringResponder(transport);
        // Other instances' replies on the partitions they own (1, 3), and one on partition 0.
        scheduler.schedule(() => void transport.produce([1, 3, 0, 1].map(othersReply)), 6);
        const foreign = scheduler.createColdObservable('--------a').pipe(map(() => requester.metrics().foreign));
        expectObservable(requester.request(ping('a'))).toBe('----(a|)', { a: 'pong:a' });
        expectObservable(requester.request(ping('b'))).toBe('----(b|)', { b: 'pong:b' });
        expectObservable(requester.request(ping('c'))).toBe('----(c|)', { c: 'pong:c' });
        expectObservable(foreign).toBe('--------a', { a: 1 });
      });
      expect(transport.records('requests').map(askedFor)).to.deep.equal([2, 0, 2]);
      expect(transport.records('replies').map((record) => record.partition)).to.deep.equal([0, 0, 1, 1, 2, 2, 3]);
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 3, foreign: 1 }));
    });

    it('one partition is read alone too: a reply that ignores kafka_replyPartition and lands elsewhere is never seen', () => {
      const { transport, requester } = setup({ replyTopicPartitions: 2, replyPartition: 1, timeoutMs: 10 });
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 1, record: { ...replyTo(request, 'on partition 0'), partition: 0 } },
        ]);
        expectObservable(requester.request(ping()).pipe(failure())).toBe('10ms (t|)', { t: { kind: 'timeout' } });
      });
      expect(transport.records('requests').map(askedFor)).to.deep.equal([1]);
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1 }));
    });

    it("a partition the reply topic does not have fails requests with a ConnectionError (reason 'unknown-partition')", () => {
      const { transport, requester } = setup({ replyTopicPartitions: 2, replyPartition: [1, 2] });
      scheduler.run(({ expectObservable }) => {
        const described = (error: PubScribeError) => ({
          kind: error.kind,
          reason: isConnectionError(error) ? error.reason : undefined,
          partition: error.partition,
        });
        expectObservable(requester.request(ping()).pipe(failure(described))).toBe('(e|)', {
          e: { kind: 'connection', reason: 'unknown-partition', partition: 2 },
        });
      });
      expect(transport.records('requests')).to.have.length(0);
      expect(transport.activeConsumers).to.equal(0);
    });

    it("replyPartitionEncoding 'text' names the partition as decimal text, as NestJS does; 'int32' (the default) as Spring does", () => {
      const text = setup({ replyTopicPartitions: 4, replyPartition: 3, replyPartitionEncoding: 'text' });
      const int32 = setup({ replyTopicPartitions: 4, replyPartition: 3 });
      scheduler.run(() => {
        text.requester.request(ping('t')).subscribe({ error: () => undefined });
        int32.requester.request(ping('i')).subscribe({ error: () => undefined });
      });
      const header = (transport: InMemoryTransport) =>
        transport.records('requests').map((request) => Buffer.from(request.headers[REPLY_PARTITION_HEADER] ?? []));
      expect(header(text.transport)).to.deep.equal([Buffer.from('3')]);
      expect(header(int32.transport)).to.deep.equal([Buffer.from([0, 0, 0, 3])]);
      expect(() =>
        createRequester({
          transport: text.transport,
          replyTopic: 'replies',
          replyPartition: 1,
          replyPartitionEncoding: 'utf8' as 'text',
        }),
      ).to.throw(TypeError, /'int32' \(Spring's form\) or 'text' \(NestJS's\), got "utf8"/);
    });

    it("'shared' reads every partition and names none, as leaving it out does", () => {
      const { transport, requester } = setup({ replyTopicPartitions: 2, replyPartition: 'shared' });
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 1, record: { ...replyTo(request, 'on partition 1'), partition: 1 } },
        ]);
        expectObservable(requester.request(ping())).toBe('----(a|)', { a: 'on partition 1' });
      });
      expect(transport.records('requests').map(askedFor)).to.deep.equal([undefined]);
    });

    it('rejects a bad replyPartition at once', () => {
      const transport = inMemoryTransport({ topics: { replies: 2 } });
      const create = (replyPartition: unknown) => () =>
        createRequester({ transport, replyTopic: 'replies', replyPartition: replyPartition as number[] });
      expect(create([])).to.throw(RangeError, /empty list/);
      expect(create(-1)).to.throw(RangeError, /whole numbers from 0/);
      expect(create(1.5)).to.throw(RangeError, /whole numbers from 0/);
      expect(create([0, 1, 0])).to.throw(RangeError, /partition 0 twice/);
      expect(create('1')).to.throw(TypeError, /partition number, an array of them, 'auto' or 'shared'/);
      expect(create([0, '1'])).to.throw(TypeError, /must hold numbers/);
      expect(transport.activeConsumers).to.equal(0);
    });
  });

  describe("leased reply partitions (replyPartition: 'auto')", () => {
    /** The partition a request asked to be answered on, if any. */
    const askedFor = (request: ConsumedRecord | undefined): number | undefined => {
      const header = headerInt32(request?.headers ?? {}, REPLY_PARTITION_HEADER);
      return header._tag === 'Some' ? header.value : undefined;
    };
    /** Requests by value, with the partition each asked for. */
    const stamps = (transport: InMemoryTransport) =>
      Object.fromEntries(
        transport.records('requests').map((request) => [request.value?.toString(), askedFor(request)]),
      );
    /** Answers `pong:<request>` on the partition the request asked for: 20 frames later for `slow-*`, else 1. */
    const responder = (transport: InMemoryTransport) =>
      handResponder(transport, scheduler, (request) => {
        const value = request.value?.toString() ?? '';
        const reply = { ...replyTo(request, `pong:${value}`), partition: askedFor(request) };
        return [{ after: value.startsWith('slow') ? 20 : 1, record: reply }];
      });
    /** A warnings-only logger that keeps what it is told. */
    const recording = () => {
      const warnings: string[] = [];
      const ignore = () => undefined;
      return {
        warnings,
        debug: ignore,
        info: ignore,
        error: ignore,
        warn: (message: string) => warnings.push(message),
      };
    };
    const another = (transport: Transport, options: Partial<RequesterOptions> = {}) =>
      createRequester({
        transport,
        replyTopic: 'replies',
        scheduler,
        timeoutMs: 50,
        keepAliveMs: 100,
        replyPartition: 'auto',
        ...options,
      });

    it('instances sharing the reply topic each lease a partition, stamp only it and read only it', () => {
      const { transport, spy, requester: a } = setup({ replyTopicPartitions: 2, replyPartition: 'auto' });
      const b = another(spy);
      scheduler.run(({ expectObservable }) => {
        responder(transport);
        // Leases at 3 (the group's join), each reader ready at 6: produced then, answered at 7.
        expectObservable(a.request(ping('a'))).toBe('-------(a|)', { a: 'pong:a' });
        expectObservable(b.request(ping('b'))).toBe('-------(b|)', { b: 'pong:b' });
      });
      expect(stamps(transport)).to.deep.equal({ a: 0, b: 1 });
      expect(a.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
      expect(b.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
    });

    it('a partition whose lease moves is read until the last request stamped with it ends, and stamped no more', () => {
      const {
        transport,
        spy,
        requester: a,
      } = setup({ replyTopicPartitions: 2, replyPartition: 'auto', keepAliveMs: 100 });
      const b = another(spy);
      scheduler.run(({ expectObservable, cold }) => {
        responder(transport);
        // A alone leases both partitions at 3, its readers ready at 6: slow-0 goes then, stamped
        // with 0, and slow-1 at 7, stamped with 1 (the partitions take turns).
        expectObservable(a.request(ping('slow-0'))).toBe('26ms (a|)', { a: 'pong:slow-0' });
        expectObservable(a.request(ping('slow-1')), '7ms ^').toBe('27ms (a|)', { a: 'pong:slow-1' });
        // B joins at 11: A keeps 0 and loses 1, which it reads on until slow-1's reply at 27.
        scheduler.schedule(() => void b.warmUp().subscribe(), 8);
        expectObservable(a.request(ping('late')), '15ms ^').toBe('16ms (a|)', { a: 'pong:late' });
        const consumers = cold('20ms a 9ms b').pipe(map(() => transport.activeConsumers));
        // The responder, A's lease and two readers, B's lease and reader; then A's reader of 1 stops.
        expectObservable(consumers).toBe('20ms a 9ms b', { a: 6, b: 5 });
      });
      expect(stamps(transport)).to.deep.equal({ 'slow-0': 0, 'slow-1': 1, late: 0 });
      expect(a.metrics()).to.deep.equal(metricsWith({ answered: 3 }));
      // B reads partition 1 from 14 on: slow-1's reply is not its own.
      expect(b.metrics()).to.deep.equal(metricsWith({ foreign: 1 }));
    });

    it('an instance the lease group gives no partition warns, reads the whole topic and stamps nothing', () => {
      const { transport, spy, requester: a } = setup({ replyTopicPartitions: 1, replyPartition: 'auto' });
      const logger = recording();
      const b = another(spy, { logger });
      scheduler.run(({ expectObservable }) => {
        responder(transport);
        expectObservable(a.request(ping('a'))).toBe('-------(a|)', { a: 'pong:a' });
        expectObservable(b.request(ping('b'))).toBe('-------(b|)', { b: 'pong:b' });
      });
      expect(stamps(transport)).to.deep.equal({ a: 0, b: undefined });
      expect(logger.warnings).to.have.length(1);
      expect(logger.warnings[0]).to.contain("no partition of reply topic 'replies'");
      // B's reply lands where its key takes it, the one partition, which A reads too.
      expect(a.metrics()).to.deep.equal(metricsWith({ answered: 1, foreign: 1 }));
      // B reads everything: A's reply is foreign to it.
      expect(b.metrics()).to.deep.equal(metricsWith({ answered: 1, foreign: 1 }));
    });

    it("refuses 'auto' on a transport without lease()", () => {
      const memory = inMemoryTransport({ topics: { replies: 1 } });
      const transport: Transport = {
        produce: (records) => memory.produce(records),
        consume: (subscription) => memory.consume(subscription),
        close: () => memory.close(),
      };
      expect(() => createRequester({ transport, replyTopic: 'replies', replyPartition: 'auto' })).to.throw(
        TypeError,
        /needs a transport with `lease\(\)`/,
      );
    });
  });

  describe('the shared reply listener', () => {
    it('stays up keepAliveMs after the last request; a request within that window reuses it, a later one starts anew', () => {
      const { transport, spy, requester } = setup({ keepAliveMs: 10 });
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        handResponder(transport, scheduler, echo(2));
        // Counted with the responder's own consumer.
        const active = cold('-a 10ms b 10ms c 10ms d 11ms e').pipe(map(() => transport.activeConsumers));

        expectObservable(requester.request(ping('a'))).toBe('-----(a|)', { a: 'pong:a' });
        // The listener is still up (and ready) at 8: produced at once, answered at 10.
        expectObservable(requester.request(ping('b')), '8ms ^').toBe('10ms (b|)', { b: 'pong:b' });
        // The listener stopped at 20; at 30 a new one starts, ready at 33.
        expectObservable(requester.request(ping('c')), '30ms ^').toBe('35ms (c|)', { c: 'pong:c' });
        expectSubscriptions(spy.consumersOf('replies')).toBe(['^ 19ms !', '30ms ^ 14ms !']);
        expectObservable(active).toBe('-a 10ms b 10ms c 10ms d 11ms e', { a: 2, b: 2, c: 1, d: 2, e: 1 });
      });
      expect(transport.records('requests').map((record) => record.timestamp)).to.deep.equal(['3', '8', '33']);
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 3 }));
    });

    it('warmUp starts the listener ahead of the first request and emits once it is ready', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ expectObservable, expectSubscriptions }) => {
        handResponder(transport, scheduler, echo(2));
        expectObservable(requester.warmUp()).toBe('---(w|)', { w: undefined });
        expectObservable(requester.request(ping()), '5ms ^').toBe('7ms (a|)', { a: 'pong:ping' });
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 26ms !');
      });
      expect(transport.records('requests').map((record) => record.timestamp)).to.deep.equal(['5']);
    });

    it('close() fails pending requests with a ClosedError and stops the listener at once; later requests fail at once', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ expectObservable, expectSubscriptions }) => {
        scheduler.schedule(() => requester.close(), 5);
        const closed = (error: PubScribeError) => ({ kind: error.kind, retriable: error.retriable });
        expectObservable(requester.request(ping()).pipe(failure(closed))).toBe('-----(c|)', {
          c: { kind: 'closed', retriable: false },
        });
        expectObservable(requester.request(ping()).pipe(failure(closed)), '7ms ^').toBe('7ms (c|)', {
          c: { kind: 'closed', retriable: false },
        });
        expectSubscriptions(spy.consumersOf('replies')).toBe('^----!');
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({}));
      expect(transport.activeConsumers).to.equal(0);
    });

    it('close() during the keep-alive stops the idle listener at once', () => {
      const { transport, spy, requester } = setup();
      scheduler.run(({ expectObservable, expectSubscriptions }) => {
        const responder = handResponder(transport, scheduler, echo(2));
        scheduler.schedule(() => requester.close(), 8);
        scheduler.schedule(() => responder.subscription.unsubscribe(), 9);
        expectObservable(requester.request(ping())).toBe('-----(a|)', { a: 'pong:ping' });
        expectSubscriptions(spy.consumersOf('replies')).toBe('^ 7ms !');
      });
      expect(transport.activeConsumers).to.equal(0);
    });

    it('a listener that cannot start fails its requests with the transport error', () => {
      const { transport, requester } = setup({ replyTopic: 'no-such-topic' });
      scheduler.run(({ expectObservable }) => {
        expectObservable(requester.request(ping()).pipe(failure())).toBe('(e|)', { e: { kind: 'connection' } });
      });
      expect(transport.records('requests')).to.have.length(0);
      expect(requester.metrics().pending).to.equal(0);
      expect(transport.activeConsumers).to.equal(0);
    });
  });

  describe('maxInFlight', () => {
    it('refuses the request over the limit with an OverloadedError and accepts again once capacity frees up', () => {
      const { requester } = setup({ maxInFlight: 2, timeoutMs: 10 });
      scheduler.run(({ expectObservable }) => {
        const overloaded = (error: PubScribeError) =>
          isOverloadedError(error)
            ? { kind: error.kind, limit: error.limit, inFlight: error.inFlight, retriable: error.retriable }
            : { kind: error.kind };
        expectObservable(requester.request(ping('a')).pipe(failure())).toBe('10ms (t|)', { t: { kind: 'timeout' } });
        expectObservable(requester.request(ping('b')).pipe(failure())).toBe('10ms (t|)', { t: { kind: 'timeout' } });
        expectObservable(requester.request(ping('c')).pipe(failure(overloaded)), '-^').toBe('-(o|)', {
          o: { kind: 'overloaded', limit: 2, inFlight: 2, retriable: true },
        });
        expectObservable(requester.request(ping('d')).pipe(failure()), '12ms ^').toBe('22ms (t|)', {
          t: { kind: 'timeout' },
        });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ overloaded: 1, timedOut: 3 }));
    });

    it('rejects bad options at once', () => {
      const transport = inMemoryTransport({ topics: { replies: 1 } });
      expect(() => createRequester({ transport, replyTopic: '' })).to.throw(TypeError, /replyTopic/);
      expect(() => createRequester({ transport, replyTopic: 'replies', maxInFlight: 0 })).to.throw(RangeError);
      expect(() => createRequester({ transport, replyTopic: 'replies', timeoutMs: -1 })).to.throw(RangeError);
    });
  });

  describe('requestMany', () => {
    /** Three replies to each request, one frame apart; `last` decides the third record. */
    const threeReplies =
      (last: (request: ConsumedRecord) => ScheduledReply['record']) =>
      (request: ConsumedRecord): readonly ScheduledReply[] => [
        { after: 1, record: replyTo(request, 'r1') },
        { after: 2, record: replyTo(request, 'r2') },
        { after: 3, record: last(request) },
      ];

    it('ends after count replies; more are duplicates', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(
          transport,
          scheduler,
          threeReplies((request) => replyTo(request, 'r3')),
        );
        expectObservable(requester.requestMany({ ...ping(), count: 2 })).toBe('----a(b|)', { a: 'r1', b: 'r2' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, duplicates: 1 }));
    });

    it('ends at the end marker, which may carry the last value', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(
          transport,
          scheduler,
          threeReplies((request) => replyTo(request, 'r3', { headers: { [NEST_DISPOSED_HEADER]: Buffer.alloc(1) } })),
        );
        expectObservable(requester.requestMany(ping())).toBe('----ab(c|)', { a: 'r1', b: 'r2', c: 'r3' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
    });

    it('ends at a bare end marker (no value), as Nest responders send it', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(
          transport,
          scheduler,
          threeReplies((request) => replyTo(request, null, { headers: { [NEST_DISPOSED_HEADER]: '1' } })),
        );
        expectObservable(requester.requestMany(ping())).toBe('----ab|', { a: 'r1', b: 'r2' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
    });

    it('a timeout carries the replies seen so far in partial', () => {
      const { transport, requester } = setup({ timeoutMs: 10 });
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 1, record: replyTo(request, 'r1') },
          { after: 2, record: replyTo(request, 'r2') },
        ]);
        const partial = requester
          .requestMany({ ...ping(), count: 3 })
          .pipe(
            failure((error) =>
              isRequestTimeoutError(error)
                ? { kind: error.kind, repliesSeen: error.repliesSeen, partial: error.partial }
                : { kind: error.kind },
            ),
          );
        expectObservable(partial).toBe('----ab----(e|)', {
          a: 'r1',
          b: 'r2',
          e: { kind: 'timeout', repliesSeen: 2, partial: ['r1', 'r2'] },
        });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1 }));
    });

    it('take(1) on a stream of replies cancels it; the rest are late', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(
          transport,
          scheduler,
          threeReplies((request) => replyTo(request, 'r3', { headers: { [NEST_DISPOSED_HEADER]: '1' } })),
        );
        expectObservable(requester.requestMany(ping()).pipe(take(1))).toBe('----(a|)', { a: 'r1' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ cancelled: 1, late: 2 }));
    });
  });

  describe('matching by predicate', () => {
    /** Domain events on `replies`, without a correlation id: key and value, one frame apart from 4. */
    const events =
      (...keyed: readonly [key: string, value: string][]) =>
      (request: ConsumedRecord): readonly ScheduledReply[] =>
        keyed.map(([key, value], index) => ({
          after: index + 1,
          record: replyTo(request, value, { key, correlate: false }),
        }));

    it('takes the first reply the predicate accepts; the others are foreign', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(
          transport,
          scheduler,
          events(['bob', 'created:bob'], ['ada', 'created:ada'], ['ada', 'created:ada again']),
        );
        const request = requester.request(ping('ada', { match: (reply) => reply.startsWith('created:ada') }));
        expectObservable(request).toBe('-----(a|)', { a: 'created:ada' });
      });
      // 'created:bob' matched nobody; the second 'created:ada' came after the request was answered.
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, foreign: 2 }));
    });

    it('with replyKey, tries only replies with that key', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, events(['bob', 'anything'], ['ada', 'for ada']));
        const keyed = requester.request(ping('ada', { match: () => true, replyKey: 'ada' }));
        expectObservable(keyed).toBe('-----(a|)', { a: 'for ada' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, foreign: 1 }));
    });

    it('without replyKey, the same predicate takes the first reply of any key', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, events(['bob', 'anything'], ['ada', 'for ada']));
        expectObservable(requester.request(ping('ada', { match: () => true }))).toBe('----(a|)', { a: 'anything' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1, foreign: 1 }));
    });

    it('a reply carrying the request’s correlation id is its reply whatever the predicate says', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, echo(2));
        expectObservable(requester.request(ping('ada', { match: () => false }))).toBe('-----(a|)', { a: 'pong:ada' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ answered: 1 }));
    });

    it('a reply the reply codec cannot decode is not offered to predicates and is counted as foreign', () => {
      const { transport, requester } = setup({ timeoutMs: 10 });
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 1, record: replyTo(request, null, { key: 'ada', correlate: false }) },
        ]);
        const request = requester.request(ping('ada', { match: () => true, replyKey: 'ada' })).pipe(failure());
        expectObservable(request).toBe('10ms (t|)', { t: { kind: 'timeout' } });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ timedOut: 1, foreign: 1 }));
    });
  });

  describe('error replies and undecodable replies', () => {
    const remote = (error: PubScribeError) =>
      isRemoteError(error)
        ? {
            kind: error.kind,
            remoteMessage: error.remoteMessage,
            remoteName: error.remoteName,
            retriable: error.retriable,
          }
        : { kind: error.kind };

    it('a JSON error reply becomes a RemoteError with the remote name and message', () => {
      const { transport, requester } = setup();
      let correlationId: string | undefined;
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          {
            after: 2,
            record: replyTo(request, null, {
              headers: { [NEST_ERROR_HEADER]: '{"name":"Error","message":"boom"}', [NEST_DISPOSED_HEADER]: '1' },
            }),
          },
        ]);
        const failed = requester.request(ping()).pipe(
          failure((error) => {
            correlationId = error.correlationId;
            return remote(error);
          }),
        );
        expectObservable(failed).toBe('-----(e|)', {
          e: { kind: 'remote', remoteMessage: 'boom', remoteName: 'Error', retriable: false },
        });
      });
      expect(correlationId).to.equal(correlationIdOf(transport.records('requests')[0]));
      expect(requester.metrics()).to.deep.equal(metricsWith({ remoteErrors: 1 }));
    });

    it('a plain-text error reply is the remote message itself', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) => [
          { after: 2, record: replyTo(request, null, { headers: { [NEST_ERROR_HEADER]: 'email already taken' } }) },
        ]);
        expectObservable(requester.request(ping()).pipe(failure(remote))).toBe('-----(e|)', {
          e: { kind: 'remote', remoteMessage: 'email already taken', remoteName: undefined, retriable: false },
        });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ remoteErrors: 1 }));
    });

    it('a matched reply that does not decode is a DecodeError for its caller; the listener goes on', () => {
      const { transport, requester } = setup();
      scheduler.run(({ expectObservable }) => {
        handResponder(transport, scheduler, (request) =>
          request.value?.toString() === 'bad' ? [{ after: 2, record: replyTo(request, null) }] : echo(2)(request),
        );
        const decode = (error: PubScribeError) => ({ kind: error.kind, offset: error.offset, topic: error.topic });
        expectObservable(requester.request(ping('bad')).pipe(failure(decode))).toBe('-----(e|)', {
          e: { kind: 'decode', offset: '0', topic: 'replies' },
        });
        expectObservable(requester.request(ping('good')), '6ms ^').toBe('8ms (a|)', { a: 'pong:good' });
      });
      expect(requester.metrics()).to.deep.equal(metricsWith({ decodeFailures: 1, answered: 1 }));
    });
  });
});
