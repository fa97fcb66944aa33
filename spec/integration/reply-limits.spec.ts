import { expect } from 'chai';
import { firstValueFrom, Subscription } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { isRemoteError, type RemoteError } from '../../lib/errors';
import { createRequester, type Requester } from '../../lib/requester';
import type { ResponderEvent } from '../../lib/responder';
import type { Transport } from '../../lib/transport/transport';
import { startStringResponder } from '../support/string-responder';
import { createTopic } from '../support/kafka-fixtures';
import { eventually } from '../support/test-transport';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

/**
 * At-least-once replies: a reply the broker can never take (2 MB against the default 1 MiB
 * `max.message.bytes`) among small ones. Before: the whole batch of replies failed, the responder
 * committed anyway, and all 150 small callers timed out.
 */
for (const { name: kind } of realTransportKinds) {
  describe(`a poison reply among small ones (real broker, ${kind})`, () => {
    let transport: Transport;
    let responderTransport: Transport;
    let requester: Requester;
    let requests: string;
    const subscriptions = new Subscription();
    let events: ResponderEvent[];

    before(async () => {
      let replies: string;
      [requests, replies] = await Promise.all([createTopic('poison-requests', 1), createTopic('poison-replies', 1)]);
      transport = realTransport(kind);
      responderTransport = realTransport(kind);
      const responder = await startStringResponder(responderTransport, requests, (value) =>
        value === 'big' ? 'x'.repeat(2 * 1024 * 1024) : `ok:${value}`,
      );
      events = responder.events;
      subscriptions.add(responder.subscription);
      requester = createRequester({ transport, replyTopic: replies, timeoutMs: 20_000 });
      await firstValueFrom(requester.warmUp());
    });

    after(async () => {
      subscriptions.unsubscribe();
      requester?.close();
      await transport?.close();
      await responderTransport?.close();
    });

    it('3 waves of 50 small requests and one whose reply is 2 MB: every small one answered, the big one told why in an error reply', async () => {
      for (let wave = 0; wave < 3; wave += 1) {
        const started = Date.now();
        const values = [
          ...Array.from({ length: 25 }, (_, n) => `w${wave}-${n}`),
          'big',
          ...Array.from({ length: 25 }, (_, n) => `w${wave}-${25 + n}`),
        ];
        const outcomes = await Promise.all(
          values.map((value) =>
            firstValueFrom(
              requester.request({ topic: requests, value, codec: stringCodec, replyCodec: stringCodec }),
            ).then(
              (reply) => ({ value, reply, error: undefined as unknown, ms: Date.now() - started }),
              (error: unknown) => ({ value, reply: undefined, error, ms: Date.now() - started }),
            ),
          ),
        );
        const small = outcomes.filter((outcome) => outcome.value !== 'big');
        expect(
          small.map((outcome) => outcome.reply),
          `wave ${wave}: every small request answered with its own reply`,
        ).to.deep.equal(small.map((outcome) => `ok:${outcome.value}`));
        const big = outcomes.find((outcome) => outcome.value === 'big')!;
        expect(isRemoteError(big.error), String(big.error)).to.equal(true);
        const remote = big.error as RemoteError;
        expect(remote.remoteName).to.equal('ProduceError');
        expect(remote.remoteMessage).to.match(/max\.message\.bytes/);
        expect(remote.remoteMessage).to.match(/2097\d{3}|2,097,\d{3}/);
        console.log(`      wave ${wave}: 50 small answered; the 2 MB reply's caller told in ${big.ms} ms`);
        expect(big.ms, 'the caller learns in well under its 20 s timeout').to.be.below(5_000);
      }
      // The responder reports `answered` once the broker acknowledged the error reply, which can be
      // after the caller has read it.
      const bigAnswered = () =>
        events.filter((event) => event.type === 'answered' && event.record.value?.toString() === 'big').length;
      expect(await eventually(async () => bigAnswered() === 3), `answered events for the big ones`).to.equal(true);
      expect(events.filter((event) => event.type === 'reply-failed')).to.have.length(0);
    });
  });
}
