import { ConnectionError, ProduceError, PubScribeError, isPubScribeError } from '../../errors/index.js';

interface PlatformaticErrorShape {
  readonly code?: string;
  readonly apiId?: string;
  readonly canRetry?: boolean;
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
