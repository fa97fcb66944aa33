/**
 * Partition numbers as 4-byte big-endian integers, the way a group member states them in the
 * user data of its join metadata (the partitions it names, or the ones it held).
 *
 * @internal
 */
export function encodePartitionList(partitions: readonly number[]): Buffer {
  const buffer = Buffer.alloc(4 * partitions.length);
  partitions.forEach((partition, index) => buffer.writeInt32BE(partition, index * 4));
  return buffer;
}

/**
 * The partition numbers a member stated in its join metadata; empty for anything unreadable.
 *
 * @internal
 */
export function decodePartitionList(userData: Buffer | null | undefined): number[] {
  if (!userData) return [];
  const partitions: number[] = [];
  for (let at = 0; at + 4 <= userData.length; at += 4) partitions.push(userData.readInt32BE(at));
  return partitions;
}
