import { kafkajsTransport, KafkajsTransportOptions } from '../transport/kafkajs/kafkajs-transport.js';
import type { Transport } from '../transport/transport.js';
import { nestLogger } from './nest-logger.js';

/**
 * Where the NestJS integration gets its transport: one you created (and close yourself), or the
 * settings of a kafkajs transport it creates and closes with the application.
 *
 * @example
 * import { TransportSource } from 'pubscribe/nest';
 *
 * const source: TransportSource = { kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } };
 *
 * @since 0.1.0
 * @category nest
 */
export type TransportSource = Transport | KafkajsTransportOptions;

/** A transport and whether whoever resolved it must close it. @internal */
export interface TransportHandle {
  readonly transport: Transport;
  readonly owned: boolean;
}

const isTransport = (source: TransportSource): source is Transport =>
  'produce' in source && typeof source.produce === 'function';

/**
 * Uses a given transport as is, or creates a kafkajs transport (nothing connects until it is used)
 * that the caller then owns; it logs through Nest's `Logger` unless the settings name a `logger`.
 *
 * @internal
 */
export function resolveTransport(source: TransportSource): TransportHandle {
  return isTransport(source)
    ? { transport: source, owned: false }
    : { transport: kafkajsTransport({ logger: nestLogger(), ...source }), owned: true };
}
