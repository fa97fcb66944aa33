import { expect } from 'chai';
import * as t from 'io-ts';
import { Partitioners } from 'kafkajs';
import {
  EMPTY,
  filter,
  firstValueFrom,
  map,
  ReplaySubject,
  take,
  toArray,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { jsonCodec, stringCodec } from '../../lib/codecs';
import { isRemoteError } from '../../lib/errors';
import {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  headerString,
  int32Header,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  type OutgoingHeaders,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
  TRACEPARENT_HEADER,
} from '../../lib/headers';
import { createRequester } from '../../lib/requester';
import { serve, type RequestContext, type ResponderEvent, type ResponderOptions } from '../../lib/responder';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import type { ConsumedRecord } from '../../lib/transport/records';
import type { TransportEvent } from '../../lib/transport/transport';
import { testScheduler } from '../support/marbles';

/** A reply record as plain data: what a caller would read off it. */
interface SeenReply {
  readonly value: string | null;
  readonly key: string | null;
  readonly partition: number;
  readonly correlationId?: string;
  /** Carries the end marker (`kafka_nest-is-disposed`). */
  readonly last: boolean;
  /** The `kafka_nest-err` header, when it is an error reply. */
  readonly error?: string;
  readonly traceparent?: string;
}

const text = (record: ConsumedRecord, name: string): string | undefined => {
  const header = headerString(record.headers, name);
  return header._tag === 'Some' ? header.value : undefined;
};

/** Lets Promise callbacks queued so far run (replies that wait for earlier ones are appended then). */
async function settled(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await Promise.resolve();
}

function seenReply(record: ConsumedRecord): SeenReply {
  const optional = (name: keyof SeenReply, value: string | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    value: record.value?.toString() ?? null,
    key: record.key?.toString() ?? null,
    partition: record.partition,
    ...optional('correlationId', text(record, CORRELATION_ID_HEADER)),
    last: Object.hasOwn(record.headers, NEST_DISPOSED_HEADER),
    ...optional('error', text(record, NEST_ERROR_HEADER)),
    ...optional('traceparent', text(record, TRACEPARENT_HEADER)),
  };
}

/** The reply the default handler gives, as seen on the reply topic. */
const reply = (value: string | null, changes: Partial<SeenReply> = {}): SeenReply => ({
  value,
  key: null,
  partition: 0,
  correlationId: 'c-1',
  last: true,
  ...changes,
});

/** Request headers naming `replies` and correlation id `c-1`, plus `extra`. */
const requestHeaders = (extra: OutgoingHeaders = {}): OutgoingHeaders => ({
  [CORRELATION_ID_HEADER]: 'c-1',
  [REPLY_TOPIC_HEADER]: 'replies',
  ...extra,
});

/** The partition kafkajs's default partitioner gives `key` on a topic of `partitions` partitions. */
const partitionOf = (key: string, partitions: number): number =>
  Partitioners.DefaultPartitioner()({
    topic: 'any',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });

const topics = { requests: 1, replies: 1, 'partitioned-replies': 3, 'other-replies': 1, emails: 1 };

describe('serve (marbles)', () => {
  let scheduler: TestScheduler;
  let transport: InMemoryTransport;

  /** A responder on `requests` in group `users`: string in, string out, time from the test scheduler. */
  const responder = (
    handler: ResponderOptions<string, string>['handler'],
    options: Partial<ResponderOptions<string, string>> = {},
  ): Observable<ResponderEvent> =>
    serve({
      transport,
      topic: 'requests',
      groupId: 'users',
      requestCodec: stringCodec,
      replyCodec: stringCodec,
      scheduler,
      handler,
      ...options,
    });

  /** Produces a request to `requests` at `frame`. */
  const requestAt = (frame: number, value: string, headers: OutgoingHeaders = requestHeaders(), key?: string) => {
    scheduler.schedule(() => void transport.produce([{ topic: 'requests', key, value, headers }]), frame);
  };

  /** The replies on `topic` as they arrive, one array per batch, read by a consumer ready at 3. */
  const watch = (topic: string): Observable<readonly SeenReply[]> =>
    transport.consume({ topics: [topic], groupId: `watch-${topic}`, membership: 'private' }).pipe(
      filter((event): event is Extract<TransportEvent, { type: 'batch' }> => event.type === 'batch'),
      map((event) => event.records.map(seenReply)),
    );

  const types = (events: Observable<ResponderEvent>) => events.pipe(map((event) => event.type));

  beforeEach(() => {
    scheduler = testScheduler();
    transport = inMemoryTransport({ topics, scheduler, readyDelay: 3 });
  });

  describe('in virtual time', () => {
    // 'answered' follows the produce promises, which settle in microtasks outside virtual time:
    // these tests read the records the responder produced, and the events that do not wait.

    it('answers a request once ready: to kafka_replyTopic, correlation id copied, the single reply with the end marker', () => {
      scheduler.run(({ expectObservable }) => {
        const headers = requestHeaders({
          [REPLY_TOPIC_HEADER]: 'partitioned-replies',
          [TRACEPARENT_HEADER]: '00-abc-01',
        });
        requestAt(5, 'ping', headers, 'user-1');
        expectObservable(types(responder((request) => `pong:${request}`)), '^ 9ms !').toBe('---r', {
          r: 'ready',
        });
        // Replies the same frame the request arrives; the key is kept, so it lands where the key hashes to.
        expectObservable(watch('partitioned-replies'), '^ 9ms !').toBe('-----a', {
          a: [reply('pong:ping', { key: 'user-1', partition: partitionOf('user-1', 3), traceparent: '00-abc-01' })],
        });
      });
      expect(transport.activeConsumers).to.equal(0);
    });

    it('honours kafka_replyPartition, and falls back to the configured replyTopic when the request names none', () => {
      scheduler.run(({ expectObservable }) => {
        const partitioned = { [REPLY_TOPIC_HEADER]: 'partitioned-replies', [REPLY_PARTITION_HEADER]: int32Header(2) };
        // One batch: the next batch of a partition waits for this one's produce promises, outside virtual time.
        scheduler.schedule(
          () =>
            void transport.produce([
              { topic: 'requests', value: 'a', headers: requestHeaders(partitioned) },
              { topic: 'requests', value: 'b', headers: { [CORRELATION_ID_HEADER]: 'c-1' } },
            ]),
          5,
        );
        const events = responder((request) => `pong:${request}`, { replyTopic: 'other-replies' });
        expectObservable(types(events), '^ 9ms !').toBe('---r', { r: 'ready' });
        expectObservable(watch('partitioned-replies'), '^ 9ms !').toBe('-----a', {
          a: [reply('pong:a', { partition: 2 })],
        });
        expectObservable(watch('other-replies'), '^ 9ms !').toBe('-----b', { b: [reply('pong:b')] });
      });
    });

    it('without kafka_replyTopic or a configured replyTopic, runs the handler and replies nowhere', () => {
      const handled: string[] = [];
      scheduler.run(({ expectObservable }) => {
        requestAt(5, 'fire and forget', { [CORRELATION_ID_HEADER]: 'c-1' });
        const events = responder((request) => {
          handled.push(request);
          return 'unused';
        });
        expectObservable(types(events), '^ 9ms !').toBe('---r', { r: 'ready' });
      });
      expect(handled).to.deep.equal(['fire and forget']);
      expect(transport.records('replies')).to.have.length(0);
      expect(transport.records('other-replies')).to.have.length(0);
    });

    it('an Observable of 3 values: one record each, the last held back to carry the end marker', async () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        requestAt(5, 'search');
        const results = cold('-a-b-c|', { a: 'r1', b: 'r2', c: 'r3' });
        expectObservable(types(responder(() => results)), '^ 19ms !').toBe('---r', { r: 'ready' });
        // r1 goes out when r2 shows it was not the last; r3 when the handler completes, once r1 and
        // r2 are acknowledged (a Promise, so after the virtual frames).
        expectObservable(watch('replies'), '^ 19ms !').toBe('--------a-b', {
          a: [reply('r1', { last: false })],
          b: [reply('r2', { last: false })],
        });
        expectSubscriptions(results.subscriptions).toBe('5ms ^ 5ms !');
      });
      await settled();
      expect(transport.records('replies').map(seenReply)).to.deep.equal([
        reply('r1', { last: false }),
        reply('r2', { last: false }),
        reply('r3'),
      ]);
    });

    it('a handler that completes without a value sends a bare end marker', () => {
      scheduler.run(({ expectObservable }) => {
        requestAt(5, 'nothing to say');
        expectObservable(types(responder(() => EMPTY)), '^ 9ms !').toBe('---r', { r: 'ready' });
        expectObservable(watch('replies'), '^ 9ms !').toBe('-----a', { a: [reply(null)] });
      });
    });

    it('a handler that throws sends an error reply with kafka_nest-err, which ends the stream', () => {
      scheduler.run(({ expectObservable }) => {
        requestAt(5, 'ping');
        const events = responder(() => {
          throw new Error('boom');
        });
        expectObservable(types(events), '^ 9ms !').toBe('---r', { r: 'ready' });
        expectObservable(watch('replies'), '^ 9ms !').toBe('-----a', {
          a: [reply(null, { error: '{"name":"Error","message":"boom"}' })],
        });
      });
    });

    it('a handler Observable that errors after a value: the value, then the error reply', async () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        requestAt(5, 'ping');
        const results = cold('-a-#', { a: 'r1' }, 'email already taken');
        expectObservable(types(responder(() => results)), '^ 9ms !').toBe('---r', { r: 'ready' });
        expectObservable(watch('replies'), '^ 9ms !').toBe('--------a', { a: [reply('r1', { last: false })] });
        expectSubscriptions(results.subscriptions).toBe('5ms ^--!');
      });
      await settled();
      expect(transport.records('replies').map(seenReply)).to.deep.equal([
        reply('r1', { last: false }),
        reply(null, { error: 'email already taken' }),
      ]);
    });

    it('a request past its pubscribe_deadline is skipped: a skipped event, no handler call, no reply', () => {
      const handled: string[] = [];
      const past = String(Date.now() - 1);
      const future = String(Date.now() + 60_000);
      scheduler.run(({ expectObservable }) => {
        scheduler.schedule(
          () =>
            void transport.produce([
              // Deadlines on the wire are wall-clock times, whatever clock the scheduler keeps.
              { topic: 'requests', value: 'too late', headers: requestHeaders({ [DEADLINE_HEADER]: past }) },
              { topic: 'requests', value: 'just in time', headers: requestHeaders({ [DEADLINE_HEADER]: future }) },
            ]),
          5,
        );
        const events = responder((request) => {
          handled.push(request);
          return `pong:${request}`;
        }).pipe(
          map((event) =>
            event.type === 'skipped' ? `${event.reason}:${event.record.value?.toString() ?? ''}` : event.type,
          ),
        );
        expectObservable(events, '^ 9ms !').toBe('---r-s', { r: 'ready', s: 'deadline-passed:too late' });
        expectObservable(watch('replies'), '^ 9ms !').toBe('-----a', { a: [reply('pong:just in time')] });
      });
      expect(handled).to.deep.equal(['just in time']);
    });

    it('a request naming a reply topic the policy refuses is skipped: no handler call, no reply', () => {
      const handled: string[] = [];
      scheduler.run(({ expectObservable }) => {
        scheduler.schedule(
          () =>
            void transport.produce([
              {
                topic: 'requests',
                value: 'elsewhere',
                headers: requestHeaders({ [REPLY_TOPIC_HEADER]: 'other-replies' }),
              },
              { topic: 'requests', value: 'allowed', headers: requestHeaders() },
            ]),
          5,
        );
        const events = responder(
          (request) => {
            handled.push(request);
            return `pong:${request}`;
          },
          { allowReplyTopic: (topic) => topic === 'replies' },
        ).pipe(
          map((event) =>
            event.type === 'skipped' ? `${event.reason}:${event.record.value?.toString() ?? ''}` : event.type,
          ),
        );
        expectObservable(events, '^ 9ms !').toBe('---r-s', { r: 'ready', s: 'reply-topic-refused:elsewhere' });
        expectObservable(watch('replies'), '^ 9ms !').toBe('-----a', { a: [reply('pong:allowed')] });
        expectObservable(watch('other-replies'), '^ 9ms !').toBe('');
      });
      expect(handled).to.deep.equal(['allowed']);
    });

    it('an undecodable request gets an error reply naming the DecodeError; the handler is not called', () => {
      const handled: unknown[] = [];
      scheduler.run(({ expectObservable }) => {
        requestAt(5, '{oops');
        const events = serve({
          transport,
          topic: 'requests',
          groupId: 'users',
          requestCodec: jsonCodec(t.type({ n: t.number }), 'Numbered'),
          replyCodec: stringCodec,
          scheduler,
          handler: (request) => {
            handled.push(request);
            return 'unused';
          },
        });
        expectObservable(types(events), '^ 9ms !').toBe('---r', { r: 'ready' });
      });
      expect(handled).to.have.length(0);
      const [error] = transport.records('replies').map(seenReply);
      expect(error).to.include({ value: null, correlationId: 'c-1', last: true });
      const payload: unknown = JSON.parse(error?.error ?? 'null');
      expect(payload).to.have.property('name', 'DecodeError');
      expect(payload)
        .to.have.property('message')
        .that.matches(/Numbered/);
    });

    it('context.send produces records to other topics, next to the reply', () => {
      let seenContext: RequestContext | undefined;
      scheduler.run(({ expectObservable }) => {
        requestAt(5, 'ada@example.com', requestHeaders(), 'user-1');
        const events = responder((request, context) => {
          seenContext = context;
          void context.send([{ topic: 'emails', key: request, value: `welcome ${request}` }]);
          return 'created';
        });
        expectObservable(types(events), '^ 9ms !').toBe('---r', { r: 'ready' });
        expectObservable(watch('emails'), '^ 9ms !').toBe('-----a', {
          a: [{ value: 'welcome ada@example.com', key: 'ada@example.com', partition: 0, last: false }],
        });
      });
      expect(seenContext?.record.key?.toString()).to.equal('user-1');
      expect(transport.records('replies').map(seenReply)).to.deep.equal([reply('created', { key: 'user-1' })]);
    });

    it('is cold, and unsubscribing stops its consumer', () => {
      const events = responder((request) => request);
      expect(transport.activeConsumers).to.equal(0);
      scheduler.run(({ cold, expectObservable }) => {
        const active = cold('--a-b-c').pipe(map(() => transport.activeConsumers));
        expectObservable(types(events), '--^-!').toBe('---');
        expectObservable(active).toBe('--a-b-c', { a: 1, b: 0, c: 0 });
      });
    });

    it('rejects bad options at once', () => {
      expect(() => responder((request) => request, { topic: [] })).to.throw(TypeError, /topic/);
      expect(() => responder((request) => request, { groupId: '' })).to.throw(TypeError, /groupId/);
    });
  });

  describe('with Promises, in real time', () => {
    /** Runs a responder on the default asyncScheduler; resolves once it is ready. */
    async function running(handler: (request: string, context: RequestContext) => ObservableInput<string>) {
      const events = new ReplaySubject<ResponderEvent>();
      const subscription = serve({
        transport,
        topic: 'requests',
        groupId: 'users',
        requestCodec: stringCodec,
        replyCodec: stringCodec,
        handler,
      }).subscribe(events);
      await firstValueFrom(events.pipe(filter((event) => event.type === 'ready')));
      const nth = (type: ResponderEvent['type'], count = 1) =>
        firstValueFrom(
          events.pipe(
            filter((event) => event.type === type),
            take(count),
            toArray(),
          ),
        );
      return { events, subscription, nth };
    }

    beforeEach(() => {
      transport = inMemoryTransport({ topics });
    });

    afterEach(async () => {
      await transport.close();
    });

    it('reports answered after the replies were produced, with how many and how long', async () => {
      const { subscription, nth } = await running(async (request) => `pong:${request}`);
      await transport.produce([{ topic: 'requests', value: 'ping', headers: requestHeaders() }]);
      const [answered] = await nth('answered');
      expect(answered).to.include({ type: 'answered', replies: 1 });
      expect(answered).not.to.have.property('error');
      expect(answered?.type === 'answered' && answered.elapsedMs)
        .to.be.a('number')
        .at.least(0);
      expect(transport.records('replies').map(seenReply)).to.deep.equal([reply('pong:ping')]);
      subscription.unsubscribe();
      expect(transport.activeConsumers).to.equal(0);
    });

    it('answers the next batch of a partition only after the replies of the previous one were produced', async () => {
      const { subscription, nth } = await running(async (request) => `pong:${request}`);
      for (const value of ['a', 'b', 'c']) {
        await transport.produce([{ topic: 'requests', value, headers: requestHeaders() }]);
      }
      const answered = await nth('answered', 3);
      expect(answered.map((event) => event.type === 'answered' && event.record.value?.toString())).to.deep.equal([
        'a',
        'b',
        'c',
      ]);
      expect(transport.records('replies').map((record) => record.value?.toString())).to.deep.equal([
        'pong:a',
        'pong:b',
        'pong:c',
      ]);
      subscription.unsubscribe();
    });

    it('a rejected handler becomes an error reply, and answered carries the error', async () => {
      const { subscription, nth } = await running(async () => {
        throw new Error('boom');
      });
      await transport.produce([{ topic: 'requests', value: 'ping', headers: requestHeaders() }]);
      const [answered] = await nth('answered');
      expect(answered).to.include({ type: 'answered', replies: 1 });
      expect(answered?.type === 'answered' && answered.error).to.be.instanceOf(Error);
      expect(transport.records('replies').map(seenReply)).to.deep.equal([
        reply(null, { error: '{"name":"Error","message":"boom"}' }),
      ]);
      subscription.unsubscribe();
    });

    it('a reply the broker refuses is a reply-failed event, and the responder goes on', async () => {
      const { subscription, nth } = await running(async (request) => `pong:${request}`);
      await transport.produce([
        { topic: 'requests', value: 'lost', headers: requestHeaders({ [REPLY_TOPIC_HEADER]: 'no-such-topic' }) },
      ]);
      const [failed] = await nth('reply-failed');
      expect(failed?.type === 'reply-failed' && failed.record.value?.toString()).to.equal('lost');
      await transport.produce([{ topic: 'requests', value: 'found', headers: requestHeaders() }]);
      await nth('answered');
      expect(transport.records('replies').map((record) => record.value?.toString())).to.deep.equal(['pong:found']);
      subscription.unsubscribe();
    });

    it('round trip with a requester: one reply, a stream of replies, a remote error and context.send', async () => {
      const { subscription } = await running(async function* (request, context) {
        if (request === 'fail') throw new Error('boom');
        await context.send([{ topic: 'emails', value: `welcome ${request}` }]);
        for (const part of request.split(',')) yield `pong:${part}`;
      });
      const requester = createRequester({ transport, replyTopic: 'replies', timeoutMs: 2_000 });
      const spec = { topic: 'requests', codec: stringCodec, replyCodec: stringCodec };

      expect(await firstValueFrom(requester.request({ ...spec, value: 'ada' }))).to.equal('pong:ada');
      const many = await firstValueFrom(requester.requestMany({ ...spec, value: 'a,b,c' }).pipe(toArray()));
      expect(many).to.deep.equal(['pong:a', 'pong:b', 'pong:c']);
      const failed: unknown = await firstValueFrom(requester.request({ ...spec, value: 'fail' })).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isRemoteError(failed) && failed.remoteMessage).to.equal('boom');
      expect(transport.records('emails').map((record) => record.value?.toString())).to.deep.equal([
        'welcome ada',
        'welcome a,b,c',
      ]);
      // firstValueFrom unsubscribes on the reply: still answered, not cancelled.
      expect(requester.metrics()).to.include({ pending: 0, answered: 2, cancelled: 0, remoteErrors: 1 });

      requester.close();
      subscription.unsubscribe();
      expect(transport.activeConsumers).to.equal(0);
    });
  });
});
