import type { Admin, Kafka } from 'kafkajs';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import { ConnectionError } from '../../errors/index.js';

/**
 * A topic created a moment ago may not be listed by every broker yet: a missing topic is looked up
 * again after each of these pauses before it counts as missing (about 0.5 s in all).
 */
const recheckAfterMs = [50, 150, 300];

/**
 * The topics of `topics` that the cluster does not have, asked with `listTopics` (one round trip,
 * no retries inside kafkajs: its metadata calls retry an unknown topic for 8-12 s).
 *
 * @internal
 */
export async function absentTopics(
  admin: Admin,
  topics: readonly string[],
  scheduler: SchedulerLike,
): Promise<string[]> {
  let absent = [...new Set(topics)];
  for (const pause of [0, ...recheckAfterMs]) {
    if (pause > 0) await firstValueFrom(timer(pause, scheduler));
    const listed = new Set(await admin.listTopics());
    absent = absent.filter((topic) => !listed.has(topic));
    if (absent.length === 0) return absent;
  }
  return absent;
}

/** The typed error for a topic the cluster does not have: not retriable, it will not appear by itself. */
export function unknownTopicError(topic: string, what: string): ConnectionError {
  return new ConnectionError({ reason: 'unknown-topic', retriable: false, topic, what });
}

/**
 * Which topics exist, as far as producing goes: a topic is looked up once (an admin connection
 * that lives only for the lookup) and remembered once found, so a produce to a missing topic fails
 * in milliseconds as an `unknown-topic` `ConnectionError`, where kafkajs's producer would retry
 * the metadata for seconds and keep connections open after `close()`.
 *
 * @internal
 */
export class TopicDirectory {
  private readonly found = new Set<string>();
  private readonly lookups = new Set<Promise<unknown>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** True once `topic` was seen to exist. */
  has(topic: string): boolean {
    return this.found.has(topic);
  }

  /**
   * The topics of `topics` that do not exist. A lookup that fails (brokers unreachable) answers
   * "none missing": the producer's own retries and errors then apply, as without this directory.
   */
  async absent(topics: readonly string[]): Promise<string[]> {
    const admin = this.kafka.admin();
    const lookup = (async () => {
      try {
        await admin.connect();
        const absent = await absentTopics(admin, topics, this.scheduler);
        for (const topic of topics) if (!absent.includes(topic)) this.found.add(topic);
        return absent;
      } catch {
        return [];
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })();
    this.lookups.add(lookup);
    try {
      return await lookup;
    } finally {
      this.lookups.delete(lookup);
    }
  }

  /** Resolves once every lookup in flight has let go of its connection. */
  async settled(): Promise<void> {
    await Promise.all([...this.lookups]);
  }
}
