import { ConnectionError, ProduceError, PubScribeError, isPubScribeError } from '../../errors/index.js';
import type { SendFailure } from '../bounded-producer/producer-client.js';

interface PlatformaticErrorShape {
  readonly code?: string;
  readonly apiId?: string;
  readonly canRetry?: boolean;
  /** Set on the client's errors once it is closed. */
  readonly closed?: boolean;
  readonly message?: string;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

const shapeOf = (error: unknown): PlatformaticErrorShape =>
  typeof error === 'object' && error !== null ? (error as PlatformaticErrorShape) : {};

/** The error and everything it aggregates (`errors`) or wraps (`cause`), breadth first, bounded. */
function links(error: unknown): PlatformaticErrorShape[] {
  const found: PlatformaticErrorShape[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 32) {
    const current = queue.shift();
    if (!current) continue;
    const shape = shapeOf(current);
    found.push(shape);
    if (Array.isArray(shape.errors)) queue.push(...(shape.errors as unknown[]));
    if (shape.cause) queue.push(shape.cause);
  }
  return found;
}

/** Why a @platformatic/kafka failure happened, read from its error codes and protocol error ids. */
export function platformaticReason(error: unknown): 'authentication' | 'authorization' | 'unknown-topic' | 'network' {
  const chain = links(error);
  for (const link of chain) {
    if (link.code === 'PLT_KFK_AUTHENTICATION' || link.apiId === 'SASL_AUTHENTICATION_FAILED') return 'authentication';
  }
  for (const link of chain) if (link.apiId?.endsWith('_AUTHORIZATION_FAILED')) return 'authorization';
  for (const link of chain) {
    if (link.apiId === 'UNKNOWN_TOPIC_OR_PARTITION') return 'unknown-topic';
    // The client's metadata lookup reports a missing topic as a UserError with this message.
    if (link.code === 'PLT_KFK_USER' && link.message?.startsWith('Unknown topic ')) return 'unknown-topic';
  }
  return 'network';
}

/**
 * A @platformatic/kafka failure of a consumer or admin call as a `ConnectionError`. The message
 * names the reason and the topic, never the client's credentials.
 *
 * @internal
 */
export function toPlatformaticConnectionError(
  error: unknown,
  context: { topic?: string; what: string },
): PubScribeError {
  if (isPubScribeError(error)) return error;
  const reason = platformaticReason(error);
  return new ConnectionError({
    reason,
    retriable: reason === 'network',
    topic: context.topic,
    what: context.what,
    cause: error,
  });
}

/** @internal */
export function toPlatformaticProduceError(error: unknown, topic: string | undefined): PubScribeError {
  if (isPubScribeError(error)) return error;
  const reason = platformaticReason(error);
  if (reason !== 'network')
    return new ConnectionError({ reason, retriable: false, topic, what: 'produce', cause: error });
  const retriable =
    links(error).some((link) => link.canRetry === true) || links(error).every((link) => link.canRetry !== false);
  return new ProduceError({ topic, retriable, cause: error });
}

const tooLargeIds = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const recordIds = new Set(['INVALID_RECORD', 'INVALID_TIMESTAMP']);

/**
 * A failure that may pass: a protocol error the client marks retriable (`NOT_LEADER_OR_FOLLOWER`,
 * `REQUEST_TIMED_OUT`, ...) or a network failure. The client's own timeout carries the network
 * code and `canRetry: false` (its retries would not help within the same call): sending again may.
 */
const mayPass = (link: PlatformaticErrorShape): boolean =>
  link.closed !== true &&
  (link.code === 'PLT_KFK_NETWORK' || (link.code === 'PLT_KFK_PROTOCOL' && link.canRetry === true));

/**
 * What a failed `Producer.send` means for its records (see `SendFailure`), read from the
 * client's error codes and the broker's error ids through its aggregates (`errors`: one per
 * partition or per leader, or one per try) and causes. Retriable only when every failure in it
 * may pass.
 *
 * @internal
 */
export function platformaticSendFailure(error: unknown): SendFailure {
  if (isPubScribeError(error)) return error.retriable ? 'retriable' : 'fatal';
  const reason = platformaticReason(error);
  if (reason === 'unknown-topic') return 'unknown-topic';
  if (reason !== 'network') return 'refused';
  const chain = links(error);
  if (chain.some((link) => link.apiId !== undefined && tooLargeIds.has(link.apiId))) return 'too-large';
  if (chain.some((link) => link.apiId !== undefined && recordIds.has(link.apiId))) return 'record';
  // The client could not encode a record (its serializers run before anything is sent).
  if (chain.some((link) => link.code === 'PLT_KFK_USER' && link.message?.startsWith('Failed to serialize'))) {
    return 'record';
  }
  // The client's own errors that aggregate nothing; the Node errors they wrap say no more.
  const leaves = chain.filter((link) => !Array.isArray(link.errors) && link.code?.startsWith('PLT_KFK_') === true);
  return leaves.length > 0 && leaves.every(mayPass) ? 'retriable' : 'fatal';
}
