import { type BaseOptions, type GroupPartitionsAssigner, type GroupProtocolSubscription } from '@platformatic/kafka';
import { Observable } from 'rxjs';
import { decodePartitionList, encodePartitionList } from '../partition-list.js';
import { stickyLeases } from '../sticky-leases.js';
import type { LeaseEvent, LeaseSubscription } from '../transport.js';
import { GuardedConsumer } from './guarded-clients.js';
import { watchPartitionCounts } from './partition-watch.js';
import { toPlatformaticConnectionError } from './platformatic-errors.js';

/** The protocol name members of a lease group agree on; the kafkajs transport's members use it too. */
const protocolName = 'PubscribeStickyLeases';

/** @platformatic/kafka's form of the sticky lease assignment ({@link stickyLeases}). */
const stickyLeaseAssigner: GroupPartitionsAssigner = (_current, members, topics, metadata) => {
  const [topic] = [...topics];
  const partitionCount = topic === undefined ? 0 : (metadata.topics.get(topic)?.partitionsCount ?? 0);
  const holders = [...members.values()].map((member) => ({
    id: member.memberId,
    held: decodePartitionList(typeof member.metadata === 'string' ? Buffer.from(member.metadata) : member.metadata),
  }));
  const shares = stickyLeases(holders, partitionCount);
  return holders.map(({ id }) => ({
    memberId: id,
    assignments: new Map(topic === undefined ? [] : [[topic, { topic, partitions: shares.get(id) ?? [] }]]),
  }));
};

/**
 * A cold Observable over one membership of a lease group (see `Transport.lease`), on
 * @platformatic/kafka, which can join a group without consuming: nothing is fetched or committed.
 * The member states the partitions it holds in its join metadata at every join, for the sticky
 * assignment. Teardown leaves the group; `teardowns` receives the promise of that.
 *
 * @internal
 */
export function platformaticLease(
  client: BaseOptions,
  subscription: LeaseSubscription,
  teardowns: Set<Promise<void>>,
): Observable<LeaseEvent> {
  return new Observable<LeaseEvent>((subscriber) => {
    const { topic } = subscription;
    let held: readonly number[] = [];
    let generation = 0;
    let closed = false;
    let stopWatch: (() => void) | undefined;
    const consumer = new GuardedConsumer<Buffer, Buffer, Buffer, Buffer>({
      ...client,
      groupId: subscription.groupId,
      sessionTimeout: subscription.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: subscription.heartbeatIntervalMs ?? 3_000,
      autocommit: false,
      autocreateTopics: false,
      ...(subscription.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: subscription.metadataMaxAgeMs }),
    });
    // Read at every (re)join, so the metadata always states what this member holds then.
    const protocol: GroupProtocolSubscription = {
      name: protocolName,
      version: 1,
      get metadata() {
        return encodePartitionList(held);
      },
    };
    const fail = (what: string) => (error: unknown) => {
      if (!closed) subscriber.error(toPlatformaticConnectionError(error, { topic, what }));
    };
    consumer.on('consumer:group:join', () => {
      if (closed) return;
      const assigned = (consumer.assignments ?? []).find((assignment) => assignment.topic === topic);
      held = [...(assigned?.partitions ?? [])].sort((a, b) => a - b);
      generation += 1;
      subscriber.next({ type: 'leases', generation, partitions: held });
    });
    // A failed rejoin; without a listener the client's `error` event would throw.
    consumer.on('error', fail('hold leases'));

    const started = (async () => {
      // A missing topic fails here, in one round trip, rather than inside the join.
      await consumer.metadata({ topics: [topic] });
      if (closed) return;
      consumer.topics.track(topic);
      const join = () => consumer.joinGroup({ protocols: [protocol], partitionAssigner: stickyLeaseAssigner });
      await join();
      if (closed) return;
      // Partitions added to the topic are leased out only after a rejoin, which this client does
      // not make by itself (partition-watch.ts); every member watches, so the leader's lookup is fresh.
      stopWatch = watchPartitionCounts(
        consumer,
        [topic],
        subscription.metadataMaxAgeMs ?? 300_000,
        fail('lease the partitions added to the topic'),
        join,
      );
    })();
    started.catch(fail('join the lease group'));

    return () => {
      closed = true;
      stopWatch?.();
      const teardown = started
        .catch(() => undefined)
        .then(() => consumer.leaveGroup())
        .catch(() => undefined)
        .then(() => consumer.close(true))
        .catch(() => undefined);
      teardowns.add(teardown);
      void teardown.then(() => teardowns.delete(teardown));
    };
  });
}
