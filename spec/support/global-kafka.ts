/**
 * Mocha global fixture: one Kafka for the whole run. With KAFKA_BROKERS set it uses that cluster;
 * otherwise it provisions and starts a local broker and stops it after the last test. When the
 * broker cannot start, the run fails here with the reason; integration tests are never skipped.
 */
import { acquireKafka, KafkaForRun } from '../../tools/broker/acquire-kafka';
import { BrokerStartError } from '../../tools/broker/errors';
import { setTestBrokers } from './test-brokers';

let kafka: KafkaForRun | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  try {
    kafka = await acquireKafka({ log: (line) => console.log(`  [kafka] ${line}`) });
  } catch (error) {
    if (error instanceof BrokerStartError) {
      console.error(`\n  [kafka] the test broker could not start (${error.reason}):\n  ${error.message}\n`);
    }
    throw error;
  }
  setTestBrokers(kafka.brokers);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await kafka?.release();
}
