import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, of, Subscription, toArray } from 'rxjs';
import { CORRELATION_ID_HEADER, REPLY_TOPIC_HEADER } from '../../lib/headers';
import { createRequester, Requester } from '../../lib/requester';
import type { Transport } from '../../lib/transport/transport';
import { pingCodec, pongCodec, startResponder } from '../support/echo-responder';
import { createTopic, uniqueName } from '../support/kafka-fixtures';
import { eventually, inParallel, testTransport } from '../support/test-transport';
import { testPlatformaticTransport } from '../support/transport-kinds';

const ping = (requests: string, n: number) => ({
  topic: requests,
  key: `key-${n}`,
  value: { instance: 'platformatic', n },
  codec: pingCodec,
  replyCodec: pongCodec,
});

describe('request/reply end to end on @platformatic/kafka (real broker)', () => {
  let transport: Transport;
  let requests: string;
  let replies: string;
  let requester: Requester;
  let subscriptions: Subscription;

  beforeEach(async () => {
    [requests, replies] = await Promise.all([createTopic('pl-requests', 2), createTopic('pl-replies', 2)]);
    subscriptions = new Subscription();
    transport = testPlatformaticTransport();
    requester = createRequester({ transport, replyTopic: replies, timeoutMs: 10_000, keepAliveMs: 200 });
  });

  afterEach(async () => {
    requester.close();
    subscriptions.unsubscribe();
    await transport.close();
  });

  it('one request: the echo reaches its caller, key kept, reply headers set', async () => {
    const groupId = uniqueName('echo');
    const responder = await startResponder(transport, requests, groupId);
    subscriptions.add(responder.subscription);
    const reply = await firstValueFrom(requester.request(ping(requests, 1)));
    expect(reply).to.deep.equal({ instance: 'platformatic', n: 1, by: groupId });
    expect(await eventually(async () => responder.events.some((event) => event.type === 'answered'))).to.equal(true);
    const answered = responder.events.find((event) => event.type === 'answered');
    expect(answered?.type === 'answered' && answered.record.key?.toString()).to.equal('key-1');
    const headers = answered?.type === 'answered' ? answered.record.headers : {};
    expect(headers[REPLY_TOPIC_HEADER]?.toString()).to.equal(replies);
    expect(headers[CORRELATION_ID_HEADER]?.toString()).to.match(/^[0-9a-f-]{36}$/);
    expect(requester.metrics()).to.include({ pending: 0, answered: 1, timedOut: 0 });
  });

  it('500 requests at 64 in flight: each answered once, by its own reply', async function () {
    this.timeout(120_000);
    const responder = await startResponder(transport, requests, uniqueName('echo'));
    subscriptions.add(responder.subscription);
    const answers = await inParallel(500, 64, (n) => firstValueFrom(requester.request(ping(requests, n))));
    expect(answers.map((answer) => answer.n)).to.deep.equal(Array.from({ length: 500 }, (_, n) => n));
    expect(requester.metrics()).to.include({ pending: 0, answered: 500, timedOut: 0 });
  });

  it('a key lands on the same partition through either transport (the murmur2 partitioner of Java and kafkajs)', async () => {
    const topic = await createTopic('pl-keys', 3);
    const kafkajs = testTransport();
    try {
      const keys = Array.from({ length: 60 }, (_, n) => `user-${n}`);
      const records = keys.map((key) => ({ topic, key, value: 'x' }));
      const viaPlatformatic = await transport.produce(records);
      // kafkajs reports the partition only for a batch of one partition: send one at a time.
      const viaKafkajs = [];
      for (const record of records) viaKafkajs.push((await kafkajs.produce([record]))[0]!);
      expect(viaPlatformatic.map((placed) => placed.partition)).to.deep.equal(
        viaKafkajs.map((placed) => placed.partition),
      );
      expect(new Set(viaPlatformatic.map((placed) => placed.partition)).size).to.equal(3);
    } finally {
      await kafkajs.close();
    }
  });

  it('requestMany: every reply of a multi-reply handler, in order', async () => {
    const responder = await startResponder(transport, requests, uniqueName('many'), (request) =>
      of({ ...request, by: 'first' }, { ...request, by: 'second' }),
    );
    subscriptions.add(responder.subscription);
    const all = await lastValueFrom(requester.requestMany(ping(requests, 7)).pipe(toArray()));
    expect(all.map((reply) => reply.by)).to.deep.equal(['first', 'second']);
  });
});
