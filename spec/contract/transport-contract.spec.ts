import { expect } from 'chai';
import { Subscription } from 'rxjs';
import { ClosedError, ConnectionError, isPubScribeError } from '../../lib/errors';
import { READY_TIMELINE_STEPS } from '../../lib/transport/ready-timeline';
import type { ConsumedRecord } from '../../lib/transport/records';
import type {
  BatchEvent,
  ConsumerSubscription,
  LeaseEvent,
  LeaseSubscription,
  ReadyEvent,
  RepinnedEvent,
  TransportEvent,
} from '../../lib/transport/transport';
import { uniqueName, withAdmin } from '../support/kafka-fixtures';
import { transportKinds, TransportUnderTest } from '../support/transport-kinds';
import { eventually } from '../support/test-transport';

/** Subscribes and records every event and the terminal error, if any. */
function watch(under: TransportUnderTest, subscription: ConsumerSubscription) {
  const events: TransportEvent[] = [];
  const state: { error?: unknown } = {};
  const handle = under.transport.consume(subscription).subscribe({
    next: (event) => events.push(event),
    error: (error: unknown) => (state.error = error),
  });
  const batches = () => events.filter((event): event is BatchEvent => event.type === 'batch');
  const records = (): ConsumedRecord[] => batches().flatMap((batch) => [...batch.records]);
  const ready = () => eventually(async () => events.some((event) => event.type === 'ready'), 30_000, 20);
  const readyEvent = () => events.find((event): event is ReadyEvent => event.type === 'ready')!;
  return { events, state, handle, batches, records, ready, readyEvent };
}

/**
 * One contract, every transport: the same tests run on kafkajs and @platformatic/kafka against the
 * real broker, and (where the behaviour is not Kafka's group protocol) on the in-memory test aid.
 */
for (const kind of transportKinds) {
  describe(`transport contract: ${kind.name}${kind.real ? ' (real broker)' : ' (in-memory test aid)'}`, () => {
    let under: TransportUnderTest;
    let subscriptions: Subscription;

    beforeEach(() => {
      under = kind.open();
      subscriptions = new Subscription();
    });

    afterEach(async () => {
      subscriptions.unsubscribe();
      await under.transport.close();
    });

    it('round trip: keys, values and headers arrive as Buffers on the partition produce reported', async () => {
      const topic = await under.topic('contract-roundtrip', 3);
      const consumer = watch(under, { topics: [topic], groupId: uniqueName('g'), membership: 'private' });
      subscriptions.add(consumer.handle);
      expect(await consumer.ready()).to.equal(true);
      const produced = await under.transport.produce([
        { topic, key: 'k-1', value: 'one', headers: { trace: 'abc', bytes: Buffer.from([0, 255]) } },
        { topic, key: Buffer.from('k-2'), value: Buffer.from('two') },
        { topic, key: null, value: 'three', partition: 2 },
      ]);
      expect(produced).to.have.length(3);
      expect(produced[2]).to.include({ topic, partition: 2 });
      expect(await eventually(async () => consumer.records().length >= 3, 20_000, 20)).to.equal(true);
      const byValue = new Map(consumer.records().map((record) => [record.value?.toString(), record]));
      const one = byValue.get('one')!;
      expect(Buffer.isBuffer(one.key) && one.key.toString()).to.equal('k-1');
      expect(Buffer.isBuffer(one.headers['trace']) && one.headers['trace'].toString()).to.equal('abc');
      expect(one.headers['bytes']).to.deep.equal(Buffer.from([0, 255]));
      expect(byValue.get('two')?.key?.toString()).to.equal('k-2');
      expect(byValue.get('three')).to.include({ key: null, partition: 2 });
      // Where produce said it placed a record is where it is read.
      for (const [index, value] of ['one', 'two', 'three'].entries()) {
        if (produced[index]!.partition !== undefined) {
          expect(byValue.get(value)?.partition, value).to.equal(produced[index]!.partition);
        }
      }
      expect(consumer.records()).to.have.length(3);
      expect(consumer.state.error).to.equal(undefined);
    });

    it('ready means positioned: a record produced the moment ready is seen is delivered, and nothing older', async () => {
      const topic = await under.topic('contract-ready', 2);
      await under.transport.produce([{ topic, key: 'old', value: 'before-subscribe' }]);
      const consumer = under.transport.consume({ topics: [topic], groupId: uniqueName('g'), membership: 'private' });
      const values: string[] = [];
      let afterReady: Promise<unknown> | undefined;
      subscriptions.add(
        consumer.subscribe((event) => {
          if (event.type === 'ready') {
            expect(event.positions.map((position) => position.partition).sort()).to.deep.equal([0, 1]);
            afterReady = under.transport.produce([
              { topic, key: 'a', value: 'right-after-ready', partition: 0 },
              { topic, key: 'b', value: 'right-after-ready', partition: 1 },
            ]);
          }
          if (event.type === 'batch') values.push(...event.records.map((record) => record.value!.toString()));
        }),
      );
      expect(await eventually(async () => afterReady !== undefined, 30_000, 20)).to.equal(true);
      await afterReady;
      expect(await eventually(async () => values.length >= 2, 20_000, 20)).to.equal(true);
      expect(values).to.deep.equal(['right-after-ready', 'right-after-ready']);
    });

    it('ready carries its timeline: each step of the start in order, inside the wall-clock window of the test', async () => {
      const topic = await under.topic('contract-timeline', 2);
      const before = Date.now();
      const consumers = (['private', 'shared'] as const).map((membership) =>
        watch(under, { topics: [topic], groupId: uniqueName('g'), membership }),
      );
      for (const consumer of consumers) subscriptions.add(consumer.handle);
      for (const consumer of consumers) expect(await consumer.ready()).to.equal(true);
      const after = Date.now();
      for (const consumer of consumers) {
        const timeline = consumer.readyEvent().timeline;
        expect(timeline).to.not.equal(undefined);
        const moments = READY_TIMELINE_STEPS.map((step) => timeline![step]);
        expect(moments, READY_TIMELINE_STEPS.join(' <= ')).to.deep.equal([...moments].sort((a, b) => a - b));
        expect(timeline!.subscribedAt).to.be.at.least(before);
        // Date.now() counts whole milliseconds; the transports' moments may fall inside the last one.
        expect(timeline!.readyAt).to.be.at.most(after + 1);
      }
    });

    it('a closed transport refuses produce and consume with ClosedError', async () => {
      const topic = await under.topic('contract-closed', 1);
      await under.transport.close();
      const produced = await under.transport.produce([{ topic, value: 'x' }]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(produced).to.be.instanceOf(ClosedError);
      const consumer = watch(under, { topics: [topic], groupId: uniqueName('g'), membership: 'private' });
      subscriptions.add(consumer.handle);
      expect(consumer.state.error).to.be.instanceOf(ClosedError);
      expect(consumer.events).to.deep.equal([]);
    });

    it('maxUnacknowledged: a partition at its bound delivers nothing more until a record is acknowledged', async function () {
      this.timeout(60_000);
      const topic = await under.topic('contract-bound', 1);
      const consumer = watch(under, {
        topics: [topic],
        groupId: uniqueName('bound'),
        membership: 'shared',
        acknowledge: true,
        maxUnacknowledged: 1,
      });
      subscriptions.add(consumer.handle);
      expect(await consumer.ready()).to.equal(true);
      await under.transport.produce([{ topic, value: 'first', partition: 0 }]);
      expect(await eventually(async () => consumer.records().length === 1, 20_000, 20)).to.equal(true);
      await under.transport.produce([2, 3, 4].map((n) => ({ topic, value: `r${n}`, partition: 0 })));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(consumer.records().map((record) => record.value!.toString())).to.deep.equal(['first']);
      const [batch] = consumer.batches();
      batch!.ack();
      expect(await eventually(async () => consumer.records().length === 4, 20_000, 20)).to.equal(true);
      expect(consumer.records().map((record) => record.value!.toString())).to.deep.equal(['first', 'r2', 'r3', 'r4']);
    });

    it('partitions: only the named partitions are positioned and read, from the moment ready is seen', async function () {
      this.timeout(60_000);
      const topic = await under.topic('contract-named', 4);
      await under.transport.produce([0, 1, 2, 3].map((partition) => ({ topic, value: 'before', partition })));
      const everything = watch(under, { topics: [topic], groupId: uniqueName('all'), membership: 'private' });
      subscriptions.add(everything.handle);
      expect(await everything.ready()).to.equal(true);
      const named = under.transport.consume({
        topics: [topic],
        groupId: uniqueName('named'),
        membership: 'private',
        partitions: [3, 1],
      });
      const events: TransportEvent[] = [];
      let afterReady: Promise<unknown> | undefined;
      subscriptions.add(
        named.subscribe((event) => {
          events.push(event);
          if (event.type === 'ready') {
            afterReady = under.transport.produce(
              [0, 1, 2, 3, 0, 1, 2, 3].map((partition, n) => ({ topic, value: `after-${n}`, partition })),
            );
          }
        }),
      );
      expect(await eventually(async () => afterReady !== undefined, 30_000, 20)).to.equal(true);
      await afterReady;
      const ready = events.find((event): event is ReadyEvent => event.type === 'ready')!;
      expect(ready.positions.map((position) => position.partition).sort()).to.deep.equal([1, 3]);
      const read = () =>
        events.flatMap((event) => (event.type === 'batch' ? event.records.map((record) => record) : []));
      // Everything produced after ready has reached a consumer of the whole topic by now.
      expect(await eventually(async () => everything.records().length >= 8, 20_000, 20)).to.equal(true);
      expect(await eventually(async () => read().length >= 4, 20_000, 20)).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, kind.real ? 500 : 10));
      expect(
        read()
          .map((record) => `${record.partition}:${record.value!.toString()}`)
          .sort(),
      ).to.deep.equal(['1:after-1', '1:after-5', '3:after-3', '3:after-7']);
      expect(events.filter((event) => event.type === 'repinned')).to.deep.equal([]);
    });

    it("partitions: one the topic does not have is a ConnectionError (reason 'unknown-partition'), never ready", async function () {
      this.timeout(60_000);
      const topic = await under.topic('contract-named-missing', 2);
      const consumer = watch(under, {
        topics: [topic],
        groupId: uniqueName('g'),
        membership: 'private',
        partitions: [1, 5],
      });
      subscriptions.add(consumer.handle);
      expect(await eventually(async () => consumer.state.error !== undefined, 30_000, 20)).to.equal(true);
      const error = consumer.state.error;
      expect(error).to.be.instanceOf(ConnectionError);
      expect(error).to.include({ reason: 'unknown-partition', retriable: false, topic, partition: 5 });
      expect((error as Error).message).to.contain('(the topic has 2)');
      expect((error as Error).message).to.contain('add partitions');
      expect(consumer.events).to.deep.equal([]);
    });

    it('partitions: an invalid list throws from consume at once, before anything is started', async () => {
      const topic = await under.topic('contract-named-invalid', 2);
      const base = { topics: [topic], groupId: uniqueName('g') } as const;
      const attempt = (subscription: ConsumerSubscription) => () => under.transport.consume(subscription);
      expect(attempt({ ...base, membership: 'private', partitions: [] })).to.throw(RangeError, /is empty/);
      expect(attempt({ ...base, membership: 'private', partitions: [-1] })).to.throw(
        RangeError,
        /whole numbers from 0/,
      );
      expect(attempt({ ...base, membership: 'private', partitions: [0.5] })).to.throw(RangeError, /whole numbers/);
      expect(attempt({ ...base, membership: 'private', partitions: [1, 0, 1] })).to.throw(
        RangeError,
        /partition 1 twice/,
      );
      const notNumbers = ['1'] as unknown as readonly number[];
      expect(attempt({ ...base, membership: 'private', partitions: notNumbers })).to.throw(TypeError, /numbers/);
      expect(attempt({ ...base, membership: 'shared', partitions: [0] })).to.throw(TypeError, /membership: 'private'/);
      expect(attempt({ ...base, topics: [topic, topic], membership: 'private', partitions: [0] })).to.throw(
        TypeError,
        /exactly one topic/,
      );
    });

    describe('lease (a consumer group for coordination only)', () => {
      /** Joins a lease group and keeps every event and the terminal error, if any. */
      const join = (subscription: LeaseSubscription) => {
        const events: LeaseEvent[] = [];
        const state: { error?: unknown } = {};
        const handle = under.transport.lease!(subscription).subscribe({
          next: (event) => events.push(event),
          error: (error: unknown) => (state.error = error),
        });
        subscriptions.add(handle);
        const held = () => events[events.length - 1]?.partitions;
        return { events, state, handle, held };
      };

      beforeEach(function () {
        if (!under.transport.lease) this.skip();
      });

      it('members share the partitions out, a member that leaves hands its partitions on, and nothing is read or committed', async function () {
        this.timeout(90_000);
        const topic = await under.topic('contract-lease', 4);
        await under.transport.produce([0, 1, 2, 3].map((partition) => ({ topic, value: 'ignored', partition })));
        const groupId = uniqueName('leases');
        const subscription: LeaseSubscription = { topic, groupId, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 200 };
        const a = join(subscription);
        expect(await eventually(async () => a.held()?.length === 4, 30_000, 20), 'A alone holds all').to.equal(true);
        expect(a.events[0]).to.deep.equal({ type: 'leases', generation: 1, partitions: [0, 1, 2, 3] });

        const b = join(subscription);
        const split = () => {
          const both = [...(a.held() ?? []), ...(b.held() ?? [])].sort();
          return (a.held()?.length ?? 0) > 0 && (b.held()?.length ?? 0) > 0 && both.join() === '0,1,2,3';
        };
        expect(await eventually(async () => split(), 30_000, 20), JSON.stringify([a.events, b.events])).to.equal(true);
        expect(a.events.map((event) => event.generation)).to.deep.equal(a.events.map((_, index) => index + 1));

        b.handle.unsubscribe();
        expect(await eventually(async () => a.held()?.length === 4, 30_000, 20), 'A holds all again').to.equal(true);
        expect(a.state.error ?? b.state.error).to.equal(undefined);
        if (kind.real) {
          const committed = await withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
          expect(committed[0]!.partitions.map((partition) => partition.offset)).to.deep.equal(['-1', '-1', '-1', '-1']);
        }
      });

      it("a topic that does not exist is a ConnectionError (reason 'unknown-topic')", async function () {
        this.timeout(60_000);
        const lease = join({ topic: uniqueName('contract-lease-missing'), groupId: uniqueName('leases') });
        expect(await eventually(async () => lease.state.error !== undefined, 45_000, 50)).to.equal(true);
        expect(lease.state.error).to.be.instanceOf(ConnectionError);
        expect(lease.state.error).to.include({ reason: 'unknown-topic', retriable: false });
        expect(lease.events).to.deep.equal([]);
      });
    });

    if (!kind.real) return;

    it('an unknown topic is a typed ConnectionError (unknown-topic), for produce and for consume', async function () {
      this.timeout(60_000);
      const missing = uniqueName('contract-missing');
      const produced = await under.transport.produce([{ topic: missing, value: 'x' }]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(produced).to.be.instanceOf(ConnectionError);
      expect(produced).to.include({ reason: 'unknown-topic', retriable: false });
      const consumer = watch(under, { topics: [missing], groupId: uniqueName('g'), membership: 'private' });
      subscriptions.add(consumer.handle);
      expect(await eventually(async () => consumer.state.error !== undefined, 45_000, 50)).to.equal(true);
      expect(isPubScribeError(consumer.state.error)).to.equal(true);
      expect(consumer.state.error).to.be.instanceOf(ConnectionError);
      expect(consumer.state.error).to.include({ reason: 'unknown-topic' });
      expect(consumer.events.some((event) => event.type === 'ready')).to.equal(false);
    });

    it('a second member joins a shared group: the first re-pins, and every record after is delivered exactly once', async function () {
      this.timeout(90_000);
      const topic = await under.topic('contract-rebalance', 4);
      const groupId = uniqueName('shared');
      const options: ConsumerSubscription = {
        topics: [topic],
        groupId,
        membership: 'shared',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 300,
      };
      const a = watch(under, options);
      subscriptions.add(a.handle);
      expect(await a.ready()).to.equal(true);
      await under.transport.produce(
        Array.from({ length: 8 }, (_, n) => ({ topic, value: `early-${n}`, partition: n % 4 })),
      );
      expect(await eventually(async () => a.records().length >= 8, 20_000, 20)).to.equal(true);

      const b = watch(under, options);
      subscriptions.add(b.handle);
      expect(await b.ready()).to.equal(true);
      const repins = () => a.events.filter((event): event is RepinnedEvent => event.type === 'repinned');
      expect(await eventually(async () => repins().length >= 1, 30_000, 20), 'A re-pinned').to.equal(true);
      const repinned = repins()[repins().length - 1]!;
      const ownedByB = b.readyEvent().positions;
      expect(repinned.positions.length + ownedByB.length).to.equal(4);
      expect(repinned.revoked.length).to.be.greaterThan(0);
      // A kept partition continues where A was, not at a later log end.
      for (const position of repinned.positions) {
        const readThere = a.records().filter((record) => record.partition === position.partition);
        expect(position.offset, `partition ${position.partition}`).to.equal(String(readThere.length));
      }

      await under.transport.produce(
        Array.from({ length: 40 }, (_, n) => ({ topic, value: `late-${n}`, partition: n % 4 })),
      );
      const late = () =>
        [...a.records(), ...b.records()].filter((record) => record.value!.toString().startsWith('late-'));
      expect(await eventually(async () => late().length >= 40, 30_000, 20)).to.equal(true);
      expect(new Set(late().map((record) => record.value!.toString())).size).to.equal(40);
      expect(late()).to.have.length(40);
      expect(a.state.error ?? b.state.error).to.equal(undefined);
    });

    it('acknowledged one by one: the group commits its first unacknowledged record, and the next member starts there', async function () {
      this.timeout(90_000);
      const topic = await under.topic('contract-ack', 1);
      const groupId = uniqueName('acks');
      const options: ConsumerSubscription = {
        topics: [topic],
        groupId,
        membership: 'shared',
        acknowledge: true,
        maxUnacknowledged: 10,
      };
      const first = watch(under, options);
      subscriptions.add(first.handle);
      expect(await first.ready()).to.equal(true);
      const base = BigInt(first.readyEvent().positions[0]!.offset);
      await under.transport.produce(Array.from({ length: 5 }, (_, n) => ({ topic, value: `r${n}`, partition: 0 })));
      expect(await eventually(async () => first.records().length >= 5, 20_000, 20)).to.equal(true);
      const batches = first.batches();
      const find = (value: string) => {
        for (const batch of batches) {
          const record = batch.records.find((candidate) => candidate.value!.toString() === value);
          if (record) return { batch, record };
        }
        throw new Error(`no ${value}`);
      };
      for (const value of ['r0', 'r1', 'r3', 'r4']) {
        const { batch, record } = find(value);
        batch.ackRecord(record);
      }
      const committed = () =>
        withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [topic] })).then(
          (answer) => answer[0]!.partitions[0]!.offset,
        );
      const expected = (base + 2n).toString();
      expect(await eventually(async () => (await committed()) === expected, 20_000, 100), 'commits r2').to.equal(true);
      first.handle.unsubscribe();

      const next = watch(under, options);
      subscriptions.add(next.handle);
      expect(await next.ready()).to.equal(true);
      expect(next.readyEvent().positions[0]!.offset).to.equal(expected);
      expect(await eventually(async () => next.records().length >= 3, 20_000, 20)).to.equal(true);
      expect(next.records().map((record) => record.value!.toString())).to.deep.equal(['r2', 'r3', 'r4']);
    });
  });
}
