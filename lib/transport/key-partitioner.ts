const seed = 0x9747b28c;
const mix = 0x5bd1e995;

/**
 * Kafka's murmur2 hash, with the 32-bit arithmetic of the Java client (and of kafkajs's default
 * partitioner), so a key lands on the same partition here as on a broker.
 *
 * @internal
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let hash = (seed ^ length) | 0;
  const whole = length & ~3;
  for (let index = 0; index < whole; index += 4) {
    let k = data[index] | (data[index + 1] << 8) | (data[index + 2] << 16) | (data[index + 3] << 24);
    k = Math.imul(k, mix);
    k ^= k >>> 24;
    k = Math.imul(k, mix);
    hash = Math.imul(hash, mix);
    hash ^= k;
  }
  const tail = length & 3;
  if (tail >= 3) hash ^= data[whole + 2] << 16;
  if (tail >= 2) hash ^= data[whole + 1] << 8;
  if (tail >= 1) {
    hash ^= data[whole];
    hash = Math.imul(hash, mix);
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, mix);
  hash ^= hash >>> 15;
  return hash | 0;
}

/**
 * The partition Kafka's default partitioner picks for a keyed record.
 *
 * @internal
 */
export function keyPartition(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
