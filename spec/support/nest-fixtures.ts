import 'reflect-metadata';
import { ClientKafka } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { testKafka, uniqueName, withAdmin } from './kafka-fixtures';
import { eventually } from './test-transport';
import { testBrokers } from './test-brokers';

/** A raw record as read back from a topic, to check what went over the wire. */
export interface WireRecord {
  readonly partition: number;
  readonly key: string | undefined;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | undefined>;
}

/**
 * A stock Nest `ClientKafka` on the test brokers, answering to `<pattern>.reply` for each pattern
 * (those topics must exist). Reads replies from the beginning: the topics are fresh, so no reply
 * can slip past the reply consumer's first fetch.
 */
export async function connectedNestClient(
  patterns: readonly string[],
  groupId = uniqueName('nest'),
): Promise<ClientKafka> {
  const client = new ClientKafka({
    client: { clientId: uniqueName('nest-client'), brokers: testBrokers(), logLevel: logLevel.NOTHING },
    consumer: { groupId, maxWaitTimeInMs: 100 },
    subscribe: { fromBeginning: true },
  });
  for (const pattern of patterns) client.subscribeToResponseOf(pattern);
  await client.connect();
  return client;
}

/** Reads the first `count` records of a topic as they are on the wire. */
export async function readWire(topic: string, count: number): Promise<WireRecord[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('wire-reader'), maxWaitTimeInMs: 100 });
  const seen: WireRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, Buffer | undefined> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          headers[name] = Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value) : undefined;
        }
        seen.push({ partition, key: message.key?.toString(), value: message.value, headers });
      },
    });
    await eventually(async () => seen.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return seen.slice(0, count);
}

/**
 * Creates topics in one request, then waits until the broker answers offset requests for each:
 * that is what a consumer asks first. kafkajs's `waitForLeaders` is not enough when many topics
 * are created at once: it gives up ("does not host this topic-partition"), and a topic whose
 * leader the metadata names may still refuse offset requests ("not the leader") for a moment.
 */
export async function createTopics(specs: readonly { topic: string; numPartitions: number }[]): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: [...specs], waitForLeaders: false });
    for (const { topic } of specs) {
      const serving = await eventually(
        () =>
          admin.fetchTopicOffsets(topic).then(
            () => true,
            () => false,
          ),
        30_000,
        50,
      );
      if (!serving) throw new Error(`topic ${topic} does not answer offset requests after 30 s`);
    }
  });
}

/** The state and member count of a consumer group, as the broker describes it. */
export async function describeGroup(groupId: string): Promise<{ state: string; members: number }> {
  return withAdmin(async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return { state: group?.state ?? 'Unknown', members: group?.members.length ?? 0 };
  });
}

/** Records per partition of a topic (fresh topics: log end = records produced). */
export async function recordsPerPartition(topic: string): Promise<number[]> {
  return withAdmin(async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .sort((a, b) => a.partition - b.partition)
      .map((partition) => Number(partition.high) - Number(partition.low));
  });
}
