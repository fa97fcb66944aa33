import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { ConnectionError, type ConnectionFailureReason } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import type { TransportFailure } from '../transport.js';

/** Fields of a kafkajs log entry that the logger's own line already carries, or that are noise. */
const dropped = new Set(['timestamp', 'logger', 'message', 'stack']);

function reasonOf(text: string): ConnectionFailureReason {
  if (/does not host this topic-partition/i.test(text)) return 'unknown-topic';
  if (/sasl|authentication/i.test(text)) return 'authentication';
  if (/authoriz/i.test(text)) return 'authorization';
  return 'network';
}

/**
 * Routes kafkajs's log entries to a pubscribe {@link Logger} (`kafkajs <namespace>: <message>`
 * with the entry's fields), instead of kafkajs's default JSON lines on standard output, and keeps
 * the latest error-level entry as a typed failure: a client that is still retrying (an unreachable
 * broker) has said nothing else yet, and a `NotReadyError` can then name the reason.
 *
 * @internal
 */
export class KafkajsLogBridge {
  private failure: TransportFailure | undefined;
  private failures = 0;

  constructor(private readonly logger: Logger) {}

  /** The latest failure kafkajs logged, if any. */
  get lastFailure(): TransportFailure | undefined {
    return this.failure;
  }

  /** How many failures were logged so far: a mark to tell later failures from earlier ones. */
  get failureCount(): number {
    return this.failures;
  }

  readonly logCreator: logCreator = () => (entry: LogEntry) => this.write(entry);

  private write({ namespace, level, log }: LogEntry): void {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(log)) if (!dropped.has(key)) fields[key] = value;
    const message = namespace ? `kafkajs ${namespace}: ${log.message}` : `kafkajs: ${log.message}`;
    try {
      if (level === logLevel.ERROR) this.logger.error(message, fields);
      else if (level === logLevel.WARN) this.logger.warn(message, fields);
      else if (level === logLevel.INFO) this.logger.info(message, fields);
      else this.logger.debug(message, fields);
    } catch {
      // A throwing logger must not take the Kafka client down with it.
    }
    if (level === logLevel.ERROR) {
      const detail = typeof log.error === 'string' ? `${log.message}: ${log.error}` : log.message;
      this.failures += 1;
      this.failure = {
        sequence: this.failures,
        error: new ConnectionError({
          reason: reasonOf(detail),
          what: namespace ? `talk to Kafka (${namespace})` : 'talk to Kafka',
          cause: new Error(detail),
        }),
      };
    }
  }
}
