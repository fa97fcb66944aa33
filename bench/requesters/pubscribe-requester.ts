import { firstValueFrom } from 'rxjs';
import { createRequester } from '../../lib';
import { benchTransport, BenchTransportKind } from '../bench-transport';
import type { BenchRequester, BenchTopics } from '../bench-types';
import { echoCodec } from '../responders/pubscribe-serve';

/**
 * pubscribe's shared requester; `byPredicate` matches replies by value and key instead of header;
 * `kind` is the Kafka client underneath.
 */
export function pubscribeRequester(
  topics: BenchTopics,
  byPredicate: boolean,
  kind: BenchTransportKind = 'kafkajs',
): BenchRequester {
  const transport = benchTransport(kind, 'bench-requester', topics.brokers);
  const requester = createRequester({
    transport,
    replyTopic: topics.replies,
    groupId: `${topics.groupPrefix}-replies`,
    timeoutMs: 30_000,
    maxInFlight: 100_000,
  });
  return {
    ready: () => firstValueFrom(requester.warmUp()),
    call: (n) =>
      firstValueFrom(
        requester.request({
          topic: topics.requests,
          key: String(n),
          value: { n },
          codec: echoCodec,
          replyCodec: echoCodec,
          ...(byPredicate ? { match: (reply: { n: number }) => reply.n === n, replyKey: String(n) } : {}),
        }),
      ).then((reply) => reply.n),
    close: async () => {
      requester.close();
      await transport.close();
    },
  };
}
