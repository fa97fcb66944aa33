import { expect } from 'chai';
import { firstValueFrom, from, ignoreElements, mergeMap, of, timeout } from 'rxjs';
import { randomUUID } from 'node:crypto';
import { stringCodec } from '../../lib/codecs';
import { consume } from '../../lib/consume';
import { createTopic, testKafka } from '../support/kafka-fixtures';
import { naiveRoundTrip } from '../support/naive-consumer';
import { inParallel } from '../support/test-transport';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

const consumers = Number(process.env.RACE_CONSUMERS ?? 200);

describe('the started-is-not-ready race (real broker)', () => {
  for (const { name } of realTransportKinds) {
    it(`${name}: ${consumers} fresh consumers each receive the record produced right after ready: zero misses`, async () => {
      const topic = await createTopic('race', 3);
      const transport = realTransport(name);
      const started = Date.now();
      try {
        const outcomes = await inParallel(consumers, 16, (index) => {
          const id = `${index}-${randomUUID()}`;
          return firstValueFrom(
            consume(transport, { topic, codec: stringCodec }).pipe(
              mergeMap((event) => {
                if (event.type === 'ready') {
                  return from(transport.produce([{ topic, value: id }])).pipe(ignoreElements());
                }
                return of(event.type === 'message' && event.value._tag === 'Right' && event.value.right === id);
              }),
              mergeMap((matched) => (matched ? of(true) : [])),
              timeout({ first: 15_000, with: () => of(false) }),
            ),
          );
        });
        const misses = outcomes.filter((received) => !received).length;
        console.log(
          `      pinned consumer (${name}): ${misses}/${consumers} missed (${((100 * misses) / consumers).toFixed(1)} %) in ${Date.now() - started} ms`,
        );
        expect(misses).to.equal(0);
      } finally {
        await transport.close();
      }
    });
  }

  it('beside it, a naive consumer that signals at group join misses some (printed, not asserted)', async () => {
    const topic = await createTopic('race-naive', 3);
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    try {
      const outcomes = await inParallel(consumers, 32, () => naiveRoundTrip(kafka, producer, topic, 2_000));
      const misses = outcomes.filter((received) => !received).length;
      console.log(
        `      naive consumer:  ${misses}/${consumers} missed (${((100 * misses) / consumers).toFixed(1)} %)`,
      );
      expect(outcomes).to.have.length(consumers);
    } finally {
      await producer.disconnect();
    }
  });
});
