import { describeContext, describeElapsed } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * Why a record was not produced, when pubscribe knows more than the client's error says.
 * - `record-too-large`: the record alone, as Kafka encodes it, is larger than a limit (the topic's
 *   `max.message.bytes`, or the transport's `maxRequestBytes`). It was not sent, or the broker
 *   refused it for its size. See `recordBytes`, `limitBytes` and `limitName`.
 * - `record-invalid`: the broker (or the client, while encoding it) refused this record itself, for
 *   a reason other than its size, such as a record without a key on a compacted topic.
 * - `retries-exhausted`: the broker kept failing with errors that usually pass (a leader moving, a
 *   request timing out) until the call's deadline, or the transport's retry budget, ran out.
 *
 * @example
 * import { ProduceErrorReason } from 'pubscribe';
 *
 * const reason: ProduceErrorReason = 'record-too-large';
 *
 * @since 0.2.0
 * @category errors
 */
export type ProduceErrorReason = 'record-too-large' | 'record-invalid' | 'retries-exhausted';

/**
 * The limit a record was measured against: the topic's `max.message.bytes` (a record batch on one
 * partition may not be larger), or the transport's `maxRequestBytes` (a whole produce request may
 * not be larger).
 *
 * @example
 * import { ProduceSizeLimit } from 'pubscribe';
 *
 * const limit: ProduceSizeLimit = 'max.message.bytes';
 *
 * @since 0.2.0
 * @category errors
 */
export type ProduceSizeLimit = 'max.message.bytes' | 'maxRequestBytes';

/**
 * What a {@link ProduceError} knows about the failed send.
 *
 * @example
 * import { ProduceErrorOptions } from 'pubscribe';
 *
 * const options: ProduceErrorOptions = { topic: 'create-user', retriable: false };
 *
 * @since 0.1.0
 * @category errors
 */
export interface ProduceErrorOptions extends ErrorContext {
  /** Whether sending again may succeed; defaults to `true`, as most broker refusals are transient. */
  readonly retriable?: boolean;
  /** Why the record was not produced, when known. */
  readonly reason?: ProduceErrorReason;
  /** For `record-too-large`: the record's size as Kafka encodes it, in a record batch of its own (batch header included). */
  readonly recordBytes?: number;
  /** For `record-too-large`: the largest size the limit allows. */
  readonly limitBytes?: number;
  /** For `record-too-large`: which limit the record broke. */
  readonly limitName?: ProduceSizeLimit;
  /** For `retries-exhausted`: how many times the record was sent. */
  readonly attempts?: number;
}

/**
 * Kafka did not accept a record: the request (or reply) was not written. Put the client's own
 * error in `cause`; the message never repeats it, so nothing the client printed leaks further.
 *
 * A record larger than the topic allows fails on its own, before it is sent, with
 * `reason: 'record-too-large'`, its size in `recordBytes` and the limit in `limitBytes`; the records
 * produced with it (by other callers) are not affected.
 *
 * @example
 * import { ProduceError } from 'pubscribe';
 *
 * const error = new ProduceError({
 *   topic: 'create-user',
 *   correlationId: 'abc',
 *   cause: new Error('There is no leader for this topic-partition'),
 * });
 * // error.retriable === true
 *
 * const tooLarge = new ProduceError({
 *   topic: 'create-user',
 *   retriable: false,
 *   reason: 'record-too-large',
 *   recordBytes: 2_000_137,
 *   limitBytes: 1_048_588,
 *   limitName: 'max.message.bytes',
 * });
 * // tooLarge.message: "Could not produce on topic 'create-user': the record is 2000137 bytes as Kafka encodes it, ..."
 *
 * @since 0.1.0
 * @category errors
 */
export class ProduceError extends PubScribeError {
  override readonly kind = 'produce';
  override readonly name = 'ProduceError';
  /** Why the record was not produced, when known. */
  readonly reason?: ProduceErrorReason;
  /** For `record-too-large`: the record's size as Kafka encodes it, in a record batch of its own. */
  readonly recordBytes?: number;
  /** For `record-too-large`: the largest size the limit allows. */
  readonly limitBytes?: number;
  /** For `record-too-large`: which limit the record broke. */
  readonly limitName?: ProduceSizeLimit;
  /** For `retries-exhausted`: how many times the record was sent. */
  readonly attempts?: number;

  /**
   * @param options The context, the client's error as `cause`, whether retrying may help, and why
   *   the record was not produced when that is known.
   */
  constructor(options: ProduceErrorOptions) {
    const retriable = options.retriable ?? true;
    super(produceMessage(options, retriable), { ...options, retriable });
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.recordBytes !== undefined) this.recordBytes = options.recordBytes;
    if (options.limitBytes !== undefined) this.limitBytes = options.limitBytes;
    if (options.limitName !== undefined) this.limitName = options.limitName;
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

const limitAdvice: Readonly<Record<ProduceSizeLimit, string>> = {
  'max.message.bytes':
    "Send less (split the value, or store it elsewhere and send a reference), or raise the topic's " +
    'max.message.bytes (and, for replication and consumers, replica.fetch.max.bytes and the consumer fetch sizes).',
  maxRequestBytes:
    "Send less, or raise the transport's maxRequestBytes (keep it below the broker's socket.request.max.bytes).",
};

function produceMessage(options: ProduceErrorOptions, retriable: boolean): string {
  const where = `Could not produce${describeContext(options)}${describeElapsed(options)}`;
  switch (options.reason) {
    case 'record-too-large': {
      const limitName = options.limitName ?? 'max.message.bytes';
      const limit =
        limitName === 'max.message.bytes' ? "the topic's max.message.bytes" : "the transport's maxRequestBytes";
      const { recordBytes, limitBytes } = options;
      if (recordBytes !== undefined && limitBytes !== undefined && recordBytes <= limitBytes) {
        // Measured within the limit, yet refused by the broker: its limit is not the one that was read.
        return (
          `${where}: the broker refused the record, ${recordBytes} bytes as Kafka encodes it, as too large, ` +
          `though ${limit} reads ${limitBytes} bytes (see \`cause\`; check the broker's message.max.bytes). ` +
          `It failed alone: records of other produce calls were not affected. ${limitAdvice[limitName]}`
        );
      }
      return (
        `${where}: the record is ${options.recordBytes ?? 'more than the limit in'} bytes as Kafka encodes it, ` +
        `over the limit of ${options.limitBytes ?? 'unknown'} bytes (${limit}). It failed alone: records of other ` +
        `produce calls were not affected. Retrying will not help. ${limitAdvice[limitName]}`
      );
    }
    case 'record-invalid':
      return (
        `${where}: the broker refused this record itself (see \`cause\`). It failed alone: records of other ` +
        'produce calls were not affected. Retrying will not help: fix the record (a compacted topic needs a key, for example).'
      );
    case 'retries-exhausted':
      return (
        `${where}: the broker kept failing with errors that usually pass (see \`cause\`), ` +
        `${options.attempts === undefined ? '' : `${options.attempts} attempts `}until the deadline. ` +
        'Check the brokers and the leaders of the topic; sending again later may succeed.'
      );
    default:
      return (
        `${where}; see \`cause\` for the client's reason. ` +
        (retriable
          ? 'This is usually transient (a leader election, a busy broker): retry.'
          : 'Retrying will not help: check that the topic exists and that this client may write to it.')
      );
  }
}
