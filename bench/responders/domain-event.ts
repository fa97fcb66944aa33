import { logLevel } from 'kafkajs';
import { filter, firstValueFrom, share } from 'rxjs';
import { consume, kafkajsTransport } from '../../lib';
import type { BenchResponder, BenchTopics } from '../bench-types';
import { echoCodec } from './pubscribe-serve';

/**
 * A responder that emits plain domain events: the reply is a new record on the reply topic with
 * the request's key and value, and no correlation header (the article's user service). The
 * requester has to match it by predicate.
 */
export function domainEventResponder(topics: BenchTopics): BenchResponder {
  const transport = kafkajsTransport({
    kafka: { clientId: 'bench-domain-responder', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
  });
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
