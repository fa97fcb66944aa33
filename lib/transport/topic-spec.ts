/**
 * A topic that {@link ensureTopics} makes sure exists.
 *
 * @example
 * import { TopicSpec } from 'pubscribe';
 *
 * const requests: TopicSpec = { topic: 'create-user', partitions: 3, configs: { 'retention.ms': '86400000' } };
 *
 * @since 0.2.0
 * @category transport
 */
export interface TopicSpec {
  /** The topic's name: 1-249 of ASCII letters, digits, `.`, `_` and `-`. */
  readonly topic: string;
  /** How many partitions a new topic gets. Default: the broker's `num.partitions` (1 unless configured). */
  readonly partitions?: number;
  /** How many copies of each partition a new topic keeps. Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Topic configs for a new topic, such as `{ 'cleanup.policy': 'compact' }`. Default: none (the broker's defaults). */
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * What {@link ensureTopics} found and did. A topic that already existed is left exactly as it was:
 * its partitions, replication and configs are not changed to match the spec.
 *
 * @example
 * import { EnsureTopicsResult } from 'pubscribe';
 *
 * const result: EnsureTopicsResult = { created: ['create-user'], existing: ['user-created'] };
 * console.log(`created ${result.created.join(', ') || 'nothing'}`);
 *
 * @since 0.2.0
 * @category transport
 */
export interface EnsureTopicsResult {
  /** Topics this call created, in the order they were asked for. */
  readonly created: readonly string[];
  /** Topics that already existed, in the order they were asked for. */
  readonly existing: readonly string[];
}
