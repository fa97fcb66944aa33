import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { PubScribeError } from '../../errors/index.js';
import type { AppendedBatch, BatchRecord, ProducerClient, SendFailure } from '../bounded-producer/producer-client.js';
import type { OutgoingRecord } from '../records.js';
import { sendFailure, toProduceError } from './kafkajs-errors.js';

/**
 * The bounded producer's port on a kafkajs `Producer`: one `sendBatch` per batch, its answer
 * (`RecordMetadata`, already the port's shape) passed through, its errors read by `sendFailure`.
 * A record becomes a kafkajs `Message` once, when queued; kafkajs's own retries should be off.
 *
 * @internal
 */
export class KafkajsProducerClient implements ProducerClient<Message> {
  constructor(private readonly producer: Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>) {}

  connect(): Promise<void> {
    return this.producer.connect();
  }

  message(record: OutgoingRecord): Message {
    return { key: record.key ?? null, value: record.value, headers: record.headers, partition: record.partition };
  }

  send(batch: readonly BatchRecord<Message>[]): Promise<readonly AppendedBatch[]> {
    return this.producer.sendBatch({ topicMessages: topicMessages(batch) });
  }

  classify(error: unknown): SendFailure {
    return sendFailure(error);
  }

  produceError(error: unknown, topic: string): PubScribeError {
    return toProduceError(error, topic);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** The batch grouped by topic, in order, as `sendBatch` takes it. */
function topicMessages(batch: readonly BatchRecord<Message>[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const pending of batch) {
    const messages = byTopic.get(pending.topic.name);
    if (messages === undefined) byTopic.set(pending.topic.name, [pending.message]);
    else messages.push(pending.message);
  }
  const grouped: TopicMessages[] = [];
  for (const [topic, messages] of byTopic) grouped.push({ topic, messages });
  return grouped;
}
