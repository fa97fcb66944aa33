/**
 * The emailer of the seed's Figure 1 (step 7): consumes "send welcome email" in a shared group
 * and queues each email in an outbox table. No mail leaves the machine.
 */
import type { Subscription } from 'rxjs';
import { consume, ConsumerEvent, Telemetry } from '../../lib';
import { SendWelcomeEmail, sendWelcomeEmailCodec } from './messages';
import { openOutboxStore } from './outbox-store';
import { serviceTransport } from './service-transport';
import type { FlowTopics } from './topics';
import { inDatabaseSpan } from './traced-work';
import { subscribeUntilReady } from './until-ready';

/** Options of {@link startEmailerService}. */
export interface EmailerServiceOptions {
  readonly brokers: readonly string[];
  readonly topics: FlowTopics;
  /** The SQLite file of the outbox table. */
  readonly databasePath: string;
  /** The consumer group every emailer instance shares. Default `emailer`. */
  readonly groupId?: string;
  readonly instance?: string;
  readonly log?: (line: string) => void;
  /** Called when the consumer dies after it was ready. */
  readonly onFailure?: (error: unknown) => void;
  /** Traces of the consumer (`openTelemetry()`): each record handled in its own span. None by default. */
  readonly telemetry?: Telemetry;
}

/** A running emailer instance. */
export interface EmailerService {
  /** Emails queued and records that could not be decoded (skipped, logged). */
  counts(): { readonly queued: number; readonly undecodable: number };
  close(): Promise<void>;
}

/**
 * Starts one emailer instance and resolves once its consumer is ready.
 *
 * @example
 * const emailer = await startEmailerService({ brokers: ['127.0.0.1:9092'], topics, databasePath: '/tmp/outbox.db' });
 * // ... later
 * await emailer.close();
 *
 * @param options brokers, topics, the database file and the group
 * @returns the running instance
 */
export async function startEmailerService(options: EmailerServiceOptions): Promise<EmailerService> {
  const log = options.log ?? (() => undefined);
  const outbox = openOutboxStore(options.databasePath);
  const transport = serviceTransport(options.brokers, options.instance ?? 'emailer');
  const counts = { queued: 0, undecodable: 0 };
  const handle = (event: ConsumerEvent<SendWelcomeEmail>) => {
    if (event.type !== 'message') return;
    if (event.value._tag === 'Left') {
      // One bad record must not stop the emails behind it: log it and go on.
      counts.undecodable += 1;
      log(event.value.left.message);
      return;
    }
    const email = event.value.right;
    // Inside pubscribe's `process send-email` span, a child of the user service's handler: the
    // record carries its context (context.send put it there).
    inDatabaseSpan('INSERT outbox', () => outbox.add(email));
    counts.queued += 1;
  };
  const events = consume(transport, {
    topic: options.topics.sendEmail,
    codec: sendWelcomeEmailCodec,
    membership: 'shared',
    groupId: options.groupId ?? 'emailer',
    // Work queued before the group first joined is still work to do.
    startAt: 'earliest',
    telemetry: options.telemetry,
  });
  let subscription: Subscription | undefined;
  const close = async () => {
    subscription?.unsubscribe();
    await transport.close();
    outbox.close();
  };
  try {
    subscription = await subscribeUntilReady(events, handle, options.onFailure ?? (() => undefined));
  } catch (error) {
    await close();
    throw error;
  }
  return { counts: () => ({ ...counts }), close };
}
