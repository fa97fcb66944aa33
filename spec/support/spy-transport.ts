import { Observable, type SchedulerLike } from 'rxjs';
import type { ConsumerSubscription, LeaseSubscription, Transport, TransportEvent } from '../../lib/transport/transport';

/**
 * When one consumer was subscribed and unsubscribed, in scheduler frames: the shape of the logs
 * `expectSubscriptions` compares (`Infinity` while still subscribed).
 */
export interface ConsumerLog {
  readonly subscribedFrame: number;
  unsubscribedFrame: number;
}

/** A transport that passes everything through and logs, per topic, when each consumer ran. */
export interface SpyTransport extends Transport {
  /** The consumers of `topic`, in subscribe order; hand it to `expectSubscriptions`. */
  consumersOf(topic: string): ConsumerLog[];
}

/**
 * Wraps `transport` so a marble test can assert when the code under test started and stopped
 * its consumers, with `expectSubscriptions(spy.consumersOf('replies')).toBe('^--!')`.
 */
export function spyTransport(transport: Transport, scheduler: SchedulerLike): SpyTransport {
  const logs = new Map<string, ConsumerLog[]>();
  const consumersOf = (topic: string): ConsumerLog[] => {
    let log = logs.get(topic);
    if (log === undefined) {
      log = [];
      logs.set(topic, log);
    }
    return log;
  };
  return {
    consumersOf,
    produce: (records) => transport.produce(records),
    close: () => transport.close(),
    ...(transport.lease ? { lease: (subscription: LeaseSubscription) => transport.lease!(subscription) } : {}),
    consume: (subscription: ConsumerSubscription) =>
      new Observable<TransportEvent>((subscriber) => {
        const entries = subscription.topics.map((topic) => {
          const entry: ConsumerLog = { subscribedFrame: scheduler.now(), unsubscribedFrame: Infinity };
          consumersOf(topic).push(entry);
          return entry;
        });
        const inner = transport.consume(subscription).subscribe(subscriber);
        return () => {
          inner.unsubscribe();
          for (const entry of entries) entry.unsubscribedFrame = scheduler.now();
        };
      }),
  };
}
