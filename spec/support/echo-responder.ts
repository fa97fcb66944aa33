import * as t from 'io-ts';
import { filter, firstValueFrom, share, Subscription } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { HandlerResult, RequestContext, ResponderEvent, serve } from '../../lib/responder';
import type { Transport } from '../../lib/transport/transport';

/** The request payload the specs send. */
export const Ping = t.type({ instance: t.string, n: t.number });
export type Ping = t.TypeOf<typeof Ping>;
/** The echo reply: the request back, and who answered. */
export const Pong = t.type({ instance: t.string, n: t.number, by: t.string });
export type Pong = t.TypeOf<typeof Pong>;
export const pingCodec = jsonCodec(Ping);
export const pongCodec = jsonCodec(Pong);

/** Starts a responder and resolves once it is ready; the events are collected for assertions. */
export async function startResponder(
  transport: Transport,
  topic: string,
  groupId: string,
  handler: (request: Ping, context: RequestContext) => HandlerResult<Pong> = (request) => ({
    ...request,
    by: groupId,
  }),
  replyTopic?: string,
): Promise<{ events: ResponderEvent[]; subscription: Subscription }> {
  const events: ResponderEvent[] = [];
  const events$ = serve({
    transport,
    topic,
    groupId,
    requestCodec: pingCodec,
    replyCodec: pongCodec,
    handler,
    replyTopic,
  }).pipe(share());
  const ready = firstValueFrom(events$.pipe(filter((event) => event.type === 'ready')));
  const subscription = events$.subscribe((event) => events.push(event));
  await ready;
  return { events, subscription };
}
