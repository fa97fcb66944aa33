import { logLevel } from 'kafkajs';
import { kafkajsTransport, Transport } from '../../lib';

/**
 * The kafkajs transport every demo service uses, with its own client id (it shows up in broker
 * logs and group descriptions). kafkajs's own logging is off: on a broker that has just started it
 * logs every retried "coordinator not available" as an ERROR, while the failures that matter reach
 * the services as pubscribe errors anyway (a dead consumer, a failed request), and they log those.
 *
 * @param brokers bootstrap brokers
 * @param clientId names this service instance, e.g. `graphql-1`
 * @returns a transport; `close()` it when the service stops
 */
export function serviceTransport(brokers: readonly string[], clientId: string): Transport {
  return kafkajsTransport({ kafka: { clientId, brokers: [...brokers], logLevel: logLevel.NOTHING } });
}
