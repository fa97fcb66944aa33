import { platformaticTransport } from '../../lib/transport/platformatic/platformatic-transport';
import { inMemoryTransport } from '../../lib/testing';
import type { Transport } from '../../lib/transport/transport';
import { createTopic, uniqueName } from './kafka-fixtures';
import { testBrokers } from './test-brokers';
import { testTransport } from './test-transport';

/** A transport under test and how to make topics it can use. */
export interface TransportUnderTest {
  readonly transport: Transport;
  /** Creates a fresh topic with `partitions` partitions; returns its name. */
  topic(prefix: string, partitions?: number): Promise<string>;
}

/** One implementation of the transport port, as the contract suite runs it. */
export interface TransportKind {
  readonly name: 'kafkajs' | 'platformatic' | 'in-memory';
  /** True for the transports on a real broker. */
  readonly real: boolean;
  open(): TransportUnderTest;
}

/** A @platformatic/kafka transport on the test brokers, with its own client id. */
export function testPlatformaticTransport(clientId = uniqueName('platformatic')): Transport {
  return platformaticTransport({ client: { clientId, bootstrapBrokers: testBrokers(), retries: 5, retryDelay: 200 } });
}

export const transportKinds: readonly TransportKind[] = [
  { name: 'kafkajs', real: true, open: () => ({ transport: testTransport(), topic: createTopic }) },
  { name: 'platformatic', real: true, open: () => ({ transport: testPlatformaticTransport(), topic: createTopic }) },
  {
    name: 'in-memory',
    real: false,
    open: () => {
      const transport = inMemoryTransport();
      return {
        transport,
        topic: async (prefix: string, partitions = 1) => {
          const name = uniqueName(prefix);
          transport.createTopic(name, partitions);
          return name;
        },
      };
    },
  },
];

/** The transports on a real broker: the integration suites run on each of them. */
export const realTransportKinds: readonly TransportKind[] = transportKinds.filter((kind) => kind.real);

/** A fresh transport of `kind` on the test brokers (kafkajs or platformatic). */
export function realTransport(kind: TransportKind['name']): Transport {
  return kind === 'platformatic' ? testPlatformaticTransport() : testTransport();
}
