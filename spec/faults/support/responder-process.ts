/**
 * One member of the scaled-out echo responder, in its own process so a fault spec can SIGKILL it
 * mid-batch. Answers after a random delay (DELAY_MIN_MS..DELAY_MAX_MS), reports each request it
 * starts and answers when TRACK=1, and its event counts on request.
 */
import { delay, of } from 'rxjs';
import { serve } from '../../../lib/responder';
import { pingCodec, pongCodec } from '../../support/echo-responder';
import { faultTransport } from './fault-transport';
import type { ResponderMessage } from './load-protocol';

const env = process.env;
const name = env.NAME ?? 'responder';
const delayMin = Number(env.DELAY_MIN_MS ?? 0);
const delayMax = Number(env.DELAY_MAX_MS ?? 0);
const track = env.TRACK === '1';
const optional = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
const sessionTimeoutMs = optional(env.SESSION_TIMEOUT_MS);
const heartbeatIntervalMs = optional(env.HEARTBEAT_INTERVAL_MS);
const metadataMaxAgeMs = optional(env.METADATA_MAX_AGE_MS);

// Replies follow the reply topic's partition count only once the producer refreshes metadata.
const transport = faultTransport(name, (env.BROKERS ?? '').split(','), metadataMaxAgeMs);
const post = (message: ResponderMessage) => process.send?.(message);
const counts: Record<string, number> = {};

const subscription = serve({
  transport,
  topic: env.REQUEST_TOPIC ?? '',
  groupId: env.GROUP ?? '',
  requestCodec: pingCodec,
  replyCodec: pongCodec,
  consumer: {
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
    ...(heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs }),
    ...(metadataMaxAgeMs === undefined ? {} : { metadataMaxAgeMs }),
  },
  handler: (request) => {
    if (track) post({ type: 'started', id: `${request.instance}:${request.n}` });
    return of({ ...request, by: name }).pipe(delay(delayMin + Math.random() * (delayMax - delayMin)));
  },
}).subscribe({
  next(event) {
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    if (event.type === 'ready') post({ type: 'ready' });
    if (event.type === 'answered' && track) {
      const decoded = pingCodec.decode(event.record.value);
      if (decoded._tag === 'Right') post({ type: 'answered', id: `${decoded.right.instance}:${decoded.right.n}` });
    }
  },
  error(error: unknown) {
    console.error(`${name}: the responder stopped`, error);
    process.exit(1);
  },
});

process.on('message', (message: { type: 'events' | 'exit' }) => {
  if (message.type === 'events') post({ type: 'events', counts });
  if (message.type === 'exit') {
    subscription.unsubscribe();
    void transport.close().finally(() => process.exit(0));
  }
});

// The spec that forked this process is gone (crashed or killed): do not outlive it.
process.on('disconnect', () => process.exit(1));
