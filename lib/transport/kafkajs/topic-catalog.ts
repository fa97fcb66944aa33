import type { Admin, ConfigResourceTypes, Kafka, PartitionMetadata } from 'kafkajs';

/**
 * `ConfigResourceTypes.TOPIC` (2 in Kafka's protocol). Not imported as a value: Node's ES module
 * loader finds only the names kafkajs's CommonJS index exports before its first computed entry,
 * and `ConfigResourceTypes` comes after it.
 */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes.TOPIC;
import type { TopicFactsSource, TopicLesson } from '../bounded-producer/producer-client.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../record-size.js';
import { connectionReason } from './kafkajs-errors.js';

/**
 * Reads a topic's `max.message.bytes` (describeConfigs) and its partitions (metadata) with an admin
 * client of its own, connected on first use. A principal may write to a topic without the right to
 * describe its configuration: then the limit is assumed to be Kafka's default, 1 MiB. When the
 * partitions cannot be read, records go without a partition (kafkajs picks one) and the producer
 * caps the topic's records in a request as if they all went to one partition.
 *
 * @internal
 */
export class TopicCatalog implements TopicFactsSource<PartitionMetadata> {
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Kafka,
    /** With topic auto-creation on, a missing topic is not an error: the first send creates it. */
    private readonly autoCreateTopics: boolean,
  ) {}

  /** Learns a topic's facts; never rejects. */
  async learn(topic: string): Promise<TopicLesson<PartitionMetadata>> {
    let admin: Admin;
    try {
      admin = await this.connect();
    } catch {
      return { found: true, facts: { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES }, complete: false };
    }
    const [metadata, configs] = await Promise.allSettled([
      admin.fetchTopicMetadata({ topics: [topic] }),
      admin.describeConfigs({
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['max.message.bytes'] }],
        includeSynonyms: false,
      }),
    ]);
    if (
      metadata.status === 'rejected' &&
      !this.autoCreateTopics &&
      connectionReason(metadata.reason) === 'unknown-topic'
    ) {
      return { found: false, error: metadata.reason };
    }
    const entry =
      configs.status === 'fulfilled'
        ? configs.value.resources
            .find((resource) => resource.resourceName === topic && resource.errorCode === 0)
            ?.configEntries.find((config) => config.configName === 'max.message.bytes')
        : undefined;
    const limit = entry === undefined ? Number.NaN : Number(entry.configValue);
    const maxMessageBytes = Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_MAX_MESSAGE_BYTES;
    const partitions =
      metadata.status === 'fulfilled'
        ? metadata.value.topics.find((entry) => entry.name === topic)?.partitions
        : undefined;
    if (partitions === undefined || partitions.length === 0) {
      return { found: true, facts: { maxMessageBytes }, complete: false };
    }
    const available = partitions.filter((partition) => partition.leader >= 0).map((partition) => partition.partitionId);
    return {
      found: true,
      facts: { maxMessageBytes, partitions, available },
      complete: configs.status === 'fulfilled' && entry !== undefined,
    };
  }

  private connect(): Promise<Admin> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 100 } });
      this.admin = admin;
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** Disconnects the admin client, if one was started. */
  async disconnect(): Promise<void> {
    const admin = this.admin;
    if (admin === undefined) return;
    this.admin = undefined;
    await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    await admin.disconnect();
  }
}
