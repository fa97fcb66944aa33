import { logLevel } from 'kafkajs';
import { firstValueFrom, of } from 'rxjs';
import { kafkajsTransport, pubScribe } from '../../lib';
import type { BenchRequester, BenchTopics } from '../bench-types';
import { echoCodec } from '../responders/pubscribe-serve';

/** The article's approach: `pubScribe` with a fresh reply consumer (and group) per call. */
export function oneShotRequester(topics: BenchTopics): BenchRequester {
  const transport = kafkajsTransport({
    kafka: { clientId: 'bench-one-shot', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
  });
  return {
    ready: async () => undefined,
    call: (n) =>
      firstValueFrom(
        pubScribe(
          of({ topic: topics.requests, key: String(n), value: { n } }),
          topics.replies,
          (reply) => reply.n === n,
          {
            transport,
            requestCodec: echoCodec,
            replyCodec: echoCodec,
            timeoutMs: 60_000,
          },
        ),
      ).then((reply) => reply.n),
    close: () => transport.close(),
  };
}
