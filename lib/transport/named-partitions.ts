import { ConnectionError } from '../errors/index.js';
import type { ConsumerSubscription } from './transport.js';

/**
 * Checks a subscription's `partitions` (see {@link ConsumerSubscription.partitions}) before
 * anything touches Kafka: a mistake there is the caller's, and a stream that errors later would
 * hide it behind a connection failure.
 *
 * @throws TypeError for `partitions` with `shared` membership, with other than one topic, or that
 *   is not an array of numbers
 * @throws RangeError for an empty list, a number that is not a whole number from 0, or a repeated one
 * @internal
 */
export function checkNamedPartitions(subscription: ConsumerSubscription): void {
  const named: unknown = subscription.partitions;
  if (named === undefined) return;
  const where = `consume: \`partitions\` of the subscription to ${subscription.topics.map((t) => `'${t}'`).join(', ')}`;
  if (!Array.isArray(named)) throw new TypeError(`${where} must be an array of partition numbers.`);
  if (subscription.membership !== 'private') {
    throw new TypeError(
      `${where} needs \`membership: 'private'\`: a shared group divides the partitions among its members itself.`,
    );
  }
  if (subscription.topics.length !== 1) {
    throw new TypeError(`${where} needs exactly one topic, since partition numbers belong to a topic.`);
  }
  if (named.length === 0) {
    throw new RangeError(
      `${where} is empty: name at least one partition, or leave \`partitions\` out to read them all.`,
    );
  }
  const seen = new Set<number>();
  for (const partition of named as unknown[]) {
    if (typeof partition !== 'number') {
      throw new TypeError(`${where} must hold numbers, got ${typeof partition}.`);
    }
    if (!Number.isSafeInteger(partition) || partition < 0) {
      throw new RangeError(`${where} must hold whole numbers from 0, got ${partition}.`);
    }
    if (seen.has(partition)) throw new RangeError(`${where} names partition ${partition} twice.`);
    seen.add(partition);
  }
}

/**
 * The first named partition the topic does not have, given its partition count; undefined when the
 * topic has them all (or none were named).
 *
 * @internal
 */
export function missingPartition(subscription: ConsumerSubscription, partitionCount: number): number | undefined {
  return subscription.partitions?.find((partition) => partition >= partitionCount);
}

/**
 * The typed error for a named partition the topic does not have: not retriable, partitions are
 * not added by themselves.
 *
 * @internal
 */
export function unknownPartitionError(topic: string, partition: number, partitionCount: number): ConnectionError {
  return new ConnectionError({
    reason: 'unknown-partition',
    retriable: false,
    topic,
    partition,
    what: `read partition ${partition} (the topic has ${partitionCount})`,
  });
}
