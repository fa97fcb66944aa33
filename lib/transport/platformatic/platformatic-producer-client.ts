import type { MessageToProduce, Producer } from '@platformatic/kafka';
import type { PubScribeError } from '../../errors/index.js';
import type { AppendedBatch, BatchRecord, ProducerClient, SendFailure } from '../bounded-producer/producer-client.js';
import type { OutgoingRecord } from '../records.js';
import { platformaticSendFailure, toPlatformaticProduceError } from './platformatic-errors.js';

/** What the transport's @platformatic/kafka producer sends: bytes throughout. */
export type PlatformaticMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

const toBuffer = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data) : data);

/**
 * The bounded producer's port on a @platformatic/kafka `Producer`: one `send` per batch, each
 * record with its partition chosen, and `acks` named on every call (@platformatic/kafka 1.35
 * does not apply the producer's `acks` option to `send()`: a send that does not name it asks the
 * leader only). The client sends one produce request per leader; its answer's offsets (bigints)
 * become the port's decimal strings. A record becomes the client's message once, when queued.
 *
 * @internal
 */
export class PlatformaticProducerClient implements ProducerClient<PlatformaticMessage> {
  constructor(
    private readonly producer: Pick<Producer<Buffer, Buffer, Buffer, Buffer>, 'send' | 'close'>,
    private readonly acks: number,
  ) {}

  /** The client connects on its first send. */
  connect(): Promise<void> {
    return Promise.resolve();
  }

  message(record: OutgoingRecord): PlatformaticMessage {
    let headers: Map<Buffer, Buffer> | undefined;
    if (record.headers !== undefined) {
      headers = new Map();
      for (const name in record.headers) headers.set(Buffer.from(name), toBuffer(record.headers[name]!));
    }
    return {
      topic: record.topic,
      key: record.key === null || record.key === undefined ? undefined : toBuffer(record.key),
      value: record.value === null ? undefined : toBuffer(record.value),
      headers,
      partition: record.partition,
    };
  }

  async send(batch: readonly BatchRecord<PlatformaticMessage>[]): Promise<readonly AppendedBatch[]> {
    const messages: PlatformaticMessage[] = new Array(batch.length);
    for (let index = 0; index < batch.length; index += 1) messages[index] = batch[index]!.message;
    const result = await this.producer.send({ messages, acks: this.acks });
    const appended: AppendedBatch[] = [];
    for (const { topic, partition, offset } of result.offsets ?? []) {
      appended.push({ topicName: topic, partition, baseOffset: offset.toString() });
    }
    return appended;
  }

  classify(error: unknown): SendFailure {
    return platformaticSendFailure(error);
  }

  produceError(error: unknown, topic: string): PubScribeError {
    return toPlatformaticProduceError(error, topic);
  }

  async disconnect(): Promise<void> {
    await this.producer.close();
  }
}
