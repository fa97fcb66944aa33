import { expect } from 'chai';
import { firstValueFrom, Subscription } from 'rxjs';
import { isProduceError } from '../../lib/errors';
import { createRequester, type Requester } from '../../lib/requester';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../lib/transport/record-size';
import type { Transport } from '../../lib/transport/transport';
import { pingCodec, pongCodec, startResponder } from '../support/echo-responder';
import { createTopic, uniqueName } from '../support/kafka-fixtures';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

/** `LIMITS_LARGE=1` (npm run test:limits) adds the 50,000-request burst. */
const large = process.env.LIMITS_LARGE === '1';

interface Outcome {
  readonly n: number;
  readonly answered: boolean;
  readonly error?: unknown;
}

/** Sends every request in the same tick; each one's reply (checked to be its own) or its error. */
async function requestsInOneTick(requester: Requester, topic: string, payloads: readonly string[]): Promise<Outcome[]> {
  const settlements = new Array<number>(payloads.length).fill(0);
  const outcomes = await Promise.all(
    payloads.map((instance, n) =>
      firstValueFrom(
        requester.request({ topic, value: { instance, n }, codec: pingCodec, replyCodec: pongCodec }),
      ).then(
        (reply): Outcome => {
          settlements[n]! += 1;
          expect(reply.n, 'each caller gets its own reply').to.equal(n);
          expect(reply.instance.length).to.equal(instance.length);
          return { n, answered: true };
        },
        (error: unknown): Outcome => {
          settlements[n]! += 1;
          return { n, answered: false, error };
        },
      ),
    ),
  );
  expect(
    settlements.every((count) => count === 1),
    'each request settled exactly once',
  ).to.equal(true);
  return outcomes;
}

for (const { name: kind } of realTransportKinds) {
  describe(`requests in bursts and with a poison request (real broker, requester and echo responder, ${kind})`, function () {
    this.timeout(large ? 600_000 : 120_000);
    let transport: Transport;
    let responderTransport: Transport;
    let requester: Requester;
    let requests: string;
    const subscriptions = new Subscription();

    before(async () => {
      // One partition each: the case where a burst of requests (and of replies) all meet in one record batch.
      let replies: string;
      [requests, replies] = await Promise.all([createTopic('limit-requests', 1), createTopic('limit-replies', 1)]);
      transport = realTransport(kind);
      responderTransport = realTransport(kind);
      subscriptions.add(
        (await startResponder(responderTransport, requests, uniqueName('limit-responder'))).subscription,
      );
      requester = createRequester({ transport, replyTopic: replies, timeoutMs: 60_000, maxInFlight: 100_000 });
      await firstValueFrom(requester.warmUp());
    });

    after(async () => {
      subscriptions.unsubscribe();
      requester?.close();
      await transport?.close();
      await responderTransport?.close();
    });

    const bursts: readonly (readonly [count: number, bytes: number])[] = [
      [1, 1024],
      [1_100, 1024],
      [5_000, 100],
      ...(large ? ([[50_000, 100]] as const) : []),
    ];
    for (const [count, bytes] of bursts) {
      it(`${count} requests of ${bytes} B in the same tick: all answered, each with its own reply`, async () => {
        const started = Date.now();
        const outcomes = await requestsInOneTick(
          requester,
          requests,
          Array.from({ length: count }, () => 'r'.repeat(bytes)),
        );
        const elapsed = Date.now() - started;
        const failed = outcomes.filter((outcome) => !outcome.answered);
        expect(failed.map((outcome) => String(outcome.error)).slice(0, 3)).to.deep.equal([]);
        console.log(`      ${count} x ${bytes} B requests: ${count - failed.length} answered in ${elapsed} ms`);
      });
    }

    it('one 2 MB request among 50 small ones, 3 waves: the 50 are answered, the big one fails alone at once', async () => {
      for (let wave = 0; wave < 3; wave += 1) {
        const payloads = Array.from({ length: 50 }, (_, n) => `small-${n}`);
        const poisonAt = 10 + wave * 15;
        payloads.splice(poisonAt, 0, 'P'.repeat(2_000_000));
        const started = Date.now();
        const outcomes = await requestsInOneTick(requester, requests, payloads);
        const poison = outcomes[poisonAt]!;
        expect(poison.answered).to.equal(false);
        expect(isProduceError(poison.error), String(poison.error)).to.equal(true);
        expect(poison.error).to.include({
          reason: 'record-too-large',
          retriable: false,
          limitBytes: DEFAULT_MAX_MESSAGE_BYTES,
          limitName: 'max.message.bytes',
          topic: requests,
        });
        expect((poison.error as { recordBytes: number }).recordBytes).to.be.above(2_000_000);
        const others = outcomes.filter((_, n) => n !== poisonAt);
        expect(others.filter((outcome) => !outcome.answered).map((outcome) => String(outcome.error))).to.deep.equal([]);
        expect(Date.now() - started, 'nobody waited for a timeout').to.be.below(10_000);
      }
    });
  });
}
