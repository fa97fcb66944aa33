import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** The three topics of the flow, named per run so runs against a shared cluster never mix. */
export interface FlowTopics {
  /** Step 1: "create user" requests, keyed by email. */
  readonly createUser: string;
  /** Step 4: "user created" replies; the GraphQL instances' shared reply topic. */
  readonly userCreated: string;
  /** Step 6: "send welcome email" commands for the emailer. */
  readonly sendEmail: string;
}

/**
 * Topic names for one run: `create-user-<run>`, `user-created-<run>`, `send-email-<run>`.
 *
 * @param run a suffix that tells runs apart; random by default
 * @returns the names (nothing is created yet)
 */
export function flowTopics(run = randomUUID().slice(0, 8)): FlowTopics {
  return { createUser: `create-user-${run}`, userCreated: `user-created-${run}`, sendEmail: `send-email-${run}` };
}

/** Partitions of the flow's topics; see {@link createFlowTopics}. */
export interface FlowPartitions {
  /** Of create-user and send-email: several, so keys (emails) spread and order per key holds. Default 3. */
  readonly partitions?: number;
  /**
   * Of user-created, the GraphQL instances' reply topic. Leasing its partitions, an instance
   * reads only its own; one given none (more instances than partitions) reads all of it. Give it
   * at least one per instance. Default `partitions`.
   */
  readonly userCreatedPartitions?: number;
}

/**
 * Creates the flow's topics and waits for their leaders, so no service starts against a topic
 * that is not there yet (pubscribe's producer does not auto-create topics).
 *
 * @param brokers bootstrap brokers
 * @param topics the names from {@link flowTopics}
 * @param partitions how many partitions each topic gets
 */
export async function createFlowTopics(
  brokers: readonly string[],
  topics: FlowTopics,
  { partitions = 3, userCreatedPartitions = partitions }: FlowPartitions = {},
): Promise<void> {
  const admin = new Kafka({
    clientId: 'create-user-demo-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: topics.createUser, numPartitions: partitions },
        { topic: topics.userCreated, numPartitions: userCreatedPartitions },
        { topic: topics.sendEmail, numPartitions: partitions },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * How many records a topic holds (the sum of its partitions' log ends), to check after a run
 * that rejected inputs never reached Kafka.
 *
 * @param brokers bootstrap brokers
 * @param topic the topic to count
 * @returns the record count (the topics are fresh per run, so log end = records produced)
 */
export async function countRecords(brokers: readonly string[], topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'create-user-demo-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes the flow's topics: a run against a long-lived cluster (KAFKA_BROKERS) leaves nothing
 * behind. Best effort: a failure is reported, not thrown, since the run's result stands anyway.
 *
 * @param brokers bootstrap brokers
 * @param topics the run's topics
 * @returns why deleting failed, or undefined
 */
export async function deleteFlowTopics(brokers: readonly string[], topics: FlowTopics): Promise<string | undefined> {
  const admin = new Kafka({
    clientId: 'create-user-demo-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await admin.disconnect();
  }
}
