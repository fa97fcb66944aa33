import { isLegalTopicName } from './topic-health.js';
import type { EnsureTopicsResult, TopicSpec } from './topic-spec.js';
import type { Transport } from './transport.js';

const wholeFromOne = (value: number | undefined): boolean =>
  value === undefined || (Number.isInteger(value) && value >= 1);

/** Why `specs` cannot be sent to a broker, or undefined when they can. */
function invalidSpecs(specs: readonly TopicSpec[]): Error | undefined {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (typeof spec.topic !== 'string' || !isLegalTopicName(spec.topic)) {
      return new TypeError(
        `ensureTopics: ${JSON.stringify(spec.topic)} is not a legal topic name ` +
          "(1-249 of ASCII letters, digits, '.', '_' and '-').",
      );
    }
    if (seen.has(spec.topic)) return new TypeError(`ensureTopics: topic '${spec.topic}' is named twice.`);
    seen.add(spec.topic);
    if (!wholeFromOne(spec.partitions)) {
      return new RangeError(
        `ensureTopics: topic '${spec.topic}': \`partitions\` must be a whole number from 1, got ${spec.partitions}.`,
      );
    }
    if (!wholeFromOne(spec.replicationFactor)) {
      return new RangeError(
        `ensureTopics: topic '${spec.topic}': \`replicationFactor\` must be a whole number from 1, ` +
          `got ${spec.replicationFactor}.`,
      );
    }
    for (const [name, value] of Object.entries(spec.configs ?? {})) {
      if (typeof value !== 'string') {
        return new TypeError(`ensureTopics: topic '${spec.topic}': config '${name}' must be a string.`);
      }
    }
  }
  return undefined;
}

/**
 * Creates the topics that do not exist yet, with the partitions, replication factor and configs
 * given, and leaves those that exist as they are. Safe to call on every start of a service: run it
 * twice and the second call creates nothing. Resolves once every created topic has a leader, so a
 * consumer or producer can use it at once.
 *
 * Needs a transport that can administer topics (`kafkajsTransport` and the in-memory one can) and,
 * on a secured cluster, the CREATE right on the topics or the cluster.
 *
 * @example
 * import { ensureTopics, kafkajsTransport } from 'pubscribe';
 *
 * async function setUp(): Promise<void> {
 *   const transport = kafkajsTransport({ kafka: { clientId: 'user-service', brokers: ['127.0.0.1:9092'] } });
 *   const { created, existing } = await ensureTopics(transport, [
 *     { topic: 'create-user', partitions: 3 },
 *     { topic: 'user-created', partitions: 3, configs: { 'retention.ms': '3600000' } },
 *   ]);
 *   console.log(`created: ${created.join(', ') || 'none'}; already there: ${existing.join(', ') || 'none'}`);
 *   await transport.close();
 * }
 *
 * @param transport the transport whose cluster gets the topics
 * @param topics the topics, each a name or a {@link TopicSpec}
 * @returns which topics this call created and which already existed
 * @throws nothing synchronously; the promise rejects with a `TypeError` or `RangeError` for an
 *   illegal name, a topic named twice or a partition count or replication factor that is not a whole
 *   number from 1 (before anything is sent), a `TypeError` when the transport cannot administer
 *   topics, a `ConnectionError` when the cluster cannot be reached or refuses (`reason`
 *   `authorization` without the rights, `rejected` for a replication factor above the broker count
 *   or an unknown config), and a `ClosedError` after the transport was closed
 * @since 0.2.0
 * @category transport
 */
export async function ensureTopics(
  transport: Transport,
  topics: readonly (string | TopicSpec)[],
): Promise<EnsureTopicsResult> {
  const specs = topics.map((topic) => (typeof topic === 'string' ? { topic } : topic));
  const invalid = invalidSpecs(specs);
  if (invalid) throw invalid;
  if (typeof transport.ensureTopics !== 'function') {
    throw new TypeError('ensureTopics: this transport cannot create topics; create them with your Kafka tooling.');
  }
  if (specs.length === 0) return { created: [], existing: [] };
  return transport.ensureTopics(specs);
}
