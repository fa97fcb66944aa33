import { Observable } from 'rxjs';
import type { ConsumedRecord } from '../../lib/transport/records';
import type { ConsumerSubscription, Transport, TransportEvent } from '../../lib/transport/transport';

/** A transport whose consumer stream is given by the test (for marble tests of the layers above). */
export function stubTransport(
  consumer: (subscription: ConsumerSubscription) => Observable<TransportEvent>,
): Transport & {
  readonly subscriptions: ConsumerSubscription[];
} {
  const subscriptions: ConsumerSubscription[] = [];
  return {
    subscriptions,
    produce: async (records) => records.map((record) => ({ topic: record.topic, partition: 0 })),
    consume: (subscription) => {
      subscriptions.push(subscription);
      return consumer(subscription);
    },
    close: async () => undefined,
  };
}

/** A consumed record with a UTF-8 value. */
export function record(value: string | null, offset = '0', topic = 'replies', partition = 0): ConsumedRecord {
  return {
    topic,
    partition,
    offset,
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: {},
    timestamp: '0',
  };
}

/** A batch event holding `records`. */
export function batch(...records: ConsumedRecord[]): TransportEvent {
  return {
    type: 'batch',
    topic: records[0]?.topic ?? 'replies',
    partition: records[0]?.partition ?? 0,
    records,
    ack: () => undefined,
    ackRecord: () => undefined,
  };
}
