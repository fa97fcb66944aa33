import type { OutgoingRecord, ProducedRecord } from '../records.js';
import { isLegalTopicName, MissingTopics } from './topic-health.js';
import type { TopicDirectory } from './topic-directory.js';

/**
 * Holds a produce call until every topic it writes to is known to exist or known to be missing, so
 * the producer fails a missing topic's records at once with a typed `unknown-topic` error instead
 * of retrying its metadata for seconds. Only the
 * first calls to a topic wait (one lookup); after that calls go straight through. Calls for one
 * topic leave the gate in the order they came, so a reply never overtakes an earlier one.
 *
 * @internal
 */
export class TopicGate {
  /** Per topic, the gate of the last call still waiting: later calls queue behind it. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(
    private readonly directory: TopicDirectory,
    private readonly missing: MissingTopics,
  ) {}

  produce(
    records: readonly OutgoingRecord[],
    send: (records: readonly OutgoingRecord[]) => Promise<readonly ProducedRecord[]>,
  ): Promise<readonly ProducedRecord[]> {
    const unsure = [...new Set(records.map((record) => record.topic))].filter(
      (topic) =>
        this.waiting.has(topic) ||
        // Illegal and known-missing topics are refused by the producer at once; no lookup needed.
        (!this.directory.has(topic) && isLegalTopicName(topic) && !this.missing.isKnownMissing(topic)),
    );
    if (unsure.length === 0) return send(records);

    const earlier = unsure.flatMap((topic) => {
      const gate = this.waiting.get(topic);
      return gate ? [gate] : [];
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    for (const topic of unsure) this.waiting.set(topic, gate);
    const leave = () => {
      for (const topic of unsure) if (this.waiting.get(topic) === gate) this.waiting.delete(topic);
      open();
    };

    return (async () => {
      try {
        await Promise.all(earlier);
        const lookup = unsure.filter((topic) => !this.directory.has(topic) && !this.missing.isKnownMissing(topic));
        const absent = lookup.length > 0 ? await this.directory.absent(lookup) : [];
        // The producer refuses records for a known-missing topic at once and still sends the others
        // of the call: a bad topic fails only its own records.
        for (const topic of absent) this.missing.markMissing(topic);
      } catch (error) {
        leave();
        throw error;
      }
      // Handed to the producer before the gate opens, so later calls for these topics queue after it.
      let sent: Promise<readonly ProducedRecord[]>;
      try {
        sent = send(records);
      } finally {
        leave();
      }
      return sent;
    })();
  }
}
