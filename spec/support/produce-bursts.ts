import {
  Producer as PlatformaticClientProducer,
  type ProduceResult,
  type Producer as PlatformaticProducer,
  type SendOptions,
} from '@platformatic/kafka';
import { expect } from 'chai';
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { isProduceError } from '../../lib/errors';
import { kafkajsTransport, type KafkajsTransportOptions } from '../../lib/transport/kafkajs/kafkajs-transport';
import { recordBatchBytes } from '../../lib/transport/record-size';
import type { OutgoingRecord, ProducedRecord } from '../../lib/transport/records';
import { platformaticTransport } from '../../lib/transport/platformatic/platformatic-transport';
import type { Transport } from '../../lib/transport/transport';
import type { TransportKind } from './transport-kinds';
import { testKafka, uniqueName, withAdmin } from './kafka-fixtures';
import { testBrokers } from './test-brokers';

/** What the producer under a transport did: its produce requests, and sends the broker refused. */
export interface ProducerStats {
  /** Produce requests sent, and the size of each in bytes (as the client wrote it). */
  readonly requestSizes: number[];
  /** Errors of the client's sends, by the broker's error type (or the error's name). */
  readonly sendFailures: string[];
}

/** The produce limits both transports take. */
export interface WatchedOptions {
  readonly maxRequestBytes?: number;
}

/**
 * A transport of `kind` on the test brokers whose producer is watched: every produce request's
 * size and every failed send of the client.
 */
export function watchedTransport(
  kind: TransportKind['name'] = 'kafkajs',
  options: WatchedOptions = {},
): { readonly transport: Transport; readonly stats: ProducerStats } {
  return kind === 'platformatic' ? watchedPlatformaticTransport(options) : watchedKafkajsTransport(options);
}

/**
 * kafkajs: request sizes from its debug log line for each request it encodes; failures from a
 * wrapped `sendBatch`.
 */
function watchedKafkajsTransport(options: Omit<KafkajsTransportOptions, 'kafka'>): {
  readonly transport: Transport;
  readonly stats: ProducerStats;
} {
  const stats = { requestSizes: [] as number[], sendFailures: [] as string[] };
  const kafka = new Kafka({
    clientId: uniqueName('watched'),
    brokers: testBrokers(),
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const { message, size } = entry.log as { message?: string; size?: number };
      if (typeof size === 'number' && message?.startsWith('Request Produce(')) stats.requestSizes.push(size);
    },
  });
  const createProducer = kafka.producer.bind(kafka);
  kafka.producer = (config) => {
    const producer: Producer = createProducer(config);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch) => {
      try {
        return await sendBatch(batch);
      } catch (error) {
        const shape = error as { type?: string; name?: string; cause?: { type?: string } };
        stats.sendFailures.push(shape.type ?? shape.cause?.type ?? shape.name ?? String(error));
        throw error;
      }
    };
    return producer;
  };
  return { transport: kafkajsTransport({ ...options, kafka }), stats };
}

/** The first broker error id in a @platformatic/kafka error (it aggregates one per partition). */
function platformaticFailure(error: unknown): string {
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const link = queue.shift() as { apiId?: string; errors?: unknown[]; cause?: unknown } | undefined;
    if (typeof link !== 'object' || link === null) continue;
    if (typeof link.apiId === 'string') return link.apiId;
    if (Array.isArray(link.errors)) queue.push(...link.errors);
    if (link.cause !== undefined) queue.push(link.cause);
  }
  return (error as { code?: string }).code ?? String(error);
}

/**
 * @platformatic/kafka: the transport's producer is caught as it is created (the client announces
 * every instance on a diagnostics channel) and its `send` wrapped to see failures; request sizes
 * are the bytes each Produce request (API key 0) wrote to its connection's socket, seen on the
 * client's tracing channel around the write.
 */
function watchedPlatformaticTransport(options: WatchedOptions): {
  readonly transport: Transport;
  readonly stats: ProducerStats;
} {
  const stats = { requestSizes: [] as number[], sendFailures: [] as string[] };
  const producers: PlatformaticProducer<Buffer, Buffer, Buffer, Buffer>[] = [];
  const onInstance = (message: unknown) => {
    const { type, instance } = message as {
      type: string;
      instance: PlatformaticProducer<Buffer, Buffer, Buffer, Buffer>;
    };
    if (type === 'producer') producers.push(instance);
  };
  subscribe('plt:kafka:instances', onInstance);
  let transport: Transport;
  try {
    transport = platformaticTransport({
      client: { clientId: uniqueName('watched'), bootstrapBrokers: testBrokers(), retries: 5, retryDelay: 200 },
      ...options,
    });
  } finally {
    unsubscribe('plt:kafka:instances', onInstance);
  }
  expect(producers, 'the transport created one producer').to.have.length(1);
  const producer = producers[0]!;
  const send = producer.send.bind(producer) as (
    options: SendOptions<Buffer, Buffer, Buffer, Buffer>,
  ) => Promise<ProduceResult>;
  producer.send = (async (sendOptions: SendOptions<Buffer, Buffer, Buffer, Buffer>) => {
    try {
      return await send(sendOptions);
    } catch (error) {
      stats.sendFailures.push(platformaticFailure(error));
      throw error;
    }
  }) as typeof producer.send;
  type ApiDiagnostic = {
    apiKey?: number;
    connection?: { ownerId?: number; socket?: { bytesWritten: number } };
    writtenBefore?: number;
  };
  const ours = (context: ApiDiagnostic) =>
    context.apiKey === 0 && context.connection?.ownerId === producer.instanceId && context.connection.socket;
  const api = tracingChannel('plt:kafka:connections:api');
  const handlers = {
    start(context: unknown) {
      const diagnostic = context as ApiDiagnostic;
      const socket = ours(diagnostic);
      if (socket) diagnostic.writtenBefore = socket.bytesWritten;
    },
    end(context: unknown) {
      const diagnostic = context as ApiDiagnostic;
      const socket = ours(diagnostic);
      if (socket && diagnostic.writtenBefore !== undefined) {
        stats.requestSizes.push(socket.bytesWritten - diagnostic.writtenBefore);
        diagnostic.writtenBefore = undefined;
      }
    },
    asyncStart() {},
    asyncEnd() {},
    error() {},
  };
  api.subscribe(handlers);
  const close = transport.close.bind(transport);
  return {
    transport: {
      ...transport,
      close: async () => {
        try {
          await close();
        } finally {
          api.unsubscribe(handlers);
        }
      },
    },
    stats,
  };
}

/**
 * A bare producer of `kind`'s client, no transport in between and no retries: `send` produces one
 * record and says `'accepted'`, or the broker's error type.
 */
export async function rawProducer(kind: TransportKind['name']): Promise<{
  send(record: OutgoingRecord): Promise<string>;
  close(): Promise<void>;
}> {
  if (kind === 'platformatic') {
    const producer = new PlatformaticClientProducer<Buffer, Buffer, Buffer, Buffer>({
      clientId: uniqueName('raw'),
      bootstrapBrokers: testBrokers(),
      retries: 0,
    });
    const bytes = (data: Buffer | string | null | undefined) =>
      data === null || data === undefined ? undefined : Buffer.from(data);
    return {
      send: (record) =>
        producer
          .send({
            messages: [
              {
                topic: record.topic,
                key: bytes(record.key),
                value: bytes(record.value),
                headers: new Map(
                  Object.entries(record.headers ?? {}).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]),
                ),
              },
            ],
            acks: -1,
          })
          .then(
            () => 'accepted',
            (error: unknown) => platformaticFailure(error),
          ),
      close: () => producer.close(),
    };
  }
  const producer = testKafka(uniqueName('raw')).producer({ retry: { retries: 0 } });
  await producer.connect();
  return {
    send: (record) =>
      producer
        .send({ topic: record.topic, messages: [{ key: record.key, value: record.value, headers: record.headers }] })
        .then(
          () => 'accepted',
          (error: { type?: string; cause?: { type?: string } }) => error.type ?? error.cause?.type ?? String(error),
        ),
    close: () => producer.disconnect(),
  };
}

/** How one record's own `produce` call ended. */
export interface Settled {
  readonly record: OutgoingRecord;
  readonly acknowledged: boolean;
  readonly produced?: ProducedRecord;
  readonly error?: unknown;
}

/**
 * Produces each record with a `produce` call of its own, all in the same tick, and waits for all
 * of them; checks that each call settled exactly once.
 */
export async function burst(transport: Transport, records: readonly OutgoingRecord[]): Promise<Settled[]> {
  const settlements = new Array<number>(records.length).fill(0);
  const calls = records.map((record, index) =>
    transport.produce([record]).then(
      ([produced]): Settled => {
        settlements[index]! += 1;
        return { record, acknowledged: true, produced };
      },
      (error: unknown): Settled => {
        settlements[index]! += 1;
        return { record, acknowledged: false, error };
      },
    ),
  );
  const settled = await Promise.all(calls);
  expect(settlements.every((count) => count === 1)).to.equal(true);
  return settled;
}

/**
 * Records in a topic's log: the sum over its partitions of the high watermark less the log start.
 * Right after a topic is created the broker may not answer for it yet: asked again then.
 */
export async function logCount(topic: string): Promise<number> {
  for (let tries = 1; ; tries += 1) {
    try {
      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
      return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
    } catch (error) {
      if (tries >= 20 || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A topic's `max.message.bytes`, read from the broker. */
export async function maxMessageBytesOf(topic: string): Promise<number> {
  const described = await withAdmin((admin) =>
    admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    }),
  );
  return Number(described.resources[0]?.configEntries[0]?.configValue);
}

/** A value of `bytes` ASCII bytes. */
export const valueOf = (bytes: number, fill = 'v'): string => fill.repeat(bytes);

/**
 * The longest value for which a record (otherwise as `shape`) is at most `limit` bytes as Kafka
 * encodes it alone, and the shortest for which it is over.
 */
export function edgeValues(shape: Omit<OutgoingRecord, 'value'>, limit: number): { under: number; over: number } {
  let length = limit;
  while (length > 0 && recordBatchBytes({ ...shape, value: valueOf(length) }) > limit) length -= 1;
  return { under: length, over: length + 1 };
}

/**
 * The rule every test checks: each record was acknowledged (and is in the log exactly once), or
 * it was one of the `oversized` ones, and failed alone with a `ProduceError` that names its size
 * and the limit. `limits` maps each topic to its `max.message.bytes`; `logBefore` the log counts
 * taken before the burst.
 */
export async function expectAcknowledgedOnceOrFailedAlone(
  settled: readonly Settled[],
  limits: ReadonlyMap<string, number>,
  logBefore: ReadonlyMap<string, number>,
): Promise<{ acknowledged: number; failed: number }> {
  const acknowledgedPerTopic = new Map<string, number>();
  let failed = 0;
  for (const [index, outcome] of settled.entries()) {
    const { record } = outcome;
    const limit = limits.get(record.topic)!;
    const recordBytes = recordBatchBytes(record);
    if (recordBytes > limit) {
      failed += 1;
      expect(outcome.acknowledged, `record ${index} (${recordBytes} bytes) is over the limit of ${limit}`).to.equal(
        false,
      );
      expect(isProduceError(outcome.error), String(outcome.error)).to.equal(true);
      expect(outcome.error).to.include({
        reason: 'record-too-large',
        retriable: false,
        recordBytes,
        limitBytes: limit,
        limitName: 'max.message.bytes',
        topic: record.topic,
      });
    } else {
      expect(outcome.acknowledged, `record ${index} (${recordBytes} bytes): ${String(outcome.error)}`).to.equal(true);
      acknowledgedPerTopic.set(record.topic, (acknowledgedPerTopic.get(record.topic) ?? 0) + 1);
    }
  }
  for (const topic of limits.keys()) {
    const appended = (await logCount(topic)) - (logBefore.get(topic) ?? 0);
    expect(appended, `records appended to ${topic}: each acknowledged record exactly once`).to.equal(
      acknowledgedPerTopic.get(topic) ?? 0,
    );
  }
  return { acknowledged: settled.length - failed, failed };
}

/** The log counts of `topics`, to compare with after a burst. */
export async function logCounts(topics: Iterable<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const topic of topics) counts.set(topic, await logCount(topic));
  return counts;
}
