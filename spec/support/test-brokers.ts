let brokers: readonly string[] | undefined;

/** Records the brokers of this test run (called by the global fixture). */
export function setTestBrokers(value: readonly string[]): void {
  brokers = value;
}

/** The brokers of this test run; throws when the global fixture did not run. */
export function testBrokers(): string[] {
  if (!brokers) {
    throw new Error('No test broker: run the suite with `npm test` so the global Kafka fixture starts one.');
  }
  return [...brokers];
}
