import type { TopicPartition } from '../transport/records.js';
import type { InMemoryLog } from './in-memory-log.js';
import type { PendingWork } from './pending-work.js';

/**
 * A consumer as its group sees it.
 *
 * @internal
 */
export interface GroupMember {
  /** Unique per transport and increasing in join order; the assignor sorts members by it. */
  readonly id: number;
  readonly topics: readonly string[];
  /** Each rebalance calls this with the member's new partitions, in topic-then-partition order. */
  readonly assign: (partitions: readonly TopicPartition[]) => void;
}

interface Group {
  readonly members: Map<number, GroupMember>;
  /** The next offset to read, per partition, as the group last committed it. */
  readonly committed: Map<string, number>;
  rebalancePending: boolean;
}

const keyOf = ({ topic, partition }: TopicPartition) => `${partition}:${topic}`;

/**
 * Kafka's round-robin assignor: partitions in topic-then-partition order are dealt to the members
 * in id order, skipping members that do not subscribe to the partition's topic.
 */
function roundRobin(
  members: readonly GroupMember[],
  partitions: readonly TopicPartition[],
): Map<number, TopicPartition[]> {
  const assignment = new Map<number, TopicPartition[]>(members.map((member) => [member.id, []]));
  let turn = 0;
  for (const tp of partitions) {
    for (let tries = 0; tries < members.length; tries++) {
      const member = members[turn % members.length];
      turn += 1;
      if (member.topics.includes(tp.topic)) {
        assignment.get(member.id)?.push(tp);
        break;
      }
    }
  }
  return assignment;
}

/**
 * Consumer groups of `shared` consumers: who is a member, who owns which partition, and what each
 * group committed. A join or leave rebalances the group on the next scheduler turn (several in the
 * same turn make one rebalance), and every member still in the group is assigned again.
 * Committed offsets outlive the members, as they do in Kafka.
 *
 * @internal
 */
export class InMemoryGroups {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly log: InMemoryLog,
    private readonly work: PendingWork,
  ) {}

  join(groupId: string, member: GroupMember): void {
    const group = this.group(groupId);
    group.members.set(member.id, member);
    this.rebalanceSoon(group);
  }

  /** Removes `member`; does nothing if it never joined (it left during its start-up window). */
  leave(groupId: string, member: GroupMember): void {
    const group = this.groups.get(groupId);
    if (group?.members.delete(member.id)) this.rebalanceSoon(group);
  }

  /** Records `offset` as the next offset the group reads from `partition`. */
  commit(groupId: string, partition: TopicPartition, offset: number): void {
    this.group(groupId).committed.set(keyOf(partition), offset);
  }

  /** The group's committed position of `partition`, or undefined if it never committed one. */
  committed(groupId: string, partition: TopicPartition): number | undefined {
    return this.groups.get(groupId)?.committed.get(keyOf(partition));
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = { members: new Map(), committed: new Map(), rebalancePending: false };
      this.groups.set(groupId, group);
    }
    return group;
  }

  private rebalanceSoon(group: Group): void {
    if (group.rebalancePending) return;
    group.rebalancePending = true;
    // On the scheduler, not now: a member leaving from inside another member's event handler must
    // not re-enter that member while it is delivering.
    this.work.schedule(() => {
      group.rebalancePending = false;
      this.rebalance(group);
    });
  }

  private rebalance(group: Group): void {
    const members = [...group.members.values()].sort((a, b) => a.id - b.id);
    const partitions = this.log.partitionsOf(members.flatMap((member) => member.topics));
    const assignment = roundRobin(members, partitions);
    for (const member of members) {
      // An earlier member's handler may have made this one leave.
      if (group.members.has(member.id)) member.assign(assignment.get(member.id) ?? []);
    }
  }
}
