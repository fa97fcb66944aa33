import type { Admin, Kafka } from 'kafkajs';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import { ConnectionError } from '../../errors/index.js';
import { connectionReason } from './kafkajs-errors.js';

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

/**
 * `listTopics` leaves out topics the client may not describe as well as missing ones. Asks the
 * broker about each such topic with an admin client that does not retry (one round trip each):
 * resolves with the topics that are really missing, or rejects with the broker's refusal (an
 * authorization failure) for the caller to report as such.
 *
 * @internal
 */
export async function confirmAbsent(kafka: Kafka, topics: readonly string[]): Promise<string[]> {
  if (topics.length === 0) return [];
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const missing: string[] = [];
    for (const topic of topics) {
      try {
        await admin.fetchTopicMetadata({ topics: [topic] });
      } catch (error) {
        if (connectionReason(error) !== 'unknown-topic') throw error;
        missing.push(topic);
      }
    }
    return missing;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The typed error for a topic the cluster does not have: not retriable, it will not appear by itself. */
export function unknownTopicError(topic: string, what: string): ConnectionError {
  return new ConnectionError({ reason: 'unknown-topic', retriable: false, topic, what });
}

/**
 * Which topics exist, as far as producing goes: a topic is looked up once and remembered once
 * found, so a produce to a missing topic fails in milliseconds as an `unknown-topic`
 * `ConnectionError`, where kafkajs's producer would retry the metadata for seconds and keep
 * connections open after `close()`. Lookups at the same moment share one `listTopics` request
 * and one admin connection, which is let go when the last lookup ends: a burst of requests naming
 * many missing reply topics costs a few listings, not a connection each.
 *
 * @internal
 */
export class TopicDirectory {
  private readonly found = new Set<string>();
  private connecting: Promise<Admin> | undefined;
  private listing: Promise<Set<string>> | undefined;
  private active = 0;
  private released: Promise<void> = Promise.resolve();
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
    const lookup = this.lookup(topics);
    this.lookups.add(lookup);
    try {
      return await lookup;
    } finally {
      this.lookups.delete(lookup);
    }
  }

  private async lookup(topics: readonly string[]): Promise<string[]> {
    this.active += 1;
    try {
      let absent = [...new Set(topics)];
      for (const pause of [0, ...recheckAfterMs]) {
        if (pause > 0) await firstValueFrom(timer(pause, this.scheduler));
        const listed = await this.list();
        for (const topic of absent) if (listed.has(topic)) this.found.add(topic);
        absent = absent.filter((topic) => !listed.has(topic));
        if (absent.length === 0) break;
      }
      return await confirmAbsent(this.kafka, absent);
    } catch {
      return [];
    } finally {
      this.active -= 1;
      if (this.active === 0) this.release();
    }
  }

  /** Resolves once no lookup holds an admin connection any more. */
  async settled(): Promise<void> {
    await Promise.all([...this.lookups]);
    await this.released;
  }

  private list(): Promise<Set<string>> {
    this.listing ??= (async () => {
      try {
        const admin = await this.connect();
        return new Set(await admin.listTopics());
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  private connect(): Promise<Admin> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        return admin;
      } catch (error) {
        this.connecting = undefined;
        await admin.disconnect().catch(() => undefined);
        throw error;
      }
    })();
    return this.connecting;
  }

  private release(): void {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    this.released = connecting.then(
      (admin) => admin.disconnect().catch(() => undefined),
      () => undefined,
    );
  }
}
