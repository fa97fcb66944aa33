import { Observable } from 'rxjs';
import { ConnectionError } from '../errors/index.js';
import type { LeaseEvent, LeaseSubscription } from '../transport/transport.js';
import type { InMemoryConsumerContext } from './in-memory-consumer.js';
import type { GroupMember } from './in-memory-groups.js';
import { PendingWork } from './pending-work.js';

/**
 * A cold Observable over one membership of an in-memory lease group: it joins after the ready
 * delay, emits the member's partitions at every rebalance of the group (Kafka's round-robin
 * assignor, as for shared consumers), reads nothing, and leaves the group on unsubscribe.
 *
 * @internal
 */
export function inMemoryLease(
  context: InMemoryConsumerContext,
  subscription: LeaseSubscription,
): Observable<LeaseEvent> {
  return new Observable<LeaseEvent>((subscriber) => {
    const { log, groups } = context;
    const { topic, groupId } = subscription;
    if (log.partitionCount(topic) === undefined) {
      subscriber.error(
        new ConnectionError({ reason: 'unknown-topic', retriable: false, topic, what: 'join the lease group' }),
      );
      return;
    }
    const work = new PendingWork(context.scheduler);
    let generation = 0;
    const member: GroupMember = {
      id: context.nextMemberId(),
      topics: [topic],
      assign: (partitions) => {
        if (subscriber.closed) return;
        generation += 1;
        const held = partitions.map((tp) => tp.partition).sort((a, b) => a - b);
        subscriber.next({ type: 'leases', generation, partitions: held });
      },
    };
    work.schedule(() => groups.join(groupId, member), context.readyDelay);
    return () => {
      work.cancel();
      groups.leave(groupId, member);
    };
  });
}
