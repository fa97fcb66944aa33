import { logLevel } from 'kafkajs';
import * as t from 'io-ts';
import { filter, firstValueFrom, share } from 'rxjs';
import { jsonCodec, kafkajsTransport, serve } from '../../lib';
import type { BenchResponder, BenchTopics } from '../bench-types';

export const Echo = t.type({ n: t.number });
export const echoCodec = jsonCodec(Echo);

/** pubscribe's responder echoing `{ n }`, correlation copied. */
export function pubscribeResponder(topics: BenchTopics): BenchResponder {
  const transport = kafkajsTransport({
    kafka: { clientId: 'bench-responder', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
  });
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
