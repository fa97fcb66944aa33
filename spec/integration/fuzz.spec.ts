import { expect } from 'chai';
import { firstValueFrom, Subscription } from 'rxjs';
import { createRequester } from '../../lib/requester';
import { pingCodec, pongCodec, startResponder } from '../support/echo-responder';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { malformedReply, malformedRequest, prng } from '../support/malformed-records';
import { eventually, inParallel } from '../support/test-transport';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

const cases = Number(process.env.FUZZ_CASES ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? 20261127);

describe('bad input, fuzzed (real broker)', () => {
  for (const { name } of realTransportKinds) {
    it(`${name}: ${cases} malformed replies and requests: listener and responder stay up, nothing answers a pending request`, async function () {
      this.timeout(300_000);
      const [requests, replies] = await Promise.all([createTopic('fuzz-requests', 2), createTopic('fuzz-replies', 2)]);
      const transport = realTransport(name);
      // The reply listener stays up through the whole flood (it would stop a keep-alive after the last
      // genuine request), so every malformed reply is read and counted.
      const requester = createRequester({ transport, replyTopic: replies, timeoutMs: 60_000, keepAliveMs: 300_000 });
      const producer = testKafka().producer();
      const subscriptions = new Subscription();
      const random = prng(seed);
      try {
        const responder = await startResponder(transport, requests, uniqueName('fuzz-responder'));
        subscriptions.add(responder.subscription);
        await producer.connect();
        await firstValueFrom(requester.warmUp());

        const malformedReplies = Array.from({ length: cases / 2 }, () => malformedReply(random));
        const malformedRequests = Array.from({ length: cases / 2 }, () => malformedRequest(random, replies));
        const flood = (async () => {
          for (let index = 0; index < malformedReplies.length; index += 10) {
            await producer.send({ topic: replies, messages: malformedReplies.slice(index, index + 10) });
            await producer.send({ topic: requests, messages: malformedRequests.slice(index, index + 10) });
          }
        })();
        // Genuine requests in flight during the flood: each must get exactly its own reply.
        const genuine = await inParallel(500, 50, async (n) => {
          const reply = await firstValueFrom(
            requester.request({
              topic: requests,
              key: `k${n}`,
              value: { instance: 'genuine', n },
              codec: pingCodec,
              replyCodec: pongCodec,
            }),
          );
          return reply.instance === 'genuine' && reply.n === n;
        });
        await flood;

        const handledBadRequests = () =>
          responder.events.filter(
            (event) =>
              (event.type === 'answered' && event.error !== undefined) ||
              event.type === 'reply-failed' ||
              event.type === 'skipped',
          ).length;
        // Every malformed request is handled one way or another (most fail to decode; the few well-formed
        // ones with odd headers are answered, skipped, or their reply fails), and the responder goes on.
        expect(
          await eventually(
            async () => responder.events.filter((e) => e.type !== 'ready').length >= 500 + cases / 2,
            120_000,
          ),
        ).to.equal(true);
        const after = await firstValueFrom(
          requester.request({
            topic: requests,
            value: { instance: 'after', n: -1 },
            codec: pingCodec,
            replyCodec: pongCodec,
          }),
        );
        const metrics = requester.metrics();
        console.log(
          `      seed ${seed}: ${cases / 2} malformed replies, ${cases / 2} malformed requests; genuine ok ${genuine.filter(Boolean).length}/500; ` +
            `requester dropped foreign ${metrics.foreign}, late ${metrics.late}, duplicates ${metrics.duplicates}, decode failures ${metrics.decodeFailures}; ` +
            `responder error replies/failed/skipped ${handledBadRequests()}`,
        );
        expect(genuine.every(Boolean), 'every genuine request got its own reply').to.equal(true);
        expect(after).to.include({ instance: 'after', n: -1 });
        expect(metrics.decodeFailures, 'no malformed message matched a pending request').to.equal(0);
        expect(metrics.pending).to.equal(0);
        expect(
          metrics.foreign,
          'malformed replies (and error replies to malformed requests) were dropped',
        ).to.be.at.least(Math.floor((cases / 2) * 0.5));
        expect(handledBadRequests()).to.be.at.least(Math.floor((cases / 2) * 0.5));
      } finally {
        subscriptions.unsubscribe();
        requester.close();
        await producer.disconnect();
        await transport.close();
      }
    });
  }
});
