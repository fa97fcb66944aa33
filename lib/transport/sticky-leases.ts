/**
 * A member of a lease group as the assignment sees it: its id and the partitions it held before
 * this rebalance (which it states in its join metadata).
 *
 * @internal
 */
export interface LeaseHolder {
  readonly id: string;
  readonly held: readonly number[];
}

/**
 * Shares `partitionCount` partitions out among `members`: as evenly as can be (counts differ by at
 * most one), and moving as few partitions as that allows, because every partition that moves costs
 * its new holder a reader to start and its old holder one to drain. Members that held more keep
 * the larger shares; a partition claimed by two members (after a split of the group) stays with
 * the first in that order. Deterministic, so any member may compute it.
 *
 * @param members the group's members, in any order
 * @param partitionCount how many partitions the topic has
 * @returns each member's partitions, ascending, by member id
 * @internal
 */
export function stickyLeases(members: readonly LeaseHolder[], partitionCount: number): Map<string, number[]> {
  const assignment = new Map<string, number[]>(members.map((member) => [member.id, []]));
  if (members.length === 0) return assignment;
  const order = [...members].sort((a, b) => b.held.length - a.held.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const base = Math.floor(partitionCount / members.length);
  const larger = partitionCount % members.length;
  const quota = new Map(order.map((member, index) => [member.id, base + (index < larger ? 1 : 0)]));
  const taken = new Set<number>();
  for (const member of order) {
    const mine = assignment.get(member.id)!;
    for (const partition of [...member.held].sort((a, b) => a - b)) {
      if (mine.length >= quota.get(member.id)!) break;
      if (partition < 0 || partition >= partitionCount || taken.has(partition)) continue;
      taken.add(partition);
      mine.push(partition);
    }
  }
  let next = 0;
  for (const member of order) {
    const mine = assignment.get(member.id)!;
    while (mine.length < quota.get(member.id)!) {
      while (taken.has(next)) next += 1;
      taken.add(next);
      mine.push(next);
    }
    mine.sort((a, b) => a - b);
  }
  return assignment;
}
