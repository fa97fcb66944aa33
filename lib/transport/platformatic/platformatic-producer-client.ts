import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { ProduceError, type PubScribeError } from '../../errors/index.js';
import type { AppendedBatch, BatchRecord, ProducerClient, SendFailure } from '../bounded-producer/producer-client.js';
import type { OutgoingRecord } from '../records.js';
import { platformaticSendFailure, toPlatformaticProduceError } from './platformatic-errors.js';

/** What the transport's @platformatic/kafka producer sends: bytes throughout. */
export type PlatformaticMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** How long a send waits for the metadata it fetches afresh before it fails as retriable. */
const METADATA_REFRESH_TIMEOUT_MS = 5_000;

/** `promise`, or a rejection with `timedOut()` after `ms` on `scheduler`. */
function withinMs<T>(promise: Promise<T>, ms: number, scheduler: SchedulerLike, timedOut: () => Error): Promise<T> {
  let timer: Subscription | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = scheduler.schedule(() => reject(timedOut()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => timer?.unsubscribe());
}

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
    private readonly producer: Pick<
      Producer<Buffer, Buffer, Buffer, Buffer>,
      'send' | 'close' | 'metadata' | 'currentMetadata'
    >,
    private readonly acks: number,
    /** Runs the wait for metadata fetched afresh. */
    private readonly scheduler: SchedulerLike = asyncScheduler,
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
    const unlisted = this.unlistedTopics(batch);
    if (unlisted !== undefined) await this.refreshMetadata(unlisted, batch);
    const result = await this.producer.send({ messages, acks: this.acks });
    const appended: AppendedBatch[] = [];
    for (const { topic, partition, offset } of result.offsets ?? []) {
      appended.push({ topicName: topic, partition, baseOffset: offset.toString() });
    }
    return appended;
  }

  /**
   * Topics of the batch whose records name a partition the client's cached metadata does not list;
   * undefined when there are none, the usual case. The client takes a partition number modulo the
   * partition count it knows: a record for a partition added since would be appended to another
   * partition, silently. A topic the cache does not hold at all (a first send, or metadata dropped
   * after a failure) is left to the client, whose send fetches it afresh.
   */
  private unlistedTopics(batch: readonly BatchRecord<PlatformaticMessage>[]): string[] | undefined {
    const known = this.producer.currentMetadata?.topics;
    if (known === undefined) return undefined;
    let unlisted: string[] | undefined;
    for (const { topic, partition } of batch) {
      if (partition < 0) continue;
      const count = known.get(topic.name)?.partitionsCount;
      if (count === undefined || partition < count) continue;
      if (unlisted === undefined) unlisted = [topic.name];
      else if (!unlisted.includes(topic.name)) unlisted.push(topic.name);
    }
    return unlisted;
  }

  /**
   * Fetches the metadata of `topics` afresh, so the send that follows uses it; fails the send, as
   * a failure that usually passes, when a record's partition is still not listed.
   */
  private async refreshMetadata(topics: string[], batch: readonly BatchRecord<PlatformaticMessage>[]): Promise<void> {
    const metadata = await withinMs(
      this.producer.metadata({ topics, forceUpdate: true }),
      METADATA_REFRESH_TIMEOUT_MS,
      this.scheduler,
      () =>
        new ProduceError({
          topic: topics[0],
          retriable: true,
          cause: new Error(
            `Fetching the metadata of ${topics.join(', ')} took over ${METADATA_REFRESH_TIMEOUT_MS} ms.`,
          ),
        }),
    );
    for (const { topic, partition } of batch) {
      const count = metadata.topics.get(topic.name)?.partitionsCount;
      if (partition >= 0 && (count === undefined || partition >= count)) {
        throw new ProduceError({
          topic: topic.name,
          partition,
          retriable: true,
          cause: new Error(
            `The producer's metadata lists ${count ?? 'no'} partitions of topic '${topic.name}', not ` +
              `partition ${partition}; the record is sent again once it does.`,
          ),
        });
      }
    }
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
