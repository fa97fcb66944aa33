import { firstValueFrom, of } from 'rxjs';
import { pubScribe } from '../../lib';
import { benchTransport, type BenchTransportKind } from '../bench-transport';
import type { BenchRequester, BenchTopics } from '../bench-types';
import { echoCodec } from '../responders/pubscribe-serve';

/**
 * The article's approach: `pubScribe` with a fresh reply consumer (and group) per call; `kind` is
 * the Kafka client underneath.
 */
export function oneShotRequester(topics: BenchTopics, kind: BenchTransportKind = 'kafkajs'): BenchRequester {
  const transport = benchTransport(kind, 'bench-one-shot', topics.brokers);
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
