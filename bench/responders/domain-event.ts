import { filter, firstValueFrom, share } from 'rxjs';
import { consume } from '../../lib';
import { benchTransport, type BenchTransportKind } from '../bench-transport';
import type { BenchResponder, BenchTopics } from '../bench-types';
import { echoCodec } from './pubscribe-serve';

/**
 * A responder that emits plain domain events: the reply is a new record on the reply topic with
 * the request's key and value, and no correlation header (the article's user service). The
 * requester has to match it by predicate. `kind` is the Kafka client underneath.
 */
export function domainEventResponder(topics: BenchTopics, kind: BenchTransportKind = 'kafkajs'): BenchResponder {
  const transport = benchTransport(kind, 'bench-domain-responder', topics.brokers);
  const events$ = consume(transport, {
    topic: topics.requests,
    codec: echoCodec,
    membership: 'shared',
    groupId: `${topics.groupPrefix}-domain`,
  }).pipe(share());
  const ready = firstValueFrom(events$.pipe(filter((event) => event.type === 'ready')));
  const subscription = events$.subscribe((event) => {
    if (event.type === 'message') {
      void transport.produce([{ topic: topics.replies, key: event.record.key, value: event.record.value }]);
    }
  });
  return {
    ready: async () => void (await ready),
    close: async () => {
      subscription.unsubscribe();
      await transport.close();
    },
  };
}
