import { expect } from 'chai';
import * as t from 'io-ts';
import { firstValueFrom, from, ignoreElements, lastValueFrom, of, Subscription, throwError, toArray } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { isDecodeError, isRemoteError, isRequestTimeoutError, PubScribeError } from '../../lib/errors';
import { CORRELATION_ID_HEADER, DEADLINE_HEADER, REPLY_TOPIC_HEADER } from '../../lib/headers';
import { pubScribe } from '../../lib/pubscribe';
import { createRequester, Requester } from '../../lib/requester';
import { requestTask } from '../../lib/fp';
import type { Transport } from '../../lib/transport/transport';
import { pingCodec, Pong, pongCodec, startResponder } from '../support/echo-responder';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { eventually, testTransport } from '../support/test-transport';

const ping = (requests: string, n: number, instance = 'spec') => ({
  topic: requests,
  key: `key-${n}`,
  value: { instance, n },
  codec: pingCodec,
  replyCodec: pongCodec,
});

describe('request/reply end to end (real broker)', () => {
  let transport: Transport;
  let requests: string;
  let replies: string;
  let requester: Requester;
  let subscriptions: Subscription;

  beforeEach(async () => {
    [requests, replies] = await Promise.all([createTopic('requests', 2), createTopic('replies', 2)]);
    subscriptions = new Subscription();
    transport = testTransport();
    requester = createRequester({ transport, replyTopic: replies, timeoutMs: 10_000, keepAliveMs: 200 });
  });

  afterEach(async () => {
    requester.close();
    subscriptions.unsubscribe();
    await transport.close();
  });

  it('round trip by header: the reply reaches its caller, with the key kept and the headers set', async () => {
    const responder = await startResponder(transport, requests, uniqueName('echo'));
    subscriptions.add(responder.subscription);
    const reply = await firstValueFrom(requester.request(ping(requests, 1)));
    expect(reply).to.include({ instance: 'spec', n: 1 });

    // The responder reports `answered` once the broker acknowledged its reply, which can be after
    // the requester has read that reply.
    expect(await eventually(async () => responder.events.some((event) => event.type === 'answered'))).to.equal(true);
    const answered = responder.events.find((event) => event.type === 'answered');
    expect(answered?.type === 'answered' && answered.record.key?.toString()).to.equal('key-1');
    const headers = answered?.type === 'answered' ? answered.record.headers : {};
    expect(headers[REPLY_TOPIC_HEADER]?.toString()).to.equal(replies);
    expect(headers[CORRELATION_ID_HEADER]?.toString()).to.match(/^[0-9a-f-]{36}$/);
    expect(Number(headers[DEADLINE_HEADER]?.toString())).to.be.greaterThan(Date.now());
    const replyRecords = await readAll(replies, 1);
    expect(replyRecords[0]?.key).to.equal('key-1');
    expect(requester.metrics()).to.include({ pending: 0, answered: 1, timedOut: 0 });
  });

  it('round trip by predicate: a responder that emits plain domain events without correlation', async () => {
    // The seed's user service: it produces "user created" to the reply topic, with no headers.
    const userCreated = replies;
    const groupId = uniqueName('user-service');
    subscriptions.add(
      (
        await startResponder(transport, requests, groupId, (request, context) =>
          from(
            context.send([
              { topic: userCreated, key: `key-${request.n}`, value: JSON.stringify({ ...request, by: 'domain' }) },
            ]),
          ).pipe(ignoreElements()),
        )
      ).subscription,
    );
    const reply = await firstValueFrom(
      requester.request({ ...ping(requests, 7), match: (pong: Pong) => pong.n === 7, replyKey: 'key-7' }),
    );
    expect(reply).to.deep.equal({ instance: 'spec', n: 7, by: 'domain' });
  });

  it('the one-shot pubScribe: ready, produce, filter, take(1), timeout', async () => {
    subscriptions.add((await startResponder(transport, requests, uniqueName('echo'), undefined, replies)).subscription);
    const reply = await firstValueFrom(
      pubScribe(
        of({ topic: requests, key: 'k', value: { instance: 'one-shot', n: 3 } }),
        replies,
        (pong: Pong) => pong.n === 3,
        {
          transport,
          requestCodec: pingCodec,
          replyCodec: pongCodec,
          timeoutMs: 15_000,
        },
      ),
    );
    expect(reply).to.include({ instance: 'one-shot', n: 3 });
  });

  it('the timeout path: no responder, a typed RequestTimeoutError, nothing left pending', async () => {
    // Ready first: a request whose reply consumer is not ready by its deadline is a NotReadyError.
    await firstValueFrom(requester.warmUp());
    const error = await firstValueFrom(requester.request({ ...ping(requests, 2), timeoutMs: 300 })).catch(
      (e: unknown) => e,
    );
    expect(isRequestTimeoutError(error)).to.equal(true);
    expect(error).to.include({ timeoutMs: 300, topic: replies, requestTopic: requests });
    expect((error as PubScribeError).correlationId).to.match(/^[0-9a-f-]{36}$/);
    expect(requester.metrics()).to.include({ pending: 0, timedOut: 1 });
  });

  it('the cancellation path: unsubscribing frees the pending entry at once', async () => {
    const waiting = requester.request(ping(requests, 4)).subscribe();
    expect(requester.metrics().pending).to.equal(1);
    waiting.unsubscribe();
    expect(requester.metrics()).to.include({ pending: 0, cancelled: 1 });
  });

  it('the error-reply path: a failing handler reaches its caller as a RemoteError', async () => {
    subscriptions.add(
      (
        await startResponder(transport, requests, uniqueName('failing'), () =>
          throwError(() => new Error('email taken')),
        )
      ).subscription,
    );
    const error = await firstValueFrom(requester.request(ping(requests, 5))).catch((e: unknown) => e);
    expect(isRemoteError(error)).to.equal(true);
    expect(error).to.include({ remoteMessage: 'email taken', remoteName: 'Error' });
    expect(requester.metrics()).to.include({ pending: 0, remoteErrors: 1 });
  });

  it('a matched reply that fails to decode is a DecodeError for that caller only', async () => {
    subscriptions.add((await startResponder(transport, requests, uniqueName('echo'))).subscription);
    const Strict = t.type({ instance: t.string, n: t.number, by: t.literal('someone-else') });
    const [bad, good] = await Promise.all([
      firstValueFrom(requester.request({ ...ping(requests, 8), replyCodec: jsonCodec(Strict) })).catch(
        (e: unknown) => e,
      ),
      firstValueFrom(requester.request(ping(requests, 9))),
    ]);
    expect(isDecodeError(bad)).to.equal(true);
    expect((bad as PubScribeError).topic).to.equal(replies);
    expect(good).to.include({ n: 9 });
    expect(requester.metrics()).to.include({ decodeFailures: 1, answered: 1, pending: 0 });
  });

  it('many replies per request: ends on the end marker, on a count, and times out with the partial result', async () => {
    subscriptions.add(
      (
        await startResponder(transport, requests, uniqueName('many'), (request) =>
          request.n === 0
            ? new Promise<never>(() => undefined)
            : from(Array.from({ length: request.n }, (_, i) => ({ ...request, by: `part-${i}` }))),
        )
      ).subscription,
    );
    const all = await lastValueFrom(requester.requestMany(ping(requests, 3)).pipe(toArray()));
    expect(all.map((pong) => pong.by)).to.deep.equal(['part-0', 'part-1', 'part-2']);
    const two = await lastValueFrom(requester.requestMany({ ...ping(requests, 5), count: 2 }).pipe(toArray()));
    expect(two).to.have.length(2);
    const timedOut = await lastValueFrom(requester.requestMany({ ...ping(requests, 0), timeoutMs: 500 })).catch(
      (e: unknown) => e,
    );
    expect(isRequestTimeoutError(timedOut)).to.equal(true);
    expect(timedOut).to.include({ repliesSeen: 0 });
  });

  it('the fp-ts entry point: a TaskEither with the typed error on the left', async () => {
    await firstValueFrom(requester.warmUp());
    const result = await requestTask(requester, { ...ping(requests, 1), timeoutMs: 200 })();
    expect(result._tag).to.equal('Left');
    expect(result._tag === 'Left' && result.left.kind).to.equal('timeout');
  });

  it('a responder skips a request whose deadline has passed, and counts it', async () => {
    const responder = await startResponder(transport, requests, uniqueName('late'));
    subscriptions.add(responder.subscription);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: requests,
      messages: [
        {
          value: JSON.stringify({ instance: 'x', n: 1 }),
          headers: { [DEADLINE_HEADER]: String(Date.now() - 1000), [REPLY_TOPIC_HEADER]: replies },
        },
      ],
    });
    await producer.disconnect();
    expect(await eventually(async () => responder.events.some((event) => event.type === 'skipped'))).to.equal(true);
  });
});

async function readAll(
  topic: string,
  count: number,
): Promise<{ key: string | undefined; value: string | undefined }[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const seen: { key: string | undefined; value: string | undefined }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      void seen.push({ key: message.key?.toString(), value: message.value?.toString() }),
  });
  await eventually(async () => seen.length >= count);
  await consumer.disconnect();
  return seen;
}
