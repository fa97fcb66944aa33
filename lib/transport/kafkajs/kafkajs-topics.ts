import type { Admin, Kafka } from 'kafkajs';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import type { EnsureTopicsResult, TopicSpec } from '../topic-spec.js';
import { brokerErrorTypes, toConnectionError } from './kafkajs-errors.js';

/**
 * `ensureTopics` over a kafkajs admin client: one create request per missing topic, so each
 * answer says whether that topic was created (kafkajs resolves `false` when it already existed,
 * including when another client created it a moment earlier). The admin connection lives only as
 * long as the call.
 *
 * @internal
 */
export async function ensureKafkaTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  scheduler: SchedulerLike,
): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  const created: string[] = [];
  const existing: string[] = [];
  let current: string | undefined;
  try {
    await admin.connect();
    const present = new Set(await admin.listTopics());
    for (const spec of specs) {
      current = spec.topic;
      if (present.has(spec.topic)) {
        existing.push(spec.topic);
        continue;
      }
      const made = await admin.createTopics({
        // kafkajs's own wait gives up when the metadata does not list the new topic yet (a KRaft
        // broker takes a moment); waitForLeaders below retries that too.
        waitForLeaders: false,
        topics: [
          {
            topic: spec.topic,
            ...(spec.partitions === undefined ? {} : { numPartitions: spec.partitions }),
            ...(spec.replicationFactor === undefined ? {} : { replicationFactor: spec.replicationFactor }),
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      (made ? created : existing).push(spec.topic);
    }
    current = undefined;
    if (created.length > 0) await waitForLeaders(admin, created, scheduler);
    return { created, existing };
  } catch (error) {
    const codes = brokerErrorTypes(error).filter((code) => code !== 'TOPIC_ALREADY_EXISTS');
    const what = current === undefined ? 'list topics' : `create topic '${current}'`;
    throw toConnectionError(error, { topic: current, what: codes.length > 0 ? `${what} (${codes.join(', ')})` : what });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const notYet = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER']);

/**
 * Resolves once every partition of `topics` has a leader, so records can be produced and consumers
 * positioned at once. Polls the metadata with a growing pause, for at most about 16 s.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], scheduler: SchedulerLike): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { topics: answer } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const led = answer.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (led) return;
      if (attempt >= 20)
        throw new Error(`no leader for the partitions of ${topics.join(', ')} after ${attempt} attempts`);
    } catch (error) {
      const type = (error as { type?: unknown } | null)?.type;
      if (attempt >= 20 || typeof type !== 'string' || !notYet.has(type)) throw error;
    }
    await firstValueFrom(timer(Math.min(1_000, 25 * 2 ** attempt), scheduler));
  }
}
