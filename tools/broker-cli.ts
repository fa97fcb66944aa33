/**
 * The broker harness from the command line.
 *   node build/tools/broker-cli.js provision   resolve the broker's jars into the cache
 *   node build/tools/broker-cli.js start       start a local broker and keep it until Ctrl-C
 */
import { BrokerStartError } from './broker/errors';
import { startLocalKafka } from './broker/local-kafka';
import { ensureKafkaInstalled, requireJava } from './broker/provision';

const say = (line: string) => console.log(`[kafka] ${line}`);

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'provision': {
      requireJava();
      const installation = ensureKafkaInstalled(say);
      say(`Apache Kafka ${installation.version} ready in ${installation.libs}`);
      return;
    }
    case 'start': {
      const nodes = Number(process.argv[3] ?? '1');
      const kafka = await startLocalKafka({ nodes, log: say });
      say(`KAFKA_BROKERS=${kafka.brokers.join(',')}`);
      say(
        `resident memory: ${kafka
          .residentBytes()
          .map((b) => `${(b / 2 ** 20).toFixed(0)} MiB`)
          .join(', ')}`,
      );
      say('press Ctrl-C to stop');
      const stop = () => {
        say('stopping ...');
        void kafka.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    default:
      console.error('usage: broker-cli (provision | start [nodes])');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof BrokerStartError ? `[kafka] ${error.message}` : error);
  process.exit(1);
});
