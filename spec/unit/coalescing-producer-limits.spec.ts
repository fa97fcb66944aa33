import { expect } from 'chai';
import * as fc from 'fast-check';
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { asyncScheduler } from 'rxjs';
import { isClosedError, isProduceError } from '../../lib/errors';
import { CoalescingProducer } from '../../lib/transport/kafkajs/coalescing-producer';
import { produceRetry } from '../../lib/transport/bounded-producer/produce-retry';
import { MissingTopics } from '../../lib/transport/topic-health';
import { RECORD_BATCH_OVERHEAD, recordBodyBytes, recordBytesAt } from '../../lib/transport/record-size';
import type { OutgoingRecord } from '../../lib/transport/records';
import { factsOf } from '../support/held-producer';

interface SentBatch {
  /** Per topic-partition, the values in the order sent. */
  readonly partitions: Map<string, string[]>;
  /** Per topic-partition, the record batch's size as Kafka encodes it. */
  readonly batchBytes: Map<string, number>;
}

/** A kafkajs producer whose broker answers each `sendBatch` as `answer` says (undefined: accepted). */
function scriptedProducer(answer: (batch: SentBatch, attempt: number) => Error | undefined = () => undefined) {
  const sent: SentBatch[] = [];
  const fake: Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({ topicMessages }: ProducerBatch) => {
      const partitions = new Map<string, string[]>();
      const batchBytes = new Map<string, number>();
      for (const { topic, messages } of topicMessages ?? []) {
        for (const message of messages) {
          const where = `${topic}/${message.partition}`;
          const values = partitions.get(where) ?? [];
          const index = values.length;
          values.push(String(message.value));
          partitions.set(where, values);
          const body = recordBodyBytes({
            topic,
            key: message.key,
            value: message.value,
            headers: message.headers as never,
          });
          batchBytes.set(where, (batchBytes.get(where) ?? RECORD_BATCH_OVERHEAD) + recordBytesAt(body, index));
        }
      }
      const batch = { partitions, batchBytes };
      sent.push(batch);
      await new Promise((resolve) => setImmediate(resolve));
      const error = answer(batch, sent.length);
      if (error) throw error;
      return [...partitions.keys()].map((where): RecordMetadata => {
        const [topicName, partition] = where.split('/');
        return { topicName: topicName!, partition: Number(partition), errorCode: 0, baseOffset: '0' };
      });
    },
  };
  // The producer only calls these three methods.
  return { producer: fake as unknown as Producer, sent };
}

/** A kafkajs protocol error as the broker's produce response turns into one. */
const protocolError = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('CoalescingProducer: bounded batches', () => {
  it('keeps every partition batch within max.message.bytes and every request within maxRequestBytes, in order, each record once', async () => {
    const limit = 4_096;
    const maxRequestBytes = 12_000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            topic: fc.constantFrom('a', 'b'),
            partition: fc.integer({ min: 0, max: 2 }),
            size: fc.integer({ min: 0, max: 3_900 }),
          }),
          { minLength: 1, maxLength: 150 },
        ),
        async (specs) => {
          const { producer, sent } = scriptedProducer();
          const coalescing = new CoalescingProducer(
            producer,
            factsOf({ a: { partitions: 3, maxMessageBytes: limit }, b: { partitions: 3, maxMessageBytes: limit } }),
            new MissingTopics(asyncScheduler),
            { scheduler: asyncScheduler, maxRequestBytes },
          );
          const records = specs.map(({ topic, partition, size }, n): OutgoingRecord => ({
            topic,
            partition,
            value: `${n}:${'x'.repeat(size)}`,
          }));
          const results = await Promise.all(records.map((record) => settle(coalescing.produce([record]))));
          expect(results.every((result) => result.ok)).to.equal(true);
          const seen = new Map<string, string[]>();
          for (const batch of sent) {
            let requestBytes = 1024;
            for (const [where, bytes] of batch.batchBytes) {
              expect(bytes, where).to.be.at.most(limit);
              requestBytes += bytes + 8 + 6 + 1;
            }
            expect(requestBytes).to.be.at.most(maxRequestBytes + 1024);
            for (const [where, values] of batch.partitions) seen.set(where, [...(seen.get(where) ?? []), ...values]);
          }
          for (const [where, values] of seen) {
            const expected = records
              .filter((record) => `${record.topic}/${record.partition}` === where)
              .map((record) => String(record.value));
            expect(values, `${where}: each record once, in order`).to.deep.equal(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a record too large alone fails at once, unsent, with its size and the limit; the others go', async () => {
    const { producer, sent } = scriptedProducer();
    const coalescing = new CoalescingProducer(
      producer,
      factsOf({ t: { maxMessageBytes: 1_000 } }),
      new MissingTopics(asyncScheduler),
      { scheduler: asyncScheduler, maxRequestBytes: 1 << 20 },
    );
    const [small, big, other] = await Promise.all([
      settle(coalescing.produce([{ topic: 't', value: 'small' }])),
      settle(coalescing.produce([{ topic: 't', value: 'x'.repeat(1_000) }])),
      settle(coalescing.produce([{ topic: 't', value: 'other' }])),
    ]);
    expect([small.ok, big.ok, other.ok]).to.deep.equal([true, false, true]);
    const error = big.ok ? undefined : big.error;
    expect(isProduceError(error)).to.equal(true);
    expect(error).to.include({
      reason: 'record-too-large',
      limitBytes: 1_000,
      limitName: 'max.message.bytes',
      retriable: false,
    });
    expect((error as { recordBytes: number }).recordBytes).to.equal(
      RECORD_BATCH_OVERHEAD + recordBytesAt(recordBodyBytes({ topic: 't', value: 'x'.repeat(1_000) }), 0),
    );
    expect((error as Error).message).to.match(/raise the topic's max\.message\.bytes/);
    expect(sent.flatMap((batch) => [...batch.partitions.values()].flat())).to.deep.equal(['small', 'other']);
  });
});

describe('CoalescingProducer: isolated failures', () => {
  it('the broker refuses a batch for one record: it is split until only that record fails', async () => {
    const { producer, sent } = scriptedProducer((batch) =>
      [...batch.partitions.values()].flat().includes('poison') ? protocolError('INVALID_RECORD', false) : undefined,
    );
    const coalescing = new CoalescingProducer(
      producer,
      factsOf({ t: { partitions: 2 } }),
      new MissingTopics(asyncScheduler),
      {
        scheduler: asyncScheduler,
        maxRequestBytes: 1 << 20,
      },
    );
    const values = Array.from({ length: 64 }, (_, n) => (n === 37 ? 'poison' : `v${n}`));
    const results = await Promise.all(
      values.map((value) => settle(coalescing.produce([{ topic: 't', key: value, value }]))),
    );
    expect(results.filter((result) => !result.ok)).to.have.length(1);
    const poison = results[37]!;
    expect(poison.ok ? undefined : poison.error).to.include({ reason: 'record-invalid', retriable: false, topic: 't' });
    expect(sent.length, 'a few halvings, not one send per record').to.be.at.most(2 + 2 * Math.ceil(Math.log2(64)));
  });

  it('refused for size though the estimate said it fits: the limit is learned again and the record fails alone', async () => {
    let limit = 100_000;
    const learned: string[] = [];
    const facts = {
      learn: async (topic: string) => {
        learned.push(topic);
        return { found: true as const, complete: true, facts: { maxMessageBytes: limit } };
      },
      disconnect: async () => undefined,
    };
    const { producer } = scriptedProducer((batch) =>
      [...batch.batchBytes.values()].some((bytes) => bytes > limit)
        ? protocolError('MESSAGE_TOO_LARGE', false)
        : undefined,
    );
    const coalescing = new CoalescingProducer(producer, facts, new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
    });
    await coalescing.produce([{ topic: 't', value: 'warm' }]);
    limit = 2_000;
    const results = await Promise.all(
      [10, 3_000, 20, 5_000, 30].map((size) => settle(coalescing.produce([{ topic: 't', value: 'x'.repeat(size) }]))),
    );
    expect(results.map((result) => result.ok)).to.deep.equal([true, false, true, false, true]);
    for (const result of results.filter((result) => !result.ok)) {
      expect(result.ok ? undefined : result.error).to.include({ reason: 'record-too-large', limitBytes: 2_000 });
    }
    expect(learned).to.deep.equal(['t', 't']);
  });
});

describe('CoalescingProducer: retries within the deadline', () => {
  const retry = produceRetry({ initialBackoffMs: 5, maxBackoffMs: 20, budgetMs: 10_000 });

  it('a failure that usually passes is retried with back-off until the broker accepts', async () => {
    const { producer, sent } = scriptedProducer((_, attempt) =>
      attempt <= 3 ? protocolError('NOT_LEADER_FOR_PARTITION', true) : undefined,
    );
    const coalescing = new CoalescingProducer(producer, factsOf({}), new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
      retry,
    });
    const started = Date.now();
    const [placed] = await coalescing.produce([{ topic: 't', value: 'v' }]);
    expect(placed).to.include({ topic: 't', partition: 0 });
    expect(sent).to.have.length(4);
    expect(Date.now() - started, 'waited 5 + 10 + 20 ms between tries').to.be.at.least(30);
  });

  it('never retries past the deadline: fails before it with retries-exhausted and the last cause', async () => {
    const { producer, sent } = scriptedProducer(() => protocolError('REQUEST_TIMED_OUT', true));
    const coalescing = new CoalescingProducer(producer, factsOf({}), new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
      retry,
    });
    const deadline = Date.now() + 100;
    const outcome = await settle(coalescing.produce([{ topic: 't', value: 'v' }], { deadline }));
    expect(Date.now()).to.be.below(deadline + 10);
    expect(outcome.ok).to.equal(false);
    const error = outcome.ok ? undefined : outcome.error;
    expect(error).to.include({ reason: 'retries-exhausted', retriable: true, attempts: sent.length });
    expect((error as { cause: { type: string } }).cause.type).to.equal('REQUEST_TIMED_OUT');
    expect(sent.length).to.be.at.least(3);
  });

  it('a retry held only its own partition: another partition of the topic goes on meanwhile', async () => {
    const { producer, sent } = scriptedProducer((batch, attempt) =>
      batch.partitions.has('t/1') && attempt <= 2 ? protocolError('NOT_LEADER_FOR_PARTITION', true) : undefined,
    );
    const coalescing = new CoalescingProducer(
      producer,
      factsOf({ t: { partitions: 2 } }),
      new MissingTopics(asyncScheduler),
      {
        scheduler: asyncScheduler,
        maxRequestBytes: 1 << 20,
        retry: produceRetry({ initialBackoffMs: 50 }),
      },
    );
    await coalescing.produce([{ topic: 't', partition: 0, value: 'warm' }]);
    const stuck = coalescing.produce([{ topic: 't', partition: 1, value: 'p1' }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await coalescing.produce([{ topic: 't', partition: 0, value: 'p0' }]);
    expect(sent.some((batch) => batch.partitions.get('t/0')?.includes('p0'))).to.equal(true);
    await stuck;
  });

  it('closing fails the records waiting for a retry with a ClosedError, at once', async () => {
    const { producer } = scriptedProducer(() => protocolError('NOT_LEADER_FOR_PARTITION', true));
    const coalescing = new CoalescingProducer(producer, factsOf({}), new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
      retry: produceRetry({ initialBackoffMs: 60_000 }),
    });
    const pending = settle(coalescing.produce([{ topic: 't', value: 'v' }]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await coalescing.disconnect();
    const outcome = await pending;
    expect(isClosedError(outcome.ok ? undefined : outcome.error)).to.equal(true);
  });
});
