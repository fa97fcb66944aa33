import type { SchedulerLike } from 'rxjs';

/** Kafka's rule for topic names: 1-249 characters of ASCII letters, digits, '.', '_' and '-'. */
const legalTopic = /^[a-zA-Z0-9._-]{1,249}$/;

/** True when `topic` is a name Kafka would accept ('.' and '..' excepted, as Kafka does). */
export function isLegalTopicName(topic: string): boolean {
  return legalTopic.test(topic) && topic !== '.' && topic !== '..';
}

/**
 * Topics the broker recently said do not exist. Producing to one makes a client refresh metadata
 * and retry (kafkajs for seconds); a responder asked to reply to such a topic (by a request's
 * header) would hold up its other replies that long each time. After one failure, further records
 * to the topic fail at once for `rememberMs`.
 *
 * @internal
 */
export class MissingTopics {
  private readonly missingUntil = new Map<string, number>();

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly rememberMs = 10_000,
  ) {}

  markMissing(topic: string): void {
    this.missingUntil.set(topic, this.scheduler.now() + this.rememberMs);
  }

  isKnownMissing(topic: string): boolean {
    const until = this.missingUntil.get(topic);
    if (until === undefined) return false;
    if (until > this.scheduler.now()) return true;
    this.missingUntil.delete(topic);
    return false;
  }
}
