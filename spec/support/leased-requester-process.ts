/**
 * A leased requester instance (`replyPartition: 'auto'`) in its own process, under load until it
 * is killed: the instance the SIGKILL test kills. Says `running` over IPC once its load runs.
 */
import { Kafka, logLevel } from 'kafkajs';
import { platformaticTransport } from '../../lib/platformatic';
import { kafkajsTransport } from '../../lib/transport';
import { LeasedInstance } from './leased-load';

async function main(): Promise<void> {
  const name = process.env.INSTANCE ?? 'leased';
  const brokers = (process.env.BROKERS ?? '').split(',');
  // TRANSPORT=platformatic runs it on @platformatic/kafka; kafkajs otherwise.
  const transport =
    process.env.TRANSPORT === 'platformatic'
      ? platformaticTransport({ client: { clientId: name, bootstrapBrokers: brokers } })
      : kafkajsTransport({ kafka: new Kafka({ clientId: name, brokers, logLevel: logLevel.NOTHING }) });
  const instance = new LeasedInstance(name, {
    transport,
    requestTopic: process.env.REQUEST_TOPIC ?? '',
    replyTopic: process.env.REPLY_TOPIC ?? '',
    leaseGroupId: process.env.LEASE_GROUP ?? '',
    inFlight: Number(process.env.IN_FLIGHT ?? 8),
  });
  await instance.start();
  process.send?.('running');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
