import type { ConsumerCrashEvent, Kafka } from 'kafkajs';
import { Observable, type SchedulerLike } from 'rxjs';
import type { LeaseEvent, LeaseSubscription } from '../transport.js';
import { toConnectionError } from './kafkajs-errors.js';
import { stickyLeaseAssigner } from './sticky-lease-assigner.js';
import { absentTopics, confirmAbsent, unknownTopicError } from './topic-directory.js';

/**
 * A cold Observable over one membership of a lease group (see `Transport.lease`), on kafkajs.
 * kafkajs joins a group only by running a consumer, so this one pauses its topic at every join,
 * before the first fetch of the generation: it fetches nothing, and with `autoCommit` off commits
 * nothing. Partitions are shared out by {@link stickyLeaseAssigner}. Teardown leaves the group;
 * `teardowns` receives the promise of that.
 *
 * @internal
 */
export function leaseConsumer(
  kafka: Kafka,
  subscription: LeaseSubscription,
  teardowns: Set<Promise<void>>,
  scheduler: SchedulerLike,
): Observable<LeaseEvent> {
  return new Observable<LeaseEvent>((subscriber) => {
    const { topic } = subscription;
    let held: readonly number[] = [];
    let generation = 0;
    let closed = false;
    const consumer = kafka.consumer({
      groupId: subscription.groupId,
      sessionTimeout: subscription.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: subscription.heartbeatIntervalMs ?? 3_000,
      // With every partition paused the loop sleeps this long between heartbeats; it bounds teardown.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      partitionAssigners: [stickyLeaseAssigner(() => held)],
      ...(subscription.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: subscription.metadataMaxAgeMs }),
    });
    const admin = kafka.admin();
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (closed) return;
      try {
        // The whole topic, so partitions added later stay paused too.
        consumer.pause([{ topic }]);
      } catch (error) {
        subscriber.error(toConnectionError(error, { topic, what: 'join the lease group' }));
        return;
      }
      held = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      generation += 1;
      subscriber.next({ type: 'leases', generation, partitions: held });
    });
    const removeCrash = consumer.on(consumer.events.CRASH, (event: ConsumerCrashEvent) => {
      if (!closed && !event.payload.restart) {
        subscriber.error(toConnectionError(event.payload.error, { topic, what: 'hold leases' }));
      }
    });

    const started = (async () => {
      await admin.connect();
      const [absent] = await confirmAbsent(kafka, await absentTopics(admin, [topic], scheduler));
      if (absent !== undefined) throw unknownTopicError(absent, 'join the lease group');
      if (closed) return;
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      if (closed) return;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Nothing is fetched; should a batch arrive all the same, it is left unread and uncommitted.
        eachBatch: () => Promise.resolve(),
      });
    })();
    started.catch((error: unknown) => {
      if (!closed) subscriber.error(toConnectionError(error, { topic, what: 'join the lease group' }));
    });

    return () => {
      closed = true;
      removeJoin();
      removeCrash();
      const teardown = started
        .catch(() => undefined)
        .then(() => consumer.disconnect())
        .catch(() => undefined)
        .then(() => admin.disconnect())
        .catch(() => undefined);
      teardowns.add(teardown);
      void teardown.then(() => teardowns.delete(teardown));
    };
  });
}
