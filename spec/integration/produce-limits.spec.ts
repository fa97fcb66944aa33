import { expect } from 'chai';
import * as fc from 'fast-check';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from '../../lib/transport/record-size';
import type { OutgoingRecord } from '../../lib/transport/records';
import { createTopic, testKafka, uniqueName, withAdmin } from '../support/kafka-fixtures';
import {
  burst,
  edgeValues,
  expectAcknowledgedOnceOrFailedAlone,
  logCounts,
  maxMessageBytesOf,
  rawProducer,
  valueOf,
  watchedTransport,
} from '../support/produce-bursts';
import { realTransportKinds } from '../support/transport-kinds';

/** `LIMITS_LARGE=1` (npm run test:limits) adds the 50,000-record bursts. */
const large = process.env.LIMITS_LARGE === '1';
const SMALL_LIMIT = 10_240;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

for (const { name: kind } of realTransportKinds) {
  describe(`produce limits: bounded batches and isolated failures (real broker, ${kind})`, function () {
    this.timeout(large ? 600_000 : 120_000);

    describe('same-tick bursts on a topic with the default max.message.bytes', () => {
      const bursts: readonly (readonly [count: number, bytes: number, partitions: number])[] = [
        [1, 1024, 1],
        [1_100, 1024, 1],
        [1_100, 1024, 3],
        [5_000, 100, 1],
        [20_000, 100, 3],
        ...(large
          ? ([
              [50_000, 100, 1],
              [50_000, 1024, 3],
            ] as const)
          : []),
      ];
      for (const [count, bytes, partitions] of bursts) {
        it(`${count} records of ${bytes} B on ${partitions} partition(s): every one acknowledged once, in requests the broker accepts`, async () => {
          const topic = await createTopic('burst', partitions);
          expect(await maxMessageBytesOf(topic)).to.equal(DEFAULT_MAX_MESSAGE_BYTES);
          const { transport, stats } = watchedTransport(kind);
          try {
            const records = Array.from({ length: count }, (_, n): OutgoingRecord => ({
              topic,
              key: `k${n % 97}`,
              value: valueOf(bytes),
            }));
            const before = await logCounts([topic]);
            const started = Date.now();
            const settled = await burst(transport, records);
            const elapsed = Date.now() - started;
            const { acknowledged } = await expectAcknowledgedOnceOrFailedAlone(
              settled,
              new Map([[topic, DEFAULT_MAX_MESSAGE_BYTES]]),
              before,
            );
            expect(acknowledged).to.equal(count);
            expect(stats.sendFailures, 'no request the broker refused').to.deep.equal([]);
            expect(Math.max(...stats.requestSizes)).to.be.at.most(MAX_REQUEST_BYTES);
            // Each partition's record batch is at most max.message.bytes: so many requests at least.
            const total = records.reduce((sum, record) => sum + recordBatchBytes(record) - 61, 0);
            expect(stats.requestSizes.length).to.be.at.least(
              Math.ceil(total / (partitions * DEFAULT_MAX_MESSAGE_BYTES)),
            );
            console.log(
              `      ${count} x ${bytes} B, ${partitions} partition(s): ${acknowledged} acknowledged in ${elapsed} ms, ` +
                `${stats.requestSizes.length} produce requests, largest ${Math.max(...stats.requestSizes)} B`,
            );
          } finally {
            await transport.close();
          }
        });
      }

      it('a small maxRequestBytes: 5,000 x 100 B go in many requests, none over the limit', async () => {
        const topic = await createTopic('small-requests', 3);
        const maxRequestBytes = 64 * 1024;
        const { transport, stats } = watchedTransport(kind, { maxRequestBytes });
        try {
          const records = Array.from({ length: 5_000 }, (_, n) => ({ topic, key: `k${n}`, value: valueOf(100) }));
          const before = await logCounts([topic]);
          const settled = await burst(transport, records);
          await expectAcknowledgedOnceOrFailedAlone(settled, new Map([[topic, DEFAULT_MAX_MESSAGE_BYTES]]), before);
          // Every record's bytes, less the batch header each would have alone: a floor for the requests.
          const total = records.reduce((sum, record) => sum + recordBatchBytes(record) - 61, 0);
          expect(Math.max(...stats.requestSizes)).to.be.at.most(maxRequestBytes);
          expect(stats.requestSizes.length).to.be.at.least(Math.ceil(total / maxRequestBytes));
          console.log(
            `      maxRequestBytes 64 KiB: 5000 x 100 B in ${stats.requestSizes.length} requests, largest ${Math.max(...stats.requestSizes)} B`,
          );
        } finally {
          await transport.close();
        }
      });
    });

    describe(`at the edges of max.message.bytes (a topic of ${SMALL_LIMIT} B, and one of the default)`, () => {
      for (const limit of [SMALL_LIMIT, DEFAULT_MAX_MESSAGE_BYTES]) {
        it(`${limit} B: 0 bytes, just under and exactly at the limit are acknowledged; one byte over fails alone, unsent`, async () => {
          const topic = await createTopic('edge', 2, { 'max.message.bytes': String(limit) });
          expect(await maxMessageBytesOf(topic)).to.equal(limit);
          const { transport, stats } = watchedTransport(kind);
          try {
            const shape = { topic, key: 'edge-key', headers: { kafka_correlationId: 'c0ffee' } };
            const { under, over } = edgeValues(shape, limit);
            const sizes = [0, 1, under - 1000, under - 1, under, over, over + 1, 2 * limit];
            const records = sizes.map((size) => ({ ...shape, value: valueOf(size) }));
            expect(recordBatchBytes(records[4]!)).to.be.at.most(limit);
            expect(recordBatchBytes(records[5]!)).to.be.above(limit);
            const before = await logCounts([topic]);
            const settled = await burst(transport, records);
            const { failed } = await expectAcknowledgedOnceOrFailedAlone(settled, new Map([[topic, limit]]), before);
            expect(failed).to.equal(3);
            expect(stats.sendFailures, 'the oversized records were never sent').to.deep.equal([]);
            console.log(
              `      limit ${limit} B: largest accepted record ${recordBatchBytes(records[4]!)} B, ` +
                `refused unsent from ${recordBatchBytes(records[5]!)} B`,
            );
          } finally {
            await transport.close();
          }
        });
      }

      it('the estimate is exact: the broker itself accepts the largest record that fits and refuses one byte more', async () => {
        const topic = await createTopic('edge-raw', 1, { 'max.message.bytes': String(SMALL_LIMIT) });
        const shape = { topic, key: null, headers: { a: 'b', kafka_replyTopic: 'replies' } };
        const { under, over } = edgeValues(shape, SMALL_LIMIT);
        // The client's own producer, without the transport: its encoder, the bytes on the wire.
        const producer = await rawProducer(kind);
        try {
          expect(recordBatchBytes({ ...shape, value: valueOf(under) })).to.equal(SMALL_LIMIT);
          expect(await producer.send({ ...shape, value: valueOf(under) })).to.equal('accepted');
          expect(await producer.send({ ...shape, value: valueOf(over) })).to.equal('MESSAGE_TOO_LARGE');
        } finally {
          await producer.close();
        }
      });
    });

    it('several topics at once, sizes generated around each limit (fast-check): each record acknowledged once or failed alone', async () => {
      const topics = await Promise.all([
        createTopic('mixed-small', 2, { 'max.message.bytes': String(SMALL_LIMIT) }),
        createTopic('mixed-default', 3),
        createTopic('mixed-tiny', 1, { 'max.message.bytes': '2048' }),
      ]);
      const limits = new Map([
        [topics[0]!, SMALL_LIMIT],
        [topics[1]!, DEFAULT_MAX_MESSAGE_BYTES],
        [topics[2]!, 2048],
      ]);
      const { transport, stats } = watchedTransport(kind);
      const aroundLimit = (limit: number) =>
        fc.oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: 2_000 }),
          fc.integer({ min: Math.max(0, limit - 200), max: limit + 50 }),
        );
      const recordArbitrary = fc
        .tuple(fc.integer({ min: 0, max: topics.length - 1 }), fc.option(fc.string({ maxLength: 12 })))
        .chain(([topicIndex, key]) =>
          aroundLimit(limits.get(topics[topicIndex]!)!).map((size): OutgoingRecord => ({
            topic: topics[topicIndex]!,
            key,
            value: valueOf(size),
          })),
        );
      let runs = 0;
      let records = 0;
      let refused = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(recordArbitrary, { minLength: 50, maxLength: 400 }), async (generated) => {
            const before = await logCounts(topics);
            const settled = await burst(transport, generated);
            const { failed } = await expectAcknowledgedOnceOrFailedAlone(settled, limits, before);
            runs += 1;
            records += generated.length;
            refused += failed;
          }),
          { numRuns: 6, seed: 20_261_201, endOnFailure: true },
        );
        expect(stats.sendFailures, 'no request the broker refused').to.deep.equal([]);
        expect(refused, 'the generated sizes crossed the limits').to.be.above(0);
        console.log(`      ${runs} generated bursts, ${records} records over 3 topics, ${refused} refused alone`);
      } finally {
        await transport.close();
      }
    });

    describe('a poison record in every wave', () => {
      for (const [limit, poisonBytes] of [
        [SMALL_LIMIT, 20_000],
        [DEFAULT_MAX_MESSAGE_BYTES, 2_000_000],
      ] as const) {
        it(`max.message.bytes ${limit} B, a ${poisonBytes} B poison among 200 small records, 5 waves: only the poison fails`, async () => {
          const topic = await createTopic(
            'poison',
            2,
            limit === SMALL_LIMIT ? { 'max.message.bytes': String(limit) } : {},
          );
          const { transport, stats } = watchedTransport(kind);
          try {
            for (let wave = 0; wave < 5; wave += 1) {
              const records: OutgoingRecord[] = Array.from({ length: 200 }, (_, n) => ({
                topic,
                key: `k${n}`,
                value: valueOf(100 + n),
              }));
              records.splice(wave * 40, 0, { topic, key: 'poison', value: valueOf(poisonBytes, 'p') });
              const before = await logCounts([topic]);
              const settled = await burst(transport, records);
              const { acknowledged, failed } = await expectAcknowledgedOnceOrFailedAlone(
                settled,
                new Map([[topic, limit]]),
                before,
              );
              expect([acknowledged, failed]).to.deep.equal([200, 1]);
            }
            expect(stats.sendFailures, 'the poison was never sent').to.deep.equal([]);
          } finally {
            await transport.close();
          }
        });
      }
    });

    describe('when the broker refuses anyway', () => {
      it("the topic's limit lowered after it was learned: the batch is split, records now too large fail alone, the rest are acknowledged", async () => {
        const topic = await createTopic('lowered', 1, { 'max.message.bytes': '200000' });
        const { transport, stats } = watchedTransport(kind);
        try {
          await transport.produce([{ topic, value: 'learn the limit' }]);
          await withAdmin((admin) =>
            admin.alterConfigs({
              validateOnly: false,
              resources: [
                { type: 2, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(SMALL_LIMIT) }] },
              ],
            }),
          );
          // The broker applies a topic's new config shortly after the change: wait until it refuses.
          const probe = testKafka(uniqueName('probe')).producer({ retry: { retries: 0 } });
          await probe.connect();
          try {
            for (let tries = 0; ; tries += 1) {
              const outcome = await probe.send({ topic, messages: [{ value: valueOf(2 * SMALL_LIMIT) }] }).then(
                () => 'accepted',
                () => 'refused',
              );
              if (outcome === 'refused') break;
              expect(tries, 'the broker applies the lowered limit').to.be.below(50);
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          } finally {
            await probe.disconnect();
          }
          const before = await logCounts([topic]);
          const records: OutgoingRecord[] = Array.from({ length: 300 }, (_, n) => ({
            topic,
            key: `k${n}`,
            value: valueOf(n % 60 === 7 ? 3 * SMALL_LIMIT : 200),
          }));
          const settled = await burst(transport, records);
          const { failed } = await expectAcknowledgedOnceOrFailedAlone(
            settled,
            new Map([[topic, SMALL_LIMIT]]),
            before,
          );
          expect(failed).to.equal(5);
          expect(stats.sendFailures, 'the broker refused the first batch, sent under the old limit').to.include(
            'MESSAGE_TOO_LARGE',
          );
        } finally {
          await transport.close();
        }
      });

      it('records without a key on a compacted topic: the broker refuses them; only they fail, each alone, and the keyed ones sent with them are acknowledged', async () => {
        // One partition: the broker refuses a partition's whole record batch, so nothing of a refused
        // request was appended and the log must hold each acknowledged record exactly once.
        const topic = await createTopic('compacted', 1, { 'cleanup.policy': 'compact' });
        const { transport, stats } = watchedTransport(kind);
        try {
          await transport.produce([{ topic, key: 'warm', value: 'learn the topic' }]);
          const before = await logCounts([topic]);
          const records: OutgoingRecord[] = Array.from({ length: 120 }, (_, n) => ({
            topic,
            key: n % 40 === 13 ? null : `k${n}`,
            value: valueOf(50),
          }));
          const settled = await burst(transport, records);
          const refusedAlone = settled.filter((outcome) => !outcome.acknowledged);
          expect(refusedAlone.map((outcome) => outcome.record.key)).to.deep.equal([null, null, null]);
          for (const outcome of refusedAlone) {
            expect(outcome.error).to.include({ kind: 'produce', reason: 'record-invalid', retriable: false, topic });
          }
          expect(settled.filter((outcome) => outcome.acknowledged)).to.have.length(117);
          expect((await logCounts([topic])).get(topic)! - before.get(topic)!).to.equal(117);
          expect(stats.sendFailures.length, 'the refused batches were split').to.be.above(0);
        } finally {
          await transport.close();
        }
      });
    });
  });
}
