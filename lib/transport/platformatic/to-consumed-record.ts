import type { Message } from '@platformatic/kafka';
import type { ConsumedRecord } from '../records.js';

/** A @platformatic/kafka message as a transport-neutral record (the last of repeated headers wins). @internal */
export function toConsumedRecord(message: Message<Buffer, Buffer, Buffer, Buffer>): ConsumedRecord {
  const headers: [string, Buffer][] = [];
  for (const [name, value] of message.headers) {
    if (name !== undefined && value !== undefined) headers.push([name.toString(), value]);
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    // fromEntries defines own properties, so a header named `__proto__` cannot change the prototype.
    headers: Object.fromEntries(headers),
    timestamp: message.timestamp.toString(),
  };
}
