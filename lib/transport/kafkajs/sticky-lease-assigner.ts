import { AssignerProtocol, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';
import { decodePartitionList, encodePartitionList } from '../partition-list.js';
import { stickyLeases } from '../sticky-leases.js';

/** The protocol name members of a lease group agree on when they join. */
const name = 'PubscribeStickyLeases';
const version = 1;

/**
 * A kafkajs partition assigner for lease groups: shares the topic's partitions out evenly and
 * moves as few as it can ({@link stickyLeases}). Each member states the partitions it holds in its
 * join metadata, read from `held` at every join, so the leader knows who held what.
 *
 * @param held the partitions this member holds now
 * @returns an assigner for kafkajs's `partitionAssigners`
 * @internal
 */
export function stickyLeaseAssigner(held: () => readonly number[]): PartitionAssigner {
  return ({ cluster }) => ({
    name,
    version,
    assign({ members, topics }): Promise<GroupMemberAssignment[]> {
      const holders = members.map(({ memberId, memberMetadata }) => ({
        id: memberId,
        held: decodePartitionList(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
      }));
      // A lease group subscribes to one topic.
      const topic = topics[0];
      const partitionCount = topic === undefined ? 0 : cluster.findTopicPartitionMetadata(topic).length;
      const shares = stickyLeases(holders, partitionCount);
      return Promise.resolve(
        members.map(({ memberId }) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version,
            assignment: topic === undefined ? {} : { [topic]: shares.get(memberId) ?? [] },
            userData: Buffer.alloc(0),
          }),
        })),
      );
    },
    protocol({ topics }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: encodePartitionList(held()) }),
      };
    },
  });
}
