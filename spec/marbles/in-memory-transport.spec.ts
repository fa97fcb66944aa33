import { expect } from 'chai';
import * as t from 'io-ts';
import { Partitioners } from 'kafkajs';
import { catchError, map, of, takeUntil, tap, type Observable, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { jsonCodec, stringCodec } from '../../lib/codecs';
import { consume, isMessage } from '../../lib/consume';
import { isProduceError, isPubScribeError } from '../../lib/errors';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from '../../lib/transport/record-size';
import type { OutgoingRecord } from '../../lib/transport/records';
import type { ConsumerSubscription, TransportEvent } from '../../lib/transport/transport';
import { testScheduler } from '../support/marbles';

/** A transport event without its `ack` function, so marbles can compare it by value. */
type Seen =
  | { readonly ready: readonly string[] }
  | { readonly repinned: number; readonly positions: readonly string[]; readonly revoked: readonly string[] }
  | { readonly batch: string; readonly values: readonly (string | null)[] };

const at = (p: { topic: string; partition: number; offset?: string }) =>
  p.offset === undefined ? `${p.topic}/${p.partition}` : `${p.topic}/${p.partition}@${p.offset}`;

function seen(event: TransportEvent): Seen {
  switch (event.type) {
    case 'ready':
      return { ready: event.positions.map(at) };
    case 'repinned':
      return { repinned: event.generation, positions: event.positions.map(at), revoked: event.revoked.map(at) };
    case 'batch':
      return { batch: at(event), values: event.records.map((record) => record.value?.toString() ?? null) };
  }
}

const ready = (...positions: string[]): Seen => ({ ready: positions });
const repinned = (generation: number, positions: string[], revoked: string[] = []): Seen => ({
  repinned: generation,
  positions,
  revoked,
});
const batch = (partition: string, ...values: string[]): Seen => ({ batch: partition, values });

const privately = (topic: string, startAt?: 'earliest'): ConsumerSubscription => ({
  topics: [topic],
  groupId: `private-${topic}`,
  membership: 'private',
  startAt,
});
const shared = (topic: string, groupId: string, acknowledge = false): ConsumerSubscription => ({
  topics: [topic],
  groupId,
  membership: 'shared',
  acknowledge,
});

const value = (topic: string, partition: number, text: string): OutgoingRecord => ({ topic, partition, value: text });

/** The kind of the error that ended a stream, as a final value. */
function errorKind<T>(): OperatorFunction<T, T | string> {
  return catchError((error: unknown) => of(isPubScribeError(error) ? `error:${error.kind}` : 'error:foreign'));
}

describe('inMemoryTransport (marbles)', () => {
  let scheduler: TestScheduler;
  /** Produces `records` at `frame` of the virtual timeline, ignoring the promise. */
  let produceAt: (transport: InMemoryTransport, frame: number, ...records: OutgoingRecord[]) => void;

  beforeEach(() => {
    scheduler = testScheduler();
    produceAt = (transport, frame, ...records) => {
      scheduler.schedule(() => void transport.produce(records), frame);
    };
  });

  describe('start-up window', () => {
    it('is ready after readyDelay, positioned at the log end seen at subscribe; older records are not delivered', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 2 }, scheduler, readyDelay: 3 });
        void transport.produce([value('jobs', 0, 'old'), value('jobs', 0, 'older')]);
        const events = transport.consume(privately('jobs')).pipe(map(seen));
        expectObservable(events, '^------!').toBe('---r---', { r: ready('jobs/0@2', 'jobs/1@0') });
      });
    });

    it('ready carries the timeline in scheduler time: the start-up window lies between the join and the assignment', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler, readyDelay: 3 });
        const timelines = transport
          .consume(privately('jobs'))
          .pipe(map((event) => (event.type === 'ready' ? event.timeline : undefined)));
        expectObservable(timelines, '-^-----!').toBe('----t--', {
          t: { subscribedAt: 1, logEndsReadAt: 1, joinStartedAt: 1, assignedAt: 4, positionedAt: 4, readyAt: 4 },
        });
      });
    });

    it("with startAt 'earliest', is positioned at the log start and delivers older records after ready", () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 2 }, scheduler, readyDelay: 3 });
        void transport.produce([value('jobs', 0, 'old'), value('jobs', 0, 'older')]);
        const events = transport.consume(privately('jobs', 'earliest')).pipe(map(seen));
        expectObservable(events, '^------!').toBe('---(rb)', {
          r: ready('jobs/0@0', 'jobs/1@0'),
          b: batch('jobs/0', 'old', 'older'),
        });
      });
    });

    it('delivers a record produced during the start-up window once ready, then later ones, a batch per partition', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const transport = inMemoryTransport({ topics: { jobs: 2 }, scheduler, readyDelay: 4 });
        const producer = cold('-e-------l|');
        producer.subscribe((which) => {
          if (which === 'e') void transport.produce([value('jobs', 1, 'early')]);
          else void transport.produce([value('jobs', 0, 'b'), value('jobs', 1, 'd'), value('jobs', 0, 'c')]);
        });
        const events = transport.consume(privately('jobs')).pipe(map(seen));
        expectObservable(events, '^------------!').toBe('----(ra)-(xy)', {
          r: ready('jobs/0@0', 'jobs/1@0'),
          a: batch('jobs/1', 'early'),
          x: batch('jobs/0', 'b', 'c'),
          y: batch('jobs/1', 'd'),
        });
        expectSubscriptions(producer.subscriptions).toBe('^---------!');
      });
    });

    it('a record still in flight at subscribe (deliveryDelay) is not in the positions and arrives when visible', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler, readyDelay: 1, deliveryDelay: 3 });
        void transport.produce([value('jobs', 0, 'in flight')]);
        expect(transport.records('jobs').map((record) => record.offset)).to.deep.equal(['0']);
        const events = transport.consume(privately('jobs')).pipe(map(seen));
        expectObservable(events, '-^----!').toBe('--rb', { r: ready('jobs/0@0'), b: batch('jobs/0', 'in flight') });
      });
    });

    it('uses asyncScheduler by default, which TestScheduler.run drives in virtual time', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { replies: 1 }, readyDelay: 3 });
        scheduler.schedule(() => void transport.produce([{ topic: 'replies', value: 'hi' }]), 1);
        const types = consume(transport, { topic: 'replies', codec: stringCodec }).pipe(map((event) => event.type));
        expectObservable(types).toBe('---(rm)', { r: 'ready', m: 'message' });
      });
    });
  });

  describe('consumer groups', () => {
    it('shared members split the partitions; a join and a leave re-pin, and moved partitions continue from committed offsets', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 2 }, scheduler, readyDelay: 1 });
        const first = transport.consume(shared('jobs', 'workers')).pipe(map(seen));
        const second = transport.consume(shared('jobs', 'workers')).pipe(map(seen));
        produceAt(transport, 5, value('jobs', 0, 'a'), value('jobs', 1, 'b'));
        produceAt(transport, 9, value('jobs', 0, 'c'));

        expectObservable(first, '^------!').toBe('-r-p-a-', {
          r: ready('jobs/0@0', 'jobs/1@0'),
          p: repinned(2, ['jobs/0@0'], ['jobs/1']),
          a: batch('jobs/0', 'a'),
        });
        // The second member's own start position for jobs/0 is 0 (the log end when it subscribed);
        // it continues at 1 because the first member committed 'a'.
        expectObservable(second, '--^--------!').toBe('---r-b-p-c-', {
          r: ready('jobs/1@0'),
          b: batch('jobs/1', 'b'),
          p: repinned(2, ['jobs/0@1', 'jobs/1@1']),
          c: batch('jobs/0', 'c'),
        });
      });
    });

    it('with acknowledge, an unacknowledged batch holds its partition and goes to the next owner', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler, readyDelay: 1 });
        const ackOnlyA = tap((event: TransportEvent) => {
          if (event.type === 'batch' && event.records[0]?.value?.toString() === 'a') event.ack();
        });
        const first = transport.consume(shared('jobs', 'workers', true)).pipe(ackOnlyA, map(seen));
        const second = transport.consume(shared('jobs', 'workers', true)).pipe(map(seen));
        produceAt(transport, 2, value('jobs', 0, 'a'));
        produceAt(transport, 3, value('jobs', 0, 'b'));
        produceAt(transport, 4, value('jobs', 0, 'c'));

        expectObservable(first, '^-----!').toBe('-rab--', {
          r: ready('jobs/0@0'),
          a: batch('jobs/0', 'a'),
          b: batch('jobs/0', 'b'),
        });
        expectObservable(second, '^--------!').toBe('-r----(pb)', {
          r: ready(),
          p: repinned(2, ['jobs/0@1']),
          b: batch('jobs/0', 'b', 'c'),
        });
      });
    });
  });

  describe('teardown', () => {
    it('unsubscribing removes the consumer; a member that leaves before ready never joins its group', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const transport = inMemoryTransport({ topics: { jobs: 2 }, scheduler, readyDelay: 3 });
        const stop = cold('-----x');
        const early = transport.consume(shared('jobs', 'workers')).pipe(map(seen));
        const stays = transport.consume(shared('jobs', 'workers')).pipe(map(seen), takeUntil(stop));
        const active = cold('-s-s--s|').pipe(map(() => String(transport.activeConsumers)));

        expectObservable(early, '^-!').toBe('---');
        // Alone in the group: every partition, and no re-pin when the early member goes.
        expectObservable(stays).toBe('---r-|', { r: ready('jobs/0@0', 'jobs/1@0') });
        expectSubscriptions(stop.subscriptions).toBe('^----!');
        expectObservable(active).toBe('-2-1--0|');
      });
    });
  });

  describe('failures', () => {
    it('a consumer of an unknown topic fails with a connection error', () => {
      scheduler.run(({ expectObservable }) => {
        const transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler });
        const events = transport.consume(privately('nope')).pipe(
          map((event) => event.type),
          errorKind(),
        );
        expectObservable(events).toBe('(c|)', { c: 'error:connection' });
      });
    });

    it('close() errors live consumers with a closed error; consume and produce fail after it', async () => {
      const transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler, readyDelay: 1 });
      scheduler.run(({ expectObservable }) => {
        const events = (subscription: ConsumerSubscription): Observable<string> =>
          transport.consume(subscription).pipe(
            map((event) => event.type),
            errorKind(),
          );
        scheduler.schedule(() => void transport.close(), 3);
        expectObservable(events(privately('jobs'))).toBe('-r-(c|)', { r: 'ready', c: 'error:closed' });
        expectObservable(events(privately('jobs')), '-----^').toBe('-----(c|)', { c: 'error:closed' });
      });
      expect(transport.activeConsumers).to.equal(0);
      const failure: unknown = await transport.produce([value('jobs', 0, 'late')]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isPubScribeError(failure) && failure.kind).to.equal('closed');
      expect(transport.records('jobs')).to.have.length(0);
    });

    it('produce to an unknown topic or partition rejects with a produce error and appends nothing', async () => {
      const transport = inMemoryTransport({ topics: { jobs: 2 } });
      const rejection = (records: OutgoingRecord[]) =>
        transport.produce(records).then(
          () => undefined,
          (error: unknown) => error,
        );

      const unknownTopic = await rejection([value('jobs', 0, 'a'), { topic: 'nope', value: 'b' }]);
      expect(isPubScribeError(unknownTopic) && unknownTopic.kind).to.equal('produce');
      expect(unknownTopic).to.include({ topic: 'nope', retriable: false });
      const unknownPartition = await rejection([value('jobs', 2, 'c')]);
      expect(isPubScribeError(unknownPartition) && unknownPartition.kind).to.equal('produce');
      expect(unknownPartition).to.include({ topic: 'jobs', partition: 2 });
      expect(transport.records('jobs')).to.have.length(0);

      transport.createTopic('nope');
      await transport.produce([{ topic: 'nope', value: 'now it exists' }]);
      expect(transport.records('nope').map((record) => record.value?.toString())).to.deep.equal(['now it exists']);
    });

    it("a record over its topic's max.message.bytes fails its call with record-too-large; other calls go on", async () => {
      const transport = inMemoryTransport({ topics: { small: 1, big: 1 }, maxMessageBytes: { small: 200 } });
      transport.createTopic('tiny', 1, { maxMessageBytes: 100 });
      const fits = { topic: 'small', value: 'x'.repeat(130) };
      const over = { topic: 'small', value: 'x'.repeat(131) };
      expect(recordBatchBytes(fits)).to.equal(200);
      const [ok, refused, big, tiny] = await Promise.allSettled([
        transport.produce([fits]),
        transport.produce([{ topic: 'small', value: 'sent with the poison' }, over]),
        transport.produce([{ topic: 'big', value: 'x'.repeat(1_000_000) }]),
        transport.produce([{ topic: 'tiny', value: 'x'.repeat(100) }]),
      ]);
      expect([ok.status, refused.status, big.status, tiny.status]).to.deep.equal([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
      ]);
      const error = refused.status === 'rejected' ? refused.reason : undefined;
      expect(isProduceError(error)).to.equal(true);
      expect(error).to.include({
        reason: 'record-too-large',
        recordBytes: 201,
        limitBytes: 200,
        limitName: 'max.message.bytes',
        retriable: false,
      });
      expect(tiny.status === 'rejected' ? tiny.reason : undefined).to.include({ limitBytes: 100 });
      // All or nothing per call, as before: the small record of the refused call was not appended.
      expect(transport.records('small').map((record) => record.value?.length)).to.deep.equal([130]);
      const everywhere = inMemoryTransport({ topics: { t: 1 }, maxMessageBytes: 1_000 });
      const overDefault = await everywhere.produce([{ topic: 't', value: 'x'.repeat(1_000) }]).catch((e: unknown) => e);
      expect(overDefault).to.include({ limitBytes: 1_000 });
      const defaults = inMemoryTransport({ topics: { t: 1 } });
      const overMiB = await defaults
        .produce([{ topic: 't', value: 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES) }])
        .catch((e: unknown) => e);
      expect(overMiB).to.include({ reason: 'record-too-large', limitBytes: DEFAULT_MAX_MESSAGE_BYTES });
    });

    it('bad options and arguments throw at once', () => {
      expect(() => inMemoryTransport({ maxMessageBytes: 0 })).to.throw(RangeError, /maxMessageBytes/);
      expect(() => inMemoryTransport({ maxMessageBytes: { t: 1.5 } })).to.throw(RangeError, /maxMessageBytes/);
      expect(() => inMemoryTransport({ readyDelay: -1 })).to.throw(RangeError, /readyDelay/);
      expect(() => inMemoryTransport({ deliveryDelay: Number.NaN })).to.throw(RangeError, /deliveryDelay/);
      expect(() => inMemoryTransport({ topics: { jobs: 0 } })).to.throw(RangeError, /jobs/);
      const transport = inMemoryTransport({ topics: { jobs: 2 } });
      expect(() => transport.createTopic('jobs', 2)).not.to.throw();
      expect(() => transport.createTopic('jobs', 3)).to.throw(TypeError, /2 partitions/);
      expect(() => transport.records('nope')).to.throw(TypeError, /nope/);
      expect(() => transport.consume({ topics: [], groupId: 'g', membership: 'private' })).to.throw(TypeError);
    });
  });

  describe('produce', () => {
    it('places keyed records where kafkajs puts them, unkeyed ones round robin, and reports placement like kafkajs', async () => {
      const transport = inMemoryTransport({ topics: { users: 4 } });
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
      }));
      for (const key of [
        'user-1',
        'user-2',
        'ünïcode',
        'seven77',
        'a-key-of-twenty-chars',
        '',
        Buffer.from([255, 0, 128]),
      ]) {
        const [placed] = await transport.produce([{ topic: 'users', key, value: 'v' }]);
        const expected = partitioner({ topic: 'users', partitionMetadata, message: { key, value: null } });
        expect(placed?.partition, `key ${JSON.stringify(key)}`).to.equal(expected);
      }

      const before = transport.records('users').length;
      const spread = await transport.produce([1, 2, 3, 4].map((n) => ({ topic: 'users', value: `${n}` })));
      expect(spread).to.deep.equal([1, 2, 3, 4].map(() => ({ topic: 'users' })));
      const unkeyed = transport.records('users').filter((record) => record.key === null);
      expect(unkeyed.map((record) => record.partition).sort()).to.deep.equal([0, 1, 2, 3]);
      expect(transport.records('users')).to.have.length(before + 4);

      const named = await transport.produce([
        { topic: 'users', partition: 3, value: 'x', headers: { trace: 'abc', raw: Buffer.from([1]) } },
        { topic: 'users', partition: 3, value: 'y' },
      ]);
      const base = named[0]?.offset;
      expect(named).to.deep.equal([
        { topic: 'users', partition: 3, offset: base },
        { topic: 'users', partition: 3, offset: base },
      ]);
      const partition3 = transport.records('users').filter((record) => record.partition === 3);
      expect(partition3.map((record) => record.offset)).to.deep.equal(partition3.map((_, index) => String(index)));
      const x = partition3.find((record) => record.value?.toString() === 'x');
      expect(x?.offset).to.equal(base);
      expect(x?.headers).to.deep.equal({ trace: Buffer.from('abc'), raw: Buffer.from([1]) });
    });

    it('stamps records with the scheduler time and copies their bytes', () => {
      const bytes = Buffer.from('before');
      let transport: InMemoryTransport | undefined;
      scheduler.run(() => {
        transport = inMemoryTransport({ topics: { jobs: 1 }, scheduler });
        produceAt(transport, 4, { topic: 'jobs', value: bytes });
      });
      bytes.write('after!');
      const [record] = transport?.records('jobs') ?? [];
      expect(record?.timestamp).to.equal('4');
      expect(record?.value?.toString()).to.equal('before');
    });
  });

  describe('through consume()', () => {
    it('decodes each record after ready; a bad record is a left and the stream goes on', () => {
      const transport = inMemoryTransport({ topics: { 'user-created': 1 }, scheduler, readyDelay: 3 });
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const User = t.type({ name: t.string });
        const producer = cold('-a-----b|', { a: '{"name":"Ada"}', b: '{oops' });
        producer.subscribe((json) => void transport.produce([{ topic: 'user-created', value: json }]));
        const described = consume(transport, { topic: 'user-created', codec: jsonCodec(User) }).pipe(
          map((event) =>
            isMessage(event)
              ? event.value._tag === 'Right'
                ? `user ${event.value.right.name} @${event.record.offset}`
                : `undecodable @${event.record.offset}`
              : event.type,
          ),
        );
        expectObservable(described, '^---------!').toBe('---(ru)b--', {
          r: 'ready',
          u: 'user Ada @0',
          b: 'undecodable @1',
        });
        expectSubscriptions(producer.subscriptions).toBe('^-------!');
      });
      expect(transport.activeConsumers).to.equal(0);
    });
  });
});
