import { Kafka } from 'kafkajs';
import { kafkajsTransport } from '../../../lib/transport';
import { platformaticTransport } from '../../../lib/transport/platformatic/platformatic-transport';
import type { Transport } from '../../../lib/transport/transport';
import { clientLogging } from './client-log';

/** Which transport the fault suite's processes use: FAULT_TRANSPORT=kafkajs (default) or platformatic. */
export const faultTransportName: 'kafkajs' | 'platformatic' =
  process.env.FAULT_TRANSPORT === 'platformatic' ? 'platformatic' : 'kafkajs';

/**
 * The transport of one fault-suite process. `metadataMaxAgeMs` bounds how long its producer takes
 * to see partitions added to a topic.
 */
export function faultTransport(name: string, brokers: readonly string[], metadataMaxAgeMs?: number): Transport {
  if (faultTransportName === 'platformatic') {
    return platformaticTransport({
      client: {
        clientId: name,
        bootstrapBrokers: [...brokers],
        retries: 10,
        retryDelay: 250,
        ...(metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: metadataMaxAgeMs }),
      },
    });
  }
  const kafka = new Kafka({ clientId: name, brokers: [...brokers], ...clientLogging(name) });
  return kafkajsTransport({
    kafka,
    ...(metadataMaxAgeMs === undefined ? {} : { producer: { metadataMaxAge: metadataMaxAgeMs } }),
  });
}
