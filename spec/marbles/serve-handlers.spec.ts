import { expect } from 'chai';
import * as t from 'io-ts';
import { filter, firstValueFrom, map, NEVER, Observable, take, timer, toArray, VirtualTimeScheduler } from 'rxjs';
import { advanceInterleaved, interleavedScheduler } from '../support/interleaved-time';
import type { TestScheduler } from 'rxjs/testing';
import { jsonCodec, stringCodec } from '../../lib/codecs';
import { isRemoteError } from '../../lib/errors';
import {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  headerString,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  type OutgoingHeaders,
  REPLY_TOPIC_HEADER,
} from '../../lib/headers';
import { createRequester } from '../../lib/requester';
import {
  HandlerTimeoutError,
  serve,
  type RequestContext,
  type ResponderEvent,
  type ResponderOptions,
} from '../../lib/responder';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import type { ConsumedRecord } from '../../lib/transport/records';
import { testScheduler } from '../support/marbles';

const text = (record: ConsumedRecord, name: string): string | undefined => {
  const header = headerString(record.headers, name);
  return header._tag === 'Some' ? header.value : undefined;
};

/** A reply as plain data: its value, correlation id, error header and end marker. */
const seen = (record: ConsumedRecord) => ({
  value: record.value?.toString() ?? null,
  correlationId: text(record, CORRELATION_ID_HEADER),
  ...(text(record, NEST_ERROR_HEADER) === undefined ? {} : { error: text(record, NEST_ERROR_HEADER) }),
  last: Object.hasOwn(record.headers, NEST_DISPOSED_HEADER),
});

const headers = (correlationId: string, extra: OutgoingHeaders = {}): OutgoingHeaders => ({
  [CORRELATION_ID_HEADER]: correlationId,
  [REPLY_TOPIC_HEADER]: 'replies',
  ...extra,
});

/** Lets Promise callbacks queued so far run. */
async function settled(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await Promise.resolve();
}

describe('serve: the handler contract, deadlines and key order (marbles)', () => {
  let scheduler: TestScheduler;
  let transport: InMemoryTransport;

  const responder = <Reply = string>(
    handler: ResponderOptions<string, Reply>['handler'],
    options: Partial<ResponderOptions<string, Reply>> & Pick<ResponderOptions<string, Reply>, 'replyCodec'>,
  ): Observable<ResponderEvent> =>
    serve<string, Reply>({
      transport,
      topic: 'requests',
      groupId: 'users',
      requestCodec: stringCodec,
      scheduler,
      handler,
      ...options,
    });

  const requestAt = (frame: number, value: string, correlationId: string, key?: string, extra?: OutgoingHeaders) => {
    scheduler.schedule(
      () => void transport.produce([{ topic: 'requests', key, value, headers: headers(correlationId, extra) }]),
      frame,
    );
  };

  /** `event.type:request value` for the events of one request each. */
  const outcomes = (events: Observable<ResponderEvent>) =>
    events.pipe(
      filter((event) => event.type !== 'ready' && event.type !== 'repinned'),
      map((event) => `${event.type}:${'record' in event ? (event.record.value?.toString() ?? '') : ''}`),
    );

  beforeEach(() => {
    scheduler = testScheduler();
    transport = inMemoryTransport({ scheduler, readyDelay: 3, topics: { requests: 1, replies: 1 } });
  });

  // Promises and async iterables settle in microtasks, which virtual time does not wait for: these
  // run on the in-memory transport in real time (it is instant), the way STYLE.md says to test them.
  describe('a value is one reply, whatever its type (in-memory transport, real time)', () => {
    /** Serves `handler` until `count` requests are done, each sent with correlation id `c-<n>`. */
    async function answer<Reply>(
      handler: ResponderOptions<string, Reply>['handler'],
      replyCodec: ResponderOptions<string, Reply>['replyCodec'],
      requests: readonly string[],
    ): Promise<ReturnType<typeof seen>[]> {
      const live = inMemoryTransport({ readyDelay: 0, topics: { requests: 1, replies: 1 } });
      const done = firstValueFrom(
        serve<string, Reply>({
          transport: live,
          topic: 'requests',
          groupId: 'g',
          requestCodec: stringCodec,
          replyCodec,
          handler,
        }).pipe(
          filter((event) => event.type === 'answered' || event.type === 'timed-out'),
          take(requests.length),
          toArray(),
        ),
      );
      await live.produce(requests.map((value, n) => ({ topic: 'requests', value, headers: headers(`c-${n + 1}`) })));
      await done;
      await live.close();
      return live.records('replies').map(seen);
    }

    it('a string is one reply, not one per character', async () => {
      const replies = await answer((request) => `echo:${request}`, stringCodec, ['hi']);
      expect(replies).to.deep.equal([{ value: 'echo:hi', correlationId: 'c-1', last: true }]);
    });

    it('an array is one reply, not one per element', async () => {
      const replies = await answer<string[]>(() => ['a', 'b', 'c'], jsonCodec(t.array(t.string)), ['list']);
      expect(replies).to.deep.equal([{ value: '["a","b","c"]', correlationId: 'c-1', last: true }]);
    });

    it('null is one reply (a null value), and a Promise of a value is one reply', async () => {
      const nullableString: ResponderOptions<string, string | null>['replyCodec'] = {
        name: 'nullable string',
        encode: (value) => (value === null ? null : Buffer.from(value)),
        decode: stringCodec.decode,
      };
      const replies = await answer<string | null>(
        (request) => (request === 'nothing' ? null : Promise.resolve('done')),
        nullableString,
        ['nothing', 'later'],
      );
      expect(replies).to.have.deep.members([
        { value: null, correlationId: 'c-1', last: true },
        { value: 'done', correlationId: 'c-2', last: true },
      ]);
    });

    it('an AsyncIterable gives several replies, the last with the end marker', async () => {
      async function* parts(): AsyncIterable<string> {
        yield 'p1';
        yield 'p2';
      }
      const replies = await answer(() => parts(), stringCodec, ['stream']);
      expect(replies).to.deep.equal([
        { value: 'p1', correlationId: 'c-1', last: false },
        { value: 'p2', correlationId: 'c-1', last: true },
      ]);
    });

    it('a sync throw, a rejection and an error notification each become one error reply', async () => {
      const replies = await answer<string>(
        (request) => {
          if (request === 'throw') throw new Error('thrown');
          if (request === 'reject') return Promise.reject(new Error('rejected'));
          return new Observable<string>((subscriber) => subscriber.error(new Error('errored')));
        },
        stringCodec,
        ['throw', 'reject', 'error'],
      );
      expect(replies.map((reply) => [reply.correlationId, reply.error, reply.last, reply.value])).to.have.deep.members([
        ['c-1', '{"name":"Error","message":"thrown"}', true, null],
        ['c-2', '{"name":"Error","message":"rejected"}', true, null],
        ['c-3', '{"name":"Error","message":"errored"}', true, null],
      ]);
    });
  });

  describe('handler deadlines, in virtual time', () => {
    it('a handler that never ends is cancelled at handlerTimeoutMs: unsubscribed, signal aborted, error reply', async () => {
      let signal: AbortSignal | undefined;
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        requestAt(5, 'hang', 'c-1');
        const never = cold<string>('-');
        const events = responder(
          (_request, context: RequestContext) => {
            signal = context.signal;
            return never;
          },
          { replyCodec: stringCodec, handlerTimeoutMs: 20 },
        );
        expectObservable(outcomes(events), '^ 40ms !').toBe('');
        expectSubscriptions(never.subscriptions).toBe('5ms ^ 19ms !');
      });
      await settled();
      expect(signal?.aborted).to.equal(true);
      expect(signal?.reason).to.be.instanceOf(HandlerTimeoutError);
      const [reply] = transport.records('replies').map(seen);
      expect(reply).to.include({ correlationId: 'c-1', last: true, value: null });
      expect(JSON.parse(reply?.error ?? '{}')).to.include({ name: 'HandlerTimeoutError' });
    });

    it("the request's own deadline, when sooner, cancels the handler without a reply (nobody waits)", async () => {
      const events: ResponderEvent[] = [];
      let cancelledAt = -1;
      scheduler.run(() => {
        // A wall-clock deadline 10 s away: the responder waits the time left on its own scheduler.
        requestAt(5, 'hang', 'c-1', undefined, { [DEADLINE_HEADER]: String(Date.now() + 10_000) });
        const slow = new Observable<string>(() => () => {
          cancelledAt = scheduler.now();
        });
        responder(() => slow, { replyCodec: stringCodec, handlerTimeoutMs: 60_000 }).subscribe((event) =>
          events.push(event),
        );
        scheduler.schedule(() => undefined, 20_000);
      });
      await settled();
      // 10 s less the real milliseconds this test took before the handler started.
      expect(cancelledAt).to.be.within(9_000, 10_005);
      expect(events.map((event) => event.type)).to.include('timed-out');
      expect(transport.records('replies')).to.have.length(0);
    });

    it('a requester on the TestScheduler gets the HandlerTimeoutError as a RemoteError, in virtual time', () => {
      let failure: unknown;
      let failedAt = -1;
      scheduler.run(() => {
        const requester = createRequester({ transport, replyTopic: 'replies', scheduler, timeoutMs: 100 });
        responder(() => NEVER, { replyCodec: stringCodec, handlerTimeoutMs: 30 }).subscribe();
        requester.request({ topic: 'requests', value: 'hang', codec: stringCodec, replyCodec: stringCodec }).subscribe({
          error: (error: unknown) => {
            failure = error;
            failedAt = scheduler.now();
          },
        });
      });
      expect(isRemoteError(failure), String(failure)).to.equal(true);
      expect(failure).to.include({ remoteName: 'HandlerTimeoutError' });
      // Ready at 3, handled from 3, cancelled 30 ms later: long before the requester's 100 ms.
      expect(failedAt).to.be.within(33, 40);
    });
  });

  // A request is done once its replies' produce Promise settles: these advance virtual time a frame
  // at a time and let Promises settle in between (spec/support/interleaved-time.ts).
  describe('key-ordered concurrency, in virtual time', () => {
    let clock: VirtualTimeScheduler;
    let live: InMemoryTransport;
    const serveOn = (handler: ResponderOptions<string, string>['handler'], concurrency?: number) =>
      serve({
        transport: live,
        topic: 'requests',
        groupId: 'users',
        requestCodec: stringCodec,
        replyCodec: stringCodec,
        scheduler: clock,
        handler,
        ...(concurrency === undefined ? {} : { concurrency }),
      });
    const produceAt = (frame: number, requests: readonly { key: string | null; value: string }[]) =>
      clock.schedule(
        () =>
          void live.produce(
            requests.map(({ key, value }, n) => ({ topic: 'requests', key, value, headers: headers(`c-${n}`) })),
          ),
        frame,
      );
    const after = (frames: number, value: string) => timer(frames, clock).pipe(map(() => value));

    beforeEach(() => {
      clock = interleavedScheduler();
      live = inMemoryTransport({ scheduler: clock, readyDelay: 3, topics: { requests: 1, replies: 1 } });
    });

    it('a slow request holds up only later requests with its key; other keys overtake it', async () => {
      const answered: string[] = [];
      produceAt(5, [
        { key: 'k1', value: 'slow' },
        { key: 'k1', value: 'same key' },
        { key: 'k2', value: 'other key' },
        { key: null, value: 'no key' },
      ]);
      const subscription = serveOn((request) => after(request === 'slow' ? 10 : 1, request)).subscribe((event) => {
        if (event.type === 'answered') answered.push(`${clock.now()}:${event.record.value?.toString() ?? ''}`);
      });
      await advanceInterleaved(clock, 40);
      subscription.unsubscribe();
      // The request behind the slow one with its key starts only when it is done (15) and takes 1.
      expect(answered).to.have.members(['6:other key', '6:no key', '15:slow', '16:same key']);
      expect(answered.indexOf('15:slow')).to.be.below(answered.indexOf('16:same key'));
    });

    it('runs at most `concurrency` handlers at once, and every request is answered', async () => {
      let running = 0;
      let most = 0;
      produceAt(
        5,
        Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: `r${n}` })),
      );
      const subscription = serveOn(
        () =>
          new Observable<string>((subscriber) => {
            running += 1;
            most = Math.max(most, running);
            const inner = after(3, 'ok').subscribe(subscriber);
            return () => {
              running -= 1;
              inner.unsubscribe();
            };
          }),
        3,
      ).subscribe();
      await advanceInterleaved(clock, 40);
      subscription.unsubscribe();
      expect(most).to.equal(3);
      expect(live.records('replies')).to.have.length(10);
    });

    it('commits up to the first request not done: the next member gets exactly what was unfinished and after', async () => {
      const secondSaw: string[] = [];
      produceAt(
        5,
        ['done-0', 'hang-1', 'done-2', 'done-3'].map((value, n) => ({ key: `k${n}`, value })),
      );
      const first = serveOn((request) => (request.startsWith('hang') ? NEVER : after(1, request))).subscribe();
      // The first member stops at 20, with hang-1 unfinished and done-0, done-2, done-3 done.
      clock.schedule(() => first.unsubscribe(), 20);
      clock.schedule(
        () =>
          serveOn((request) => {
            secondSaw.push(request);
            return 'again';
          }).subscribe(),
        25,
      );
      await advanceInterleaved(clock, 60);
      expect(secondSaw).to.deep.equal(['hang-1', 'done-2', 'done-3']);
    });
  });
});
