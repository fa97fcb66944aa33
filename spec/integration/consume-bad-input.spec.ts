import { expect } from 'chai';
import * as t from 'io-ts';
import { Subscription } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { consume, ConsumerEvent, isReady, MessageEvent } from '../../lib/consume';
import { isDecodeError } from '../../lib/errors';
import { createTopic, testKafka } from '../support/kafka-fixtures';
import { eventually, testTransport } from '../support/test-transport';

const User = t.type({ email: t.string, name: t.string });

describe('bad input on the wire (real broker)', () => {
  it('non-JSON, wrong shape, empty, null and 1 MB values each yield a decode event, and the stream goes on', async () => {
    const topic = await createTopic('bad-input', 1);
    const transport = testTransport();
    const producer = testKafka().producer();
    const events: ConsumerEvent<t.TypeOf<typeof User>>[] = [];
    const subscription: Subscription = consume(transport, { topic, codec: jsonCodec(User) }).subscribe((event) =>
      events.push(event),
    );
    try {
      await producer.connect();
      expect(await eventually(async () => events.some(isReady))).to.equal(true);
      const megabyte = Buffer.alloc(1_000_000, 'x');
      const bad: (Buffer | string | null)[] = ['not json {', '{"email": 42, "name": "Ada"}', '', null, megabyte];
      for (const value of bad) {
        await producer.send({ topic, messages: [{ value }] });
      }
      await producer.send({ topic, messages: [{ value: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }) }] });
      const messages = () =>
        events.filter((event): event is MessageEvent<t.TypeOf<typeof User>> => event.type === 'message');
      expect(await eventually(async () => messages().length === bad.length + 1, 20_000)).to.equal(true);
      const outcomes = messages().map((event) => event.value);
      for (const outcome of outcomes.slice(0, bad.length)) {
        expect(outcome._tag).to.equal('Left');
        if (outcome._tag === 'Left') {
          expect(isDecodeError(outcome.left)).to.equal(true);
          expect(outcome.left.topic).to.equal(topic);
          expect(outcome.left.issues.length).to.be.greaterThan(0);
        }
      }
      const last = outcomes[bad.length];
      expect(last?._tag === 'Right' && last.right.email).to.equal('ada@example.com');
    } finally {
      subscription.unsubscribe();
      await transport.close();
      await producer.disconnect();
    }
  });
});
