import { expect } from 'chai';
import { catchError, map, of, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { stringCodec, type Codec } from '../../lib/codecs';
import { isPubScribeError, isRequestTimeoutError, type PubScribeError } from '../../lib/errors';
import { headerString, REPLY_TOPIC_HEADER } from '../../lib/headers';
import { pubScribe, type PubScribeRequest, type ReplyPredicate } from '../../lib/pubscribe';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import { correlationIdOf, echo, handResponder, replyTo } from '../support/hand-responder';
import { testScheduler } from '../support/marbles';
import { spyTransport, type SpyTransport } from '../support/spy-transport';

const request = (value = 'ping', extra: Partial<PubScribeRequest<string>> = {}): PubScribeRequest<string> => ({
  topic: 'requests',
  value,
  ...extra,
});

/** Ends the stream with a plain description of its error, which marbles compare by value. */
function failure<T>(
  describe: (error: PubScribeError) => object = (error) => ({ kind: error.kind }),
): OperatorFunction<T, T | object> {
  return catchError((error: unknown) => of(isPubScribeError(error) ? describe(error) : { foreign: String(error) }));
}

describe('pubScribe (marbles)', () => {
  let scheduler: TestScheduler;
  let transport: InMemoryTransport;
  let spy: SpyTransport;

  /** `pubScribe` on the in-memory Kafka (consumers ready 3 frames after subscribe), timeout 30 unless told. */
  const publish = (
    request$: ObservableInput<PubScribeRequest<string>>,
    predicate: ReplyPredicate<string> = (reply) => reply.startsWith('pong:'),
    options: { readonly timeoutMs?: number; readonly requestCodec?: Codec<string> } = {},
  ) =>
    pubScribe(request$, 'replies', predicate, {
      transport: spy,
      requestCodec: options.requestCodec ?? stringCodec,
      replyCodec: stringCodec,
      timeoutMs: options.timeoutMs ?? 30,
      scheduler,
    });

  beforeEach(() => {
    scheduler = testScheduler();
    transport = inMemoryTransport({ topics: { requests: 1, replies: 1 }, scheduler, readyDelay: 3 });
    spy = spyTransport(transport, scheduler);
  });

  it('subscribes to request$ only once the reply consumer is ready, produces, emits the reply and stops', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      handResponder(transport, scheduler, echo(2));
      const request$ = cold('-a|', { a: request() });
      const produced = cold('---a-b').pipe(map(() => transport.records('requests').length));

      // Ready at 3; the request comes at 4; the reply at 6.
      expectObservable(publish(request$)).toBe('------(a|)', { a: 'pong:ping' });
      expectSubscriptions(request$.subscriptions).toBe('---^-!');
      expectObservable(produced).toBe('---a-b', { a: 0, b: 1 });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^-----!');
    });
    expect(transport.records('requests').map((record) => record.timestamp)).to.deep.equal(['4']);
  });

  it('stamps the request with a correlation id and the reply topic, and keeps its key and headers', () => {
    scheduler.run(({ expectObservable }) => {
      handResponder(transport, scheduler, echo(2));
      const keyed = request('ping', { key: 'user-1', headers: { traceparent: '00-abc-01' } });
      expectObservable(publish([keyed])).toBe('-----(a|)', { a: 'pong:ping' });
    });
    const [sent] = transport.records('requests');
    expect(sent?.key?.toString()).to.equal('user-1');
    expect(headerString(sent?.headers ?? {}, 'traceparent')).to.deep.equal({ _tag: 'Some', value: '00-abc-01' });
    expect(headerString(sent?.headers ?? {}, REPLY_TOPIC_HEADER)).to.deep.equal({ _tag: 'Some', value: 'replies' });
    expect(correlationIdOf(sent)).to.match(/^[0-9a-f-]{36}$/);
  });

  it('emits only a reply the predicate accepts; others and undecodable ones are passed over', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      handResponder(transport, scheduler, (sent) => [
        { after: 1, record: replyTo(sent, 'created:bob', { correlate: false }) },
        { after: 2, record: replyTo(sent, null, { correlate: false }) },
        { after: 3, record: replyTo(sent, 'created:ada', { correlate: false }) },
      ]);
      const ada = publish([request('ada')], (reply) => reply === 'created:ada');
      expectObservable(ada).toBe('------(a|)', { a: 'created:ada' });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^-----!');
    });
  });

  it('takes one reply: a second match is ignored and the consumer is already gone', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      handResponder(transport, scheduler, (sent) => [
        { after: 1, record: replyTo(sent, 'pong:first') },
        { after: 2, record: replyTo(sent, 'pong:second') },
      ]);
      expectObservable(publish([request()])).toBe('----(a|)', { a: 'pong:first' });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^---!');
    });
    expect(transport.records('replies')).to.have.length(2);
    expect(transport.activeConsumers).to.equal(1);
  });

  it('times out with a RequestTimeoutError timeoutMs after subscribe, and stops the consumer', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const timedOut = publish([request()], undefined, { timeoutMs: 10 }).pipe(
        failure((error) =>
          isRequestTimeoutError(error)
            ? {
                kind: error.kind,
                topic: error.topic,
                timeoutMs: error.timeoutMs,
                elapsedMs: error.elapsedMs,
                ownCorrelationId: error.correlationId === correlationIdOf(transport.records('requests')[0]),
              }
            : { kind: error.kind },
        ),
      );
      expectObservable(timedOut, '--^').toBe('12ms (e|)', {
        e: { kind: 'timeout', topic: 'replies', timeoutMs: 10, elapsedMs: 10, ownCorrelationId: true },
      });
      expectSubscriptions(spy.consumersOf('replies')).toBe('--^ 9ms !');
    });
    expect(transport.activeConsumers).to.equal(0);
  });

  it('the timeout covers the start-up window: a consumer slower than the timeout never produces', () => {
    transport = inMemoryTransport({ topics: { requests: 1, replies: 1 }, scheduler, readyDelay: 12 });
    spy = spyTransport(transport, scheduler);
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      expectObservable(publish([request()], undefined, { timeoutMs: 10 }).pipe(failure())).toBe('10ms (e|)', {
        e: { kind: 'timeout' },
      });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^ 9ms !');
    });
    expect(transport.records('requests')).to.have.length(0);
  });

  it('unsubscribing before ready stops the consumer and produces nothing', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const active = cold('-a-b').pipe(map(() => transport.activeConsumers));
      expectObservable(publish([request()]), '^-!').toBe('---');
      expectObservable(active).toBe('-a-b', { a: 1, b: 0 });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^-!');
    });
    expect(transport.records('requests')).to.have.length(0);
    expect(transport.activeConsumers).to.equal(0);
  });

  it('unsubscribing while waiting for the reply stops the consumer at once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const responder = handResponder(transport, scheduler, echo(5));
      scheduler.schedule(() => responder.subscription.unsubscribe(), 10);
      const active = cold('----a-b').pipe(map(() => transport.activeConsumers));
      expectObservable(publish([request()]), '^----!').toBe('------');
      // The responder's consumer and the reply consumer, then the responder's alone.
      expectObservable(active).toBe('----a-b', { a: 2, b: 1 });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^----!');
    });
    expect(transport.records('requests')).to.have.length(1);
    expect(transport.activeConsumers).to.equal(0);
  });

  it('is cold: nothing is consumed or produced until subscribe, and each subscription is its own exchange', () => {
    const exchange = publish([request()]);
    expect(spy.consumersOf('replies')).to.have.length(0);
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      handResponder(transport, scheduler, echo(2));
      expectObservable(exchange, '5ms ^').toBe('10ms (a|)', { a: 'pong:ping' });
      expectObservable(exchange, '20ms ^').toBe('25ms (a|)', { a: 'pong:ping' });
      expectSubscriptions(spy.consumersOf('replies')).toBe(['5ms ^----!', '20ms ^----!']);
    });
    const ids = transport.records('requests').map(correlationIdOf);
    expect(ids).to.have.length(2);
    expect(ids[0]).not.to.equal(ids[1]);
  });

  it('a request that cannot be encoded fails with a ProduceError once ready, and stops the consumer', () => {
    const refuses: Codec<string> = {
      ...stringCodec,
      encode: () => {
        throw new TypeError('cannot encode');
      },
    };
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const failed = publish([request()], undefined, { requestCodec: refuses }).pipe(
        failure((error) => ({ kind: error.kind, topic: error.topic, retriable: error.retriable })),
      );
      expectObservable(failed).toBe('---(e|)', { e: { kind: 'produce', topic: 'requests', retriable: false } });
      expectSubscriptions(spy.consumersOf('replies')).toBe('^--!');
    });
    expect(transport.records('requests')).to.have.length(0);
  });

  it('an error of request$ reaches the subscriber and stops the consumer', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const broken = new Error('no request after all');
      const request$ = cold<PubScribeRequest<string>>('-#', undefined, broken);
      expectObservable(publish(request$)).toBe('----#', undefined, broken);
      expectSubscriptions(request$.subscriptions).toBe('---^!');
      expectSubscriptions(spy.consumersOf('replies')).toBe('^---!');
    });
  });
});
