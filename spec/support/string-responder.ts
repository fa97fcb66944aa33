import { filter, firstValueFrom, share, Subscription } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { HandlerResult, RequestContext, ResponderEvent, serve } from '../../lib/responder';
import type { Transport } from '../../lib/transport/transport';
import { uniqueName } from './kafka-fixtures';

/** Starts `serve` with string codecs and resolves once it is ready; its events are collected. */
export async function startStringResponder(
  transport: Transport,
  topic: string,
  handler: (request: string, context: RequestContext) => HandlerResult<string>,
  options: { handlerTimeoutMs?: number; concurrency?: number; groupId?: string } = {},
): Promise<{ events: ResponderEvent[]; subscription: Subscription; groupId: string }> {
  const groupId = options.groupId ?? uniqueName('strings');
  const events: ResponderEvent[] = [];
  const events$ = serve({
    transport,
    topic,
    groupId,
    requestCodec: stringCodec,
    replyCodec: stringCodec,
    handler,
    ...options,
  }).pipe(share());
  const ready = firstValueFrom(events$.pipe(filter((event) => event.type === 'ready')));
  const subscription = events$.subscribe((event) => events.push(event));
  await ready;
  return { events, subscription, groupId };
}
