import { AssignerProtocol, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';
import { decodePartitionList, encodePartitionList } from '../partition-list.js';

/** The protocol name members using this assigner agree on when they join. */
const name = 'PubscribeNamedPartitions';
const version = 1;

/**
 * A kafkajs partition assigner that gives a member the partitions it named, and no others. kafkajs
 * has no manual assignment: a consumer always joins a group, and the group's leader decides who
 * reads what. Each member states its partitions in its join metadata, so the leader, whichever
 * member it is, hands every member exactly those that the topic has.
 *
 * @param partitions the partitions this member reads
 * @returns an assigner for kafkajs's `partitionAssigners`
 * @internal
 */
export function namedPartitionsAssigner(partitions: readonly number[]): PartitionAssigner {
  return ({ cluster }) => ({
    name,
    version,
    assign({ members }): Promise<GroupMemberAssignment[]> {
      return Promise.resolve(
        members.map(({ memberId, memberMetadata }) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(memberMetadata);
          const wanted = decodePartitionList(metadata?.userData);
          const assignment: Record<string, number[]> = {};
          for (const topic of metadata?.topics ?? []) {
            const existing = new Set(cluster.findTopicPartitionMetadata(topic).map((entry) => entry.partitionId));
            assignment[topic] = wanted.filter((partition) => existing.has(partition));
          }
          return {
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({
              version,
              assignment,
              userData: Buffer.alloc(0),
            }),
          };
        }),
      );
    },
    protocol({ topics }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version,
          topics,
          userData: encodePartitionList(partitions),
        }),
      };
    },
  });
}
