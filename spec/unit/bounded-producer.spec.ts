import { expect } from 'chai';
import * as fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { isClosedError, isConnectionError, isProduceError, ProduceError, type PubScribeError } from '../../lib/errors';
import { BoundedProducer, type BoundedProducerOptions } from '../../lib/transport/bounded-producer/bounded-producer';
import type {
  AppendedBatch,
  BatchRecord,
  ProducerClient,
  SendFailure,
  TopicFactsSource,
  TopicLesson,
} from '../../lib/transport/bounded-producer/producer-client';
import { produceRetry } from '../../lib/transport/bounded-producer/produce-retry';
import { RECORD_BATCH_OVERHEAD, recordBodyBytes, recordBytesAt } from '../../lib/transport/record-size';
import type { OutgoingRecord } from '../../lib/transport/records';
import { MissingTopics } from '../../lib/transport/topic-health';

/** The fake client's form of a record: the record itself, its partition set once chosen. */
interface FakeMessage {
  readonly record: OutgoingRecord;
  key?: Buffer | string | null;
  partition?: number | null;
}

/** One send the fake client saw: when (virtual time), and each record as topic/partition: value. */
interface Sent {
  readonly at: number;
  readonly records: readonly { readonly where: string; readonly value: string; readonly record: OutgoingRecord }[];
}

/** A client failure the fake classifier reads back. */
class FakeFailure extends Error {
  constructor(readonly failure: SendFailure) {
    super(`broker says ${failure}`);
  }
}

/**
 * A `ProducerClient` whose broker answers each send as `answer` says (undefined: accepted), after a
 * macrotask, so sends overlap as with a real client.
 */
class FakeClient implements ProducerClient<FakeMessage> {
  readonly sent: Sent[] = [];
  inFlight = 0;
  maxInFlight = 0;
  connects = 0;
  disconnects = 0;

  constructor(
    private readonly scheduler: VirtualTimeScheduler,
    private readonly answer: (sent: Sent, attempt: number) => SendFailure | undefined = () => undefined,
  ) {}

  connect(): Promise<void> {
    this.connects += 1;
    return Promise.resolve();
  }

  message(record: OutgoingRecord): FakeMessage {
    return { record, key: record.key, partition: record.partition };
  }

  async send(batch: readonly BatchRecord<FakeMessage>[]): Promise<readonly AppendedBatch[]> {
    const sent: Sent = {
      at: this.scheduler.now(),
      records: batch.map(({ topic, partition, message }) => ({
        where: `${topic.name}/${partition}`,
        value: String(message.record.value),
        record: message.record,
      })),
    };
    this.sent.push(sent);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const failure = this.answer(sent, this.sent.length);
      if (failure !== undefined) throw new FakeFailure(failure);
      const wheres = [...new Set(sent.records.map((record) => record.where))];
      return wheres.map((where) => {
        const [topicName, partition] = where.split('/');
        return { topicName: topicName!, partition: Number(partition), baseOffset: String(this.sent.length) };
      });
    } finally {
      this.inFlight -= 1;
    }
  }

  classify(error: unknown): SendFailure {
    return error instanceof FakeFailure ? error.failure : 'fatal';
  }

  produceError(error: unknown, topic: string): PubScribeError {
    return new ProduceError({ topic, retriable: false, cause: error });
  }

  disconnect(): Promise<void> {
    this.disconnects += 1;
    return Promise.resolve();
  }
}

/** Topic facts as given: every topic exists with `partitions` partitions (default 1) and `maxMessageBytes`. */
function facts(
  topics: Readonly<Record<string, { partitions?: number; maxMessageBytes?: number; missing?: boolean }>>,
): TopicFactsSource<number> & { readonly learned: string[] } {
  const learned: string[] = [];
  return {
    learned,
    learn: async (topic): Promise<TopicLesson<number>> => {
      learned.push(topic);
      const known = topics[topic] ?? {};
      if (known.missing) return { found: false, error: new FakeFailure('unknown-topic') };
      const partitions = Array.from({ length: known.partitions ?? 1 }, (_, id) => id);
      return {
        found: true,
        complete: true,
        facts: { maxMessageBytes: known.maxMessageBytes ?? 1_048_588, partitions, available: partitions },
      };
    },
    disconnect: async () => undefined,
  };
}

/** Lets promises and the fake broker's macrotasks run, without moving virtual time. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs everything until `done` settles: promises and sends, then the next virtual-time action (a
 * back-off), in turn. Virtual time moves only to the actions due, never past them.
 */
async function runUntil<T>(scheduler: VirtualTimeScheduler, done: Promise<T>): Promise<T> {
  let finished = false;
  const watched = done.finally(() => {
    finished = true;
  });
  watched.catch(() => undefined);
  for (let steps = 0; steps < 10_000 && !finished; steps += 1) {
    await settle();
    if (finished) break;
    const next = scheduler.actions[0];
    if (next === undefined) continue;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  return watched;
}

const outcome = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value, error: undefined }),
    (error: unknown) => ({ ok: false as const, value: undefined, error }),
  );

function producer(
  scheduler: VirtualTimeScheduler,
  client: FakeClient,
  source: TopicFactsSource<number>,
  options: Partial<BoundedProducerOptions<FakeMessage, number>> = {},
) {
  return new BoundedProducer<FakeMessage, number>(client, source, new MissingTopics(scheduler, 10_000), {
    scheduler,
    maxRequestBytes: 1 << 20,
    retry: produceRetry({ initialBackoffMs: 100, maxBackoffMs: 5_000, budgetMs: 30_000 }),
    ...options,
  });
}

describe('BoundedProducer (any client, behind the ProducerClient port)', () => {
  let scheduler: VirtualTimeScheduler;

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
  });

  describe('retries within the deadline, in virtual time', () => {
    it('retries a failure that usually passes after 100, 200 and 400 ms, then the broker accepts', async () => {
      const client = new FakeClient(scheduler, (_, attempt) => (attempt <= 3 ? 'retriable' : undefined));
      const bounded = producer(scheduler, client, facts({}));
      const [placed] = await runUntil(scheduler, bounded.produce([{ topic: 't', value: 'v' }], { deadline: 10_000 }));
      expect(placed).to.include({ topic: 't', partition: 0 });
      expect(client.sent.map((sent) => sent.at)).to.deep.equal([0, 100, 300, 700]);
    });

    it('caps the back-off at maxBackoffMs', async () => {
      const client = new FakeClient(scheduler, (_, attempt) => (attempt <= 5 ? 'retriable' : undefined));
      const bounded = producer(scheduler, client, facts({}), {
        retry: produceRetry({ initialBackoffMs: 100, maxBackoffMs: 250 }),
      });
      await runUntil(scheduler, bounded.produce([{ topic: 't', value: 'v' }], { deadline: 10_000 }));
      expect(client.sent.map((sent) => sent.at)).to.deep.equal([0, 100, 300, 550, 800, 1050]);
    });

    it('never sends after the deadline: a retry that would start at or after it fails before it, with the last cause', async () => {
      const client = new FakeClient(scheduler, () => 'retriable');
      const bounded = producer(scheduler, client, facts({}));
      const result = await runUntil(
        scheduler,
        outcome(bounded.produce([{ topic: 't', value: 'v' }], { deadline: 1_000 })),
      );
      expect(client.sent.map((sent) => sent.at)).to.deep.equal([0, 100, 300, 700]);
      expect(scheduler.now(), 'failed at the last try, before the deadline').to.equal(700);
      expect(result.ok).to.equal(false);
      expect(isProduceError(result.error)).to.equal(true);
      expect(result.error).to.include({ reason: 'retries-exhausted', retriable: true, attempts: 4 });
      expect((result.error as { cause: unknown }).cause).to.be.instanceOf(FakeFailure);
    });

    it('without a deadline, the retry budget bounds the retries', async () => {
      const client = new FakeClient(scheduler, () => 'retriable');
      const bounded = producer(scheduler, client, facts({}), {
        retry: produceRetry({ initialBackoffMs: 100, maxBackoffMs: 100, budgetMs: 450 }),
      });
      const result = await runUntil(scheduler, outcome(bounded.produce([{ topic: 't', value: 'v' }])));
      // The budget makes the deadline 450: the try at 400 is the last that starts before it.
      expect(client.sent.map((sent) => sent.at)).to.deep.equal([0, 100, 200, 300, 400]);
      expect(result.error).to.include({ reason: 'retries-exhausted', attempts: 5 });
    });

    it('records with different deadlines in one failed batch: each stops at its own', async () => {
      const client = new FakeClient(scheduler, (_, attempt) => (attempt <= 3 ? 'retriable' : undefined));
      const bounded = producer(scheduler, client, facts({}));
      const short = outcome(bounded.produce([{ topic: 't', value: 'short' }], { deadline: 250 }));
      const long = outcome(bounded.produce([{ topic: 't', value: 'long' }], { deadline: 10_000 }));
      const [shortResult, longResult] = await runUntil(scheduler, Promise.all([short, long]));
      expect(shortResult.error).to.include({ reason: 'retries-exhausted', attempts: 2 });
      expect(longResult.ok).to.equal(true);
      expect(client.sent.map((sent) => sent.records.map((record) => record.value))).to.deep.equal([
        ['short', 'long'],
        ['short', 'long'],
        ['long'],
        ['long'],
      ]);
    });

    it('closing during a back-off fails the waiting records with a ClosedError at once', async () => {
      const client = new FakeClient(scheduler, () => 'retriable');
      const bounded = producer(scheduler, client, facts({}));
      const pending = outcome(bounded.produce([{ topic: 't', value: 'v' }], { deadline: 60_000 }));
      await settle();
      expect(scheduler.actions, 'a back-off is scheduled').to.have.length(1);
      await bounded.disconnect();
      expect(isClosedError((await pending).error)).to.equal(true);
      expect(scheduler.actions.filter((action) => !action.closed)).to.have.length(0);
      expect(client.disconnects).to.equal(1);
    });
  });

  describe('size caps', () => {
    it('keeps every partition batch within max.message.bytes and every request within maxRequestBytes, in order, each record once', async () => {
      const limit = 4_096;
      const maxRequestBytes = 12_000;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              topic: fc.constantFrom('a', 'b'),
              partition: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
              key: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
              size: fc.integer({ min: 0, max: 3_900 }),
            }),
            { minLength: 1, maxLength: 120 },
          ),
          async (specs) => {
            const client = new FakeClient(scheduler);
            const bounded = producer(
              scheduler,
              client,
              facts({ a: { partitions: 3, maxMessageBytes: limit }, b: { partitions: 3, maxMessageBytes: limit } }),
              { maxRequestBytes },
            );
            const records = specs.map(({ topic, partition, key, size }, n): OutgoingRecord => ({
              topic,
              partition,
              key,
              value: `${n}:${'x'.repeat(size)}`,
            }));
            const results = await runUntil(
              scheduler,
              Promise.all(records.map((record) => outcome(bounded.produce([record])))),
            );
            expect(results.every((result) => result.ok)).to.equal(true);
            const seen = new Map<string, string[]>();
            for (const sent of client.sent) {
              const batchBytes = new Map<string, number>();
              const counts = new Map<string, number>();
              for (const { where, value, record } of sent.records) {
                const index = counts.get(where) ?? 0;
                counts.set(where, index + 1);
                batchBytes.set(
                  where,
                  (batchBytes.get(where) ?? RECORD_BATCH_OVERHEAD) + recordBytesAt(recordBodyBytes(record), index),
                );
                seen.set(where, [...(seen.get(where) ?? []), value]);
              }
              // The request's own bytes, each topic's entry (name + 8) and each partition's (10).
              const topics = new Set([...batchBytes.keys()].map((where) => where.split('/')[0]!));
              let requestBytes = 1024 + [...topics].reduce((sum, topic) => sum + topic.length + 8, 0);
              for (const [where, bytes] of batchBytes) {
                expect(bytes, where).to.be.at.most(limit);
                requestBytes += bytes + 10;
              }
              expect(requestBytes).to.be.at.most(maxRequestBytes);
            }
            for (const [where, values] of seen) {
              const sequence = values.map(order);
              expect(sequence, `${where}: in the order produced`).to.deep.equal([...sequence].sort((x, y) => x - y));
            }
            const total = [...seen.values()].reduce((sum, values) => sum + values.length, 0);
            expect(total, 'each record sent once').to.equal(records.length);
            expect(new Set([...seen.values()].flat()).size).to.equal(records.length);
          },
        ),
        { numRuns: 30 },
      );
    });

    it('a record too large alone fails at once, unsent, naming its size and the limit; the others go', async () => {
      const client = new FakeClient(scheduler);
      const bounded = producer(scheduler, client, facts({ t: { maxMessageBytes: 1_000 } }));
      const [small, big, other] = await runUntil(
        scheduler,
        Promise.all([
          outcome(bounded.produce([{ topic: 't', value: 'small' }])),
          outcome(bounded.produce([{ topic: 't', value: 'x'.repeat(1_000) }])),
          outcome(bounded.produce([{ topic: 't', value: 'other' }])),
        ]),
      );
      expect([small.ok, big.ok, other.ok]).to.deep.equal([true, false, true]);
      expect(big.error).to.include({ reason: 'record-too-large', limitBytes: 1_000, limitName: 'max.message.bytes' });
      expect(client.sent.flatMap((sent) => sent.records.map((record) => record.value))).to.deep.equal([
        'small',
        'other',
      ]);
    });

    it('a record larger than the request limit fails at once, before its topic is even learned', async () => {
      const client = new FakeClient(scheduler);
      const source = facts({});
      const bounded = producer(scheduler, client, source, { maxRequestBytes: 4_096 });
      const result = await outcome(bounded.produce([{ topic: 't', value: 'x'.repeat(5_000) }]));
      expect(result.error).to.include({ reason: 'record-too-large', limitName: 'maxRequestBytes' });
      expect(client.sent).to.have.length(0);
    });

    it('a record naming a partition the topic does not have fails alone', async () => {
      const client = new FakeClient(scheduler);
      const bounded = producer(scheduler, client, facts({ t: { partitions: 2 } }));
      const [good, bad] = await runUntil(
        scheduler,
        Promise.all([
          outcome(bounded.produce([{ topic: 't', partition: 1, value: 'good' }])),
          outcome(bounded.produce([{ topic: 't', partition: 2, value: 'bad' }])),
        ]),
      );
      expect(good.value).to.deep.equal([{ topic: 't', partition: 1, offset: '1' }]);
      expect(bad.error).to.include({ reason: 'record-invalid', partition: 2 });
    });

    it('a partition added since the topic was learned: the topic is learned again and the record goes there', async () => {
      const client = new FakeClient(scheduler);
      const topics: Record<string, { partitions: number }> = { t: { partitions: 2 } };
      const source = facts(topics);
      const bounded = producer(scheduler, client, source);
      await runUntil(scheduler, bounded.produce([{ topic: 't', partition: 1, value: 'before' }]));
      // Minutes later, the topic has grown to 4 partitions; the producer's facts still say 2.
      topics.t = { partitions: 4 };
      scheduler.schedule(() => undefined, 60_000);
      scheduler.flush();
      const [added, old] = await runUntil(
        scheduler,
        Promise.all([
          outcome(bounded.produce([{ topic: 't', partition: 3, value: 'added' }])),
          outcome(bounded.produce([{ topic: 't', partition: 1, value: 'old' }])),
        ]),
      );
      expect(added.value).to.deep.equal([{ topic: 't', partition: 3, offset: String(client.sent.length) }]);
      expect(old.ok).to.equal(true);
      expect(source.learned).to.deep.equal(['t', 't']);
      // The record for a listed partition did not wait for the lookup.
      expect(client.sent[1]!.records.map((record) => record.value)).to.deep.equal(['old']);
    });

    it('a partition still unlisted after the topic is learned again fails alone; one lookup however many such records', async () => {
      const client = new FakeClient(scheduler);
      const source = facts({ t: { partitions: 2 } });
      const bounded = producer(scheduler, client, source);
      await runUntil(scheduler, bounded.produce([{ topic: 't', partition: 0, value: 'first' }]));
      scheduler.schedule(() => undefined, 60_000);
      scheduler.flush();
      const outcomes = await runUntil(
        scheduler,
        Promise.all([
          ...Array.from({ length: 50 }, (_, n) =>
            outcome(bounded.produce([{ topic: 't', partition: 7, value: `bad ${n}` }])),
          ),
          outcome(bounded.produce([{ topic: 't', partition: 1, value: 'good' }])),
        ]),
      );
      const bad = outcomes.slice(0, 50);
      expect(bad.every((result) => !result.ok && isProduceError(result.error))).to.equal(true);
      expect(bad[0]!.error).to.include({ reason: 'record-invalid', partition: 7, retriable: false });
      expect(String((bad[0]!.error as ProduceError).cause)).to.contain(
        "Topic 't' has no partition 7 (it has 2: 0 to 1)",
      );
      expect(outcomes[50]!.ok).to.equal(true);
      expect(source.learned).to.deep.equal(['t', 't']);
      // Right after, the facts are fresh: a record naming a missing partition fails without a lookup.
      const again = await runUntil(scheduler, outcome(bounded.produce([{ topic: 't', partition: 9, value: 'bad' }])));
      expect(again.error).to.include({ reason: 'record-invalid', partition: 9 });
      expect(source.learned).to.have.length(2);
    });

    it('at most maxInFlight batches are outstanding; the first record goes at once', async () => {
      const client = new FakeClient(scheduler);
      const bounded = producer(scheduler, client, facts({}), { maxInFlight: 2 });
      await runUntil(scheduler, bounded.produce([{ topic: 't', value: 'warm' }]));
      const waves: Promise<unknown>[] = [];
      for (let wave = 0; wave < 20; wave += 1) {
        waves.push(bounded.produce([{ topic: 't', value: `w${wave}` }]));
        await Promise.resolve();
        await Promise.resolve();
      }
      await runUntil(scheduler, Promise.all(waves));
      expect(client.maxInFlight).to.equal(2);
      expect(client.sent.length, 'records gathered while sends were in flight').to.be.below(21);
    });
  });

  describe('isolated failures', () => {
    it('a batch refused for one record is halved until only that record fails; the rest are acknowledged once', async () => {
      const client = new FakeClient(scheduler, (sent) =>
        sent.records.some((record) => record.value === 'poison') ? 'record' : undefined,
      );
      const bounded = producer(scheduler, client, facts({ t: { partitions: 2 } }));
      const values = Array.from({ length: 64 }, (_, n) => (n === 37 ? 'poison' : `v${n}`));
      const results = await runUntil(
        scheduler,
        Promise.all(values.map((value) => outcome(bounded.produce([{ topic: 't', key: value, value }])))),
      );
      expect(results.filter((result) => !result.ok)).to.have.length(1);
      expect(results[37]!.error).to.include({ reason: 'record-invalid', retriable: false, topic: 't' });
      const accepted = client.sent
        .filter((sent) => !sent.records.some((record) => record.value === 'poison'))
        .flatMap((sent) => sent.records.map((record) => record.value));
      expect(accepted.sort()).to.deep.equal(values.filter((value) => value !== 'poison').sort());
      expect(client.sent.length, 'a few halvings, not one send per record').to.be.at.most(2 + 2 * Math.log2(64));
    });

    it('a batch refused for size although it fit: the limit is learned again, records now too large fail alone', async () => {
      let limit = 100_000;
      const learned: string[] = [];
      const source: TopicFactsSource<number> = {
        learn: async (topic) => {
          learned.push(topic);
          return { found: true, complete: true, facts: { maxMessageBytes: limit, partitions: [0], available: [0] } };
        },
        disconnect: async () => undefined,
      };
      const client = new FakeClient(scheduler, (sent) =>
        sent.records.some((record) => recordBodyBytes(record.record) > limit) ? 'too-large' : undefined,
      );
      const bounded = producer(scheduler, client, source);
      await runUntil(scheduler, bounded.produce([{ topic: 't', value: 'warm' }]));
      limit = 2_000;
      const results = await runUntil(
        scheduler,
        Promise.all(
          [10, 3_000, 20, 5_000, 30].map((size) => outcome(bounded.produce([{ topic: 't', value: 'x'.repeat(size) }]))),
        ),
      );
      expect(results.map((result) => result.ok)).to.deep.equal([true, false, true, false, true]);
      for (const result of results.filter((result) => !result.ok)) {
        expect(result.error).to.include({ reason: 'record-too-large', limitBytes: 2_000 });
      }
      expect(learned).to.deep.equal(['t', 't']);
    });

    it('a topic the broker says is missing fails only its records; the batch is split by topic', async () => {
      const client = new FakeClient(scheduler, (sent) =>
        sent.records.some((record) => record.where.startsWith('gone/')) ? 'unknown-topic' : undefined,
      );
      const bounded = producer(scheduler, client, facts({}));
      await runUntil(
        scheduler,
        Promise.all([
          bounded.produce([{ topic: 'ok', value: 'warm' }]),
          bounded.produce([{ topic: 'gone', value: 'warm' }]),
        ]).catch(() => undefined),
      );
      const [ok, gone] = await runUntil(
        scheduler,
        Promise.all([
          outcome(bounded.produce([{ topic: 'ok', value: 'a' }])),
          outcome(bounded.produce([{ topic: 'gone', value: 'b' }])),
        ]),
      );
      expect(ok.ok).to.equal(true);
      expect(isConnectionError(gone.error), String(gone.error)).to.equal(true);
      expect(gone.error).to.include({ reason: 'unknown-topic', topic: 'gone' });
    });

    it('a topic learned missing: its records fail, and new ones fail at once until it is forgotten (virtual time)', async () => {
      const client = new FakeClient(scheduler);
      const source = facts({ gone: { missing: true } });
      const bounded = producer(scheduler, client, source);
      const first = await runUntil(scheduler, outcome(bounded.produce([{ topic: 'gone', value: 'a' }])));
      expect(isProduceError(first.error)).to.equal(true);
      const again = await outcome(bounded.produce([{ topic: 'gone', value: 'b' }]));
      expect(again.error).to.include({ reason: 'unknown-topic', topic: 'gone' });
      expect(source.learned, 'not learned again while remembered').to.deep.equal(['gone']);
      scheduler.frame = 10_001;
      await runUntil(scheduler, outcome(bounded.produce([{ topic: 'gone', value: 'c' }])));
      expect(source.learned, 'learned again once forgotten').to.deep.equal(['gone', 'gone']);
      expect(client.sent).to.have.length(0);
    });
  });
});

/** The sequence number a test record's value starts with. */
const order = (value: string): number => Number(value.slice(0, value.indexOf(':')));
