import { AssignerProtocol, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';

/** The protocol name members using this assigner agree on when they join. */
const name = 'PubscribeNamedPartitions';
const version = 1;

/** The named partitions as 4-byte big-endian integers, carried in the member's join metadata. */
function encodePartitions(partitions: readonly number[]): Buffer {
  const buffer = Buffer.alloc(4 * partitions.length);
  partitions.forEach((partition, index) => buffer.writeInt32BE(partition, index * 4));
  return buffer;
}

function decodePartitions(userData: Buffer | null | undefined): number[] {
  if (!userData) return [];
  const partitions: number[] = [];
  for (let at = 0; at + 4 <= userData.length; at += 4) partitions.push(userData.readInt32BE(at));
  return partitions;
}

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
          const wanted = decodePartitions(metadata?.userData);
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
        metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: encodePartitions(partitions) }),
      };
    },
  });
}
