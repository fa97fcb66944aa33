import { logLevel } from 'kafkajs';
import { kafkajsTransport, type Transport } from '../lib';
import { platformaticTransport } from '../lib/platformatic';

/** Which Kafka client a pubscribe variant runs on. */
export type BenchTransportKind = 'kafkajs' | 'platformatic';

/** A pubscribe transport of `kind` on the bench brokers, quiet. */
export function benchTransport(kind: BenchTransportKind, clientId: string, brokers: readonly string[]): Transport {
  return kind === 'platformatic'
    ? platformaticTransport({ client: { clientId, bootstrapBrokers: [...brokers] } })
    : kafkajsTransport({ kafka: { clientId, brokers: [...brokers], logLevel: logLevel.NOTHING } });
}
