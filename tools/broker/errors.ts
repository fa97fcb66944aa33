/**
 * Why the local broker could not be provisioned or started. Each reason comes with a message that
 * says what to do about it.
 */
export type BrokerStartFailure =
  'java-missing' | 'maven-missing' | 'provision-failed' | 'format-failed' | 'port-taken' | 'exited' | 'timeout';

/** The broker harness could not give the run a serving Kafka broker. */
export class BrokerStartError extends Error {
  override readonly name = 'BrokerStartError';

  constructor(
    readonly reason: BrokerStartFailure,
    message: string,
    readonly logTail: string = '',
  ) {
    super(logTail ? `${message}\n--- last lines of the broker log ---\n${logTail}` : message);
  }
}
