/**
 * pubscribe/platformatic: the transport on @platformatic/kafka (an optional peer dependency).
 *
 * This module only re-exports the public API of the sub-path.
 */
export { platformaticTransport } from '../transport/platformatic/platformatic-transport.js';
export type { PlatformaticTransportOptions } from '../transport/platformatic/platformatic-transport.js';
