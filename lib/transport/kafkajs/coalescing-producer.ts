import type { Message, PartitionMetadata, Producer } from 'kafkajs';
import { BoundedProducer, type BoundedProducerOptions } from '../bounded-producer/bounded-producer.js';
import type { TopicFactsSource } from '../bounded-producer/producer-client.js';
import type { MissingTopics } from '../topic-health.js';
import { KafkajsProducerClient } from './kafkajs-producer-client.js';

/** @internal */
export type CoalescingProducerOptions = BoundedProducerOptions<Message, PartitionMetadata>;

/**
 * The kafkajs transport's producer: the client-independent {@link BoundedProducer} (coalescing,
 * size caps, splitting on refusal, retries within the deadline) on a kafkajs `Producer`, whose
 * topic facts a `TopicCatalog` learns. kafkajs has no linger: every `send` is its own request,
 * which the coalescing makes up for.
 *
 * @internal
 */
export class CoalescingProducer extends BoundedProducer<Message, PartitionMetadata> {
  constructor(
    producer: Producer,
    catalog: TopicFactsSource<PartitionMetadata>,
    missingTopics: MissingTopics,
    options: CoalescingProducerOptions,
  ) {
    super(new KafkajsProducerClient(producer), catalog, missingTopics, options);
  }
}
