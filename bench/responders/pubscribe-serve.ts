import * as t from 'io-ts';
import { filter, firstValueFrom, share } from 'rxjs';
import { jsonCodec, serve } from '../../lib';
import { benchTransport, BenchTransportKind } from '../bench-transport';
import type { BenchResponder, BenchTopics } from '../bench-types';

export const Echo = t.type({ n: t.number });
export const echoCodec = jsonCodec(Echo);

/** pubscribe's responder echoing `{ n }`, correlation copied, on the Kafka client `kind`. */
export function pubscribeResponder(topics: BenchTopics, kind: BenchTransportKind = 'kafkajs'): BenchResponder {
  const transport = benchTransport(kind, 'bench-responder', topics.brokers);
  const events$ = serve({
    transport,
    topic: topics.requests,
    groupId: `${topics.groupPrefix}-responder`,
    requestCodec: echoCodec,
    replyCodec: echoCodec,
    handler: (request) => request,
    concurrency: 1024,
  }).pipe(share());
  const ready = firstValueFrom(events$.pipe(filter((event) => event.type === 'ready')));
  const subscription = events$.subscribe();
  return {
    ready: async () => void (await ready),
    close: async () => {
      subscription.unsubscribe();
      await transport.close();
    },
  };
}
