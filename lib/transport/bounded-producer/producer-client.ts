import type { PubScribeError } from '../../errors/index.js';
import type { OutgoingRecord } from '../records.js';

/**
 * What the bounded producer reads and sets on a Kafka client's own form of a record: its key, to
 * choose its partition, and its partition, set once chosen.
 *
 * @internal
 */
export interface ClientMessage {
  key?: Buffer | string | null;
  /** Not read: every client's record has a value. */
  readonly value?: unknown;
  partition?: number | null;
}

/**
 * What the producer needs to know about a topic to build record batches the broker accepts.
 * `P` is the client's description of a partition; the producer only counts them.
 *
 * @internal
 */
export interface TopicFacts<P = unknown> {
  /** The topic's `max.message.bytes`: the largest record batch one partition accepts. */
  readonly maxMessageBytes: number;
  /** The topic's partitions, to pick each record's partition; undefined when they could not be read. */
  readonly partitions?: P[];
  /** Ids of the partitions that have a leader, where records without a key are spread. */
  readonly available?: readonly number[];
}

/**
 * What learning a topic found: its facts (`complete` when nothing had to be assumed), or that it
 * does not exist (with the broker's error).
 *
 * @internal
 */
export type TopicLesson<P = unknown> =
  | { readonly found: true; readonly facts: TopicFacts<P>; readonly complete: boolean }
  | { readonly found: false; readonly error: unknown };

/**
 * Where the producer learns a topic's `max.message.bytes` and partitions: an admin client, as a
 * Kafka client has it. `learn` never rejects.
 *
 * @internal
 */
export interface TopicFactsSource<P = unknown> {
  learn(topic: string): Promise<TopicLesson<P>>;
  disconnect(): Promise<void>;
}

/**
 * Where a record batch was appended, as the broker answered: the shape of kafkajs's
 * `RecordMetadata`, so the kafkajs client's answers pass through unchanged.
 *
 * @internal
 */
export interface AppendedBatch {
  readonly topicName: string;
  readonly partition: number;
  /** The offset of the batch's first record, as a decimal string. */
  readonly baseOffset?: string;
}

/**
 * What a failed send means for its records, as a client's error classifier reads its errors:
 * - `too-large`: the broker refused a record batch or the request for its size
 *   (`MESSAGE_TOO_LARGE`, `RECORD_LIST_TOO_LARGE`); some record is to blame, or the topic's limit changed.
 * - `record`: the broker (or the client, encoding it) refused some record for another reason that
 *   sending it again will not cure (`INVALID_RECORD`, `INVALID_TIMESTAMP`, a value it cannot encode).
 * - `retriable`: a leader moved, a request timed out, the network failed: sending again may work.
 * - `unknown-topic`: the topic does not exist; the same for every record of it.
 * - `refused`: the broker refuses the client or the topic (credentials, rights, a policy, an
 *   invalid request); the same for every record of the topic.
 * - `fatal`: anything else; it is not the records' fault and retrying will not help.
 *
 * @internal
 */
export type SendFailure = 'too-large' | 'record' | 'retriable' | 'unknown-topic' | 'refused' | 'fatal';

/**
 * One record of a batch handed to {@link ProducerClient.send}: its topic, its partition (chosen,
 * or `CLIENT_CHOOSES`), and the client's form of it, with that partition set.
 *
 * @internal
 */
export interface BatchRecord<M> {
  readonly topic: { readonly name: string };
  readonly partition: number;
  readonly message: M;
}

/**
 * The port between the bounded producer (coalescing, size caps, splitting, retries within the
 * deadline: client-independent) and one Kafka client. `M` is the client's form of a record, made
 * once when the record is queued.
 *
 * @internal
 */
export interface ProducerClient<M extends ClientMessage> {
  /** Connects the client's producer; called once, on first use (and again after a failure). */
  connect(): Promise<void>;
  /** The client's form of `record`, its partition the record's own (or none). */
  message(record: OutgoingRecord): M;
  /**
   * Sends one produce request's worth of records, in order, each to its partition; resolves with
   * where each topic-partition's batch was appended, or rejects with the client's error.
   * The client must not retry past the producer's deadlines (its own retries off, or few).
   */
  send(batch: readonly BatchRecord<M>[]): Promise<readonly AppendedBatch[]>;
  /** What a failure of `send` (or `connect`) means for the records sent. */
  classify(error: unknown): SendFailure;
  /** The client's failure as the typed error a record of `topic` fails with. */
  produceError(error: unknown, topic: string): PubScribeError;
  /** Disconnects the client's producer, once the batches in flight settled. */
  disconnect(): Promise<void>;
}
