import { ConnectionError, ProduceError, PubScribeError, isPubScribeError } from '../../errors/index.js';
import type { SendFailure } from '../bounded-producer/producer-client.js';

interface KafkaJSErrorShape {
  readonly name?: string;
  readonly type?: string;
  readonly retriable?: boolean;
  readonly message?: string;
}

const shapeOf = (error: unknown): KafkaJSErrorShape =>
  typeof error === 'object' && error !== null ? (error as KafkaJSErrorShape) : {};

/** The error, its causes, and the parts of an aggregate (kafkajs reports per-topic admin failures so). */
function causeChain(error: unknown): KafkaJSErrorShape[] {
  const chain: KafkaJSErrorShape[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 16) {
    const current = queue.shift();
    if (!current) continue;
    chain.push(shapeOf(current));
    const next = shapeOf(current) as { cause?: unknown; originalError?: unknown; errors?: unknown };
    queue.push(next.originalError ?? next.cause);
    if (Array.isArray(next.errors)) queue.push(...(next.errors as unknown[]));
  }
  return chain;
}

/** Broker error codes that say the request itself is wrong: sending it again will not help. */
const rejectedTypes = new Set([
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'INVALID_CONFIG',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'UNSUPPORTED_VERSION',
]);

/** The broker's error codes in a kafkajs failure (`INVALID_REPLICATION_FACTOR`, ...), for messages. */
export function brokerErrorTypes(error: unknown): string[] {
  return [...new Set(causeChain(error).flatMap((link) => (typeof link.type === 'string' ? [link.type] : [])))];
}

/** Why a kafkajs failure happened, read from its error name and protocol error type. */
export function connectionReason(
  error: unknown,
): 'authentication' | 'authorization' | 'unknown-topic' | 'rejected' | 'network' {
  for (const link of causeChain(error)) {
    if (link.name === 'KafkaJSSASLAuthenticationError' || link.type === 'SASL_AUTHENTICATION_FAILED') {
      return 'authentication';
    }
    if (link.type?.endsWith('_AUTHORIZATION_FAILED')) return 'authorization';
    if (link.type === 'UNKNOWN_TOPIC_OR_PARTITION') return 'unknown-topic';
  }
  if (causeChain(error).some((link) => link.type !== undefined && rejectedTypes.has(link.type))) return 'rejected';
  return 'network';
}

/**
 * A kafkajs failure of a consumer or admin call as a `ConnectionError`. The message names the
 * reason and the topic, never the client's credentials.
 *
 * @internal
 */
export function toConnectionError(error: unknown, context: { topic?: string; what: string }): PubScribeError {
  if (isPubScribeError(error)) return error;
  const reason = connectionReason(error);
  // kafkajs marks a failure non-retriable once its own retries are spent; for the caller a network
  // failure may still clear, while bad credentials or missing rights will not.
  const retriable = reason === 'network';
  return new ConnectionError({ reason, retriable, topic: context.topic, what: context.what, cause: error });
}

/** @internal */
export function toProduceError(error: unknown, topic: string | undefined): PubScribeError {
  if (isPubScribeError(error)) return error;
  const reason = connectionReason(error);
  if (reason !== 'network' && reason !== 'rejected')
    return new ConnectionError({ reason, retriable: false, topic, what: 'produce', cause: error });
  return new ProduceError({ topic, retriable: shapeOf(error).retriable !== false, cause: error });
}

const tooLargeTypes = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const recordTypes = new Set(['INVALID_RECORD', 'INVALID_TIMESTAMP']);
const encodingErrors = new Set(['TypeError', 'RangeError']);
/** kafkajs's wrappers: their `retriable` says whether kafkajs gave up, not whether the cause may pass. */
const wrappers = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/**
 * What a failed `sendBatch` means for its records (see `SendFailure`): read from kafkajs's error
 * names and the broker's error types (`MESSAGE_TOO_LARGE`, `INVALID_RECORD`, ...), through its
 * wrappers and causes; a TypeError or RangeError from encoding is the record's fault.
 *
 * @internal
 */
export function sendFailure(error: unknown): SendFailure {
  if (isPubScribeError(error)) return error.retriable ? 'retriable' : 'fatal';
  const reason = connectionReason(error);
  if (reason === 'unknown-topic') return 'unknown-topic';
  if (reason !== 'network') return 'refused';
  const chain = causeChain(error);
  for (const link of chain) if (link.type !== undefined && tooLargeTypes.has(link.type)) return 'too-large';
  for (const link of chain) if (link.type !== undefined && recordTypes.has(link.type)) return 'record';
  const cause = chain.find((link) => link.name === undefined || !wrappers.has(link.name)) ?? chain[0] ?? {};
  if (cause.name !== undefined && encodingErrors.has(cause.name)) return 'record';
  return cause.retriable === true ? 'retriable' : 'fatal';
}
