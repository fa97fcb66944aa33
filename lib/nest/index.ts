/**
 * pubscribe for NestJS: `PubScribeModule` (a shared requester for injection) and
 * `PubScribeServer` (a custom transport strategy serving `@MessagePattern` handlers).
 *
 * Loaded only through `pubscribe/nest`: the main entry never imports NestJS.
 */
export {
  PUBSCRIBE_MODULE_OPTIONS,
  PUBSCRIBE_REQUESTER,
  PUBSCRIBE_TRANSPORT,
  PUBSCRIBE_TRANSPORT_ID,
} from './constants.js';
export type { TransportSource } from './transport-source.js';
export type {
  PubScribeModuleAsyncOptions,
  PubScribeModuleOptions,
  PubScribeOptionsFactory,
  PubScribeRegistration,
} from './module-options.js';
export { InjectRequester } from './inject-requester.js';
export { InjectTransport } from './inject-transport.js';
export { PubScribeModule } from './pubscribe.module.js';
export { nestLogger } from './nest-logger.js';
export { nestValueCodec } from './nest-value-codec.js';
export { patternCodecs } from './pattern-codecs.js';
export type { PatternCodecs } from './pattern-codecs.js';
export { PubScribeContext } from './pubscribe-context.js';
export { PubScribeServer } from './pubscribe-server.js';
export type { PubScribeServerOptions } from './pubscribe-server.js';
