import { describeContext, describeElapsed } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * Why a connection failed, when known. `unknown-partition` (since 0.2.0): the topic exists but has
 * no partition of a number a consumer was told to read (its subscription's `partitions`).
 *
 * @example
 * import { ConnectionFailureReason } from 'pubscribe';
 *
 * const reason: ConnectionFailureReason = 'authentication';
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionFailureReason =
  | 'authentication'
  | 'authorization'
  | 'unknown-topic'
  | 'unknown-partition'
  | 'network'
  | 'crash'
  /** The broker refused the request itself, such as a replication factor above the number of brokers. */
  | 'rejected';

/**
 * What a {@link ConnectionError} knows about the failure.
 *
 * @example
 * import { ConnectionErrorOptions } from 'pubscribe';
 *
 * const options: ConnectionErrorOptions = { reason: 'network', what: 'consume', elapsedMs: 30000 };
 *
 * @since 0.1.0
 * @category errors
 */
export interface ConnectionErrorOptions extends ErrorContext {
  /** What the client was trying to do, as a verb phrase such as `consume` or `fetch committed offsets`. */
  readonly what?: string;
  /** Why the connection failed, when known. */
  readonly reason?: ConnectionFailureReason;
  /**
   * Whether reconnecting may help. Defaults to `true`, except for `authentication` and `authorization`
   * failures: the same credentials will be refused again, and retrying them can lock an account.
   */
  readonly retriable?: boolean;
}

const hints: Readonly<Record<ConnectionFailureReason | 'unknown', string>> = {
  authentication:
    'Kafka rejected the client credentials. Check the SASL mechanism, username and password ' +
    '(not shown here on purpose).',
  authorization: "Kafka denied access. Check the ACLs granted to this client's principal.",
  'unknown-topic':
    'The topic does not exist. Create it (the broker may not create topics on demand), or check its name.',
  'unknown-partition':
    'The topic has no partition of that number (partitions count from 0). Name only partitions the topic ' +
    'has, or add partitions to the topic first (kafka-topics.sh --alter --partitions <count>).',
  network: 'Could not reach the brokers. Check the broker addresses, the network and the TLS settings.',
  rejected:
    'Kafka refused the request as invalid (for example a replication factor above the number of brokers, ' +
    'or an unknown topic config). See `cause` for the broker error code.',
  crash: 'The Kafka client crashed. See `cause`, then create and connect a new client.',
  unknown: "See `cause` for the client's reason, and check that the brokers are reachable.",
};

/**
 * The connection to Kafka failed or was lost. The message is built only from `reason` and the
 * context, never from `cause`, because client configuration and errors can hold credentials.
 *
 * @example
 * import { ConnectionError } from 'pubscribe';
 *
 * const error = new ConnectionError({ reason: 'authentication', what: 'consume', cause: new Error('SASL failed') });
 * // error.message: 'Kafka connection failed while trying to consume. Kafka rejected the client credentials. ...'
 * // error.retriable === false
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends PubScribeError {
  override readonly kind = 'connection';
  override readonly name = 'ConnectionError';
  /** Why the connection failed, when known. */
  readonly reason?: ConnectionFailureReason;
  /** What the client was trying to do, when known. */
  readonly what?: string;

  /**
   * @param options The context, the reason, what the client was doing, the client's error as `cause`,
   *   and whether retrying may help.
   */
  constructor(options: ConnectionErrorOptions = {}) {
    const refused =
      options.reason === 'authentication' ||
      options.reason === 'authorization' ||
      options.reason === 'unknown-topic' ||
      options.reason === 'unknown-partition' ||
      options.reason === 'rejected';
    const doing = options.what === undefined ? '' : ` while trying to ${options.what}`;
    super(
      `Kafka connection failed${doing}${describeContext(options)}${describeElapsed(options)}. ` +
        hints[options.reason ?? 'unknown'],
      { ...options, retriable: options.retriable ?? !refused },
    );
    this.reason = options.reason;
    this.what = options.what;
  }
}
