import { Admin, ConfigResourceTypes, type BaseOptions, type ClusterPartitionMetadata } from '@platformatic/kafka';
import type { TopicFactsSource, TopicLesson } from '../bounded-producer/producer-client.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../record-size.js';
import { platformaticReason } from './platformatic-errors.js';

/**
 * Reads a topic's `max.message.bytes` (`describeConfigs`) and its partitions (metadata) with a
 * @platformatic/kafka `Admin` of its own, created on first use (it connects on its first call).
 * A principal may write to a topic without the right to describe its configuration: then the
 * limit is assumed to be Kafka's default, 1 MiB. When the partitions cannot be read, records go
 * without a partition (the producer's partitioner picks one) and the producer caps the topic's
 * records in a request as if they all went to one partition. The transport never creates topics
 * on use, so a topic the metadata does not know is missing.
 *
 * @internal
 */
export class PlatformaticTopicCatalog implements TopicFactsSource<ClusterPartitionMetadata> {
  private admin: Admin | undefined;

  constructor(private readonly client: BaseOptions) {}

  /** Learns a topic's facts; never rejects. */
  async learn(topic: string): Promise<TopicLesson<ClusterPartitionMetadata>> {
    // A couple of quick retries: a topic created a moment ago may not be listed by every broker yet.
    this.admin ??= new Admin({ ...this.client, retries: 2, retryDelay: 100, autocreateTopics: false });
    const admin = this.admin;
    const [metadata, configs] = await Promise.allSettled([
      admin.metadata({ topics: [topic], forceUpdate: true }),
      admin.describeConfigs({
        resources: [
          { resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['max.message.bytes'] },
        ],
      }),
    ]);
    if (metadata.status === 'rejected' && platformaticReason(metadata.reason) === 'unknown-topic') {
      return { found: false, error: metadata.reason };
    }
    const entry =
      configs.status === 'fulfilled'
        ? configs.value
            .find((resource) => resource.resourceName === topic)
            ?.configs.find((config) => config.name === 'max.message.bytes')
        : undefined;
    const limit = entry?.value === undefined || entry.value === null ? Number.NaN : Number(entry.value);
    const maxMessageBytes = Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_MAX_MESSAGE_BYTES;
    const described = metadata.status === 'fulfilled' ? metadata.value.topics.get(topic) : undefined;
    // The client's map of a topic's partitions is indexed by id; a hole would be a partition it did not describe.
    const partitions = described?.partitions;
    if (partitions === undefined || partitions.length === 0 || partitions.length !== described?.partitionsCount) {
      return { found: true, facts: { maxMessageBytes }, complete: false };
    }
    const available: number[] = [];
    for (let id = 0; id < partitions.length; id += 1) if ((partitions[id]?.leader ?? -1) >= 0) available.push(id);
    return {
      found: true,
      facts: { maxMessageBytes, partitions, available },
      complete: configs.status === 'fulfilled' && entry !== undefined,
    };
  }

  /** Closes the admin client, if one was started. */
  async disconnect(): Promise<void> {
    const admin = this.admin;
    if (admin === undefined) return;
    this.admin = undefined;
    await admin.close();
  }
}
