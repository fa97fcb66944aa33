import type { KafkaMessage } from 'kafkajs';
import { normaliseHeaders } from '../../headers/index.js';
import type { ConsumedRecord } from '../records.js';

/** A kafkajs message as a transport-neutral record. @internal */
export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: normaliseHeaders(message.headers),
    timestamp: message.timestamp,
  };
}
