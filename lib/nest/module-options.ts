import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { RequesterOptions } from '../requester/requester.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { TransportSource } from './transport-source.js';

/**
 * Options of `PubScribeModule.forRoot`, and what `forRootAsync` factories return.
 *
 * @example
 * import { PubScribeModuleOptions } from 'pubscribe/nest';
 *
 * const options: PubScribeModuleOptions = {
 *   transport: { kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } },
 *   requester: { replyTopic: 'user-created', timeoutMs: 5_000 },
 * };
 *
 * @since 0.1.0
 * @category nest
 */
export interface PubScribeModuleOptions {
  /**
   * A transport you created (you close it), or kafkajs settings for a transport the module
   * creates and closes on application shutdown.
   */
  readonly transport: TransportSource;
  /**
   * The requester's options, but its transport. `keepAliveMs` defaults to the longest timer
   * Node allows (about 24.8 days): in an application the reply consumer stays up between requests.
   * `replyPartition` defaults to `'auto'` (since 0.2.0: the application's instances lease the
   * reply topic's partitions from one another, and each reads only its own; docs/scaling.md) with
   * `replyPartitionEncoding: 'text'`, which Nest's `ServerKafka` responders read; set
   * `replyPartition: 'shared'` to read every partition instead (replies that ignore
   * `kafka_replyPartition`, such as domain events matched with `match`).
   */
  readonly requester: Omit<RequesterOptions, 'transport'>;
  /**
   * Start the reply consumer during module initialisation and wait until it is ready, so
   * `app.init()` / `app.listen()` resolve with a positioned reply consumer. Default true.
   */
  readonly warmUp?: boolean;
  /**
   * Traces and measures the requester (`openTelemetry()` from `pubscribe/opentelemetry`, say);
   * `requester.telemetry`, when set, wins. Default none: nothing is recorded.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry;
}

/**
 * How the module is registered, beside its options.
 *
 * @example
 * import { PubScribeModule } from 'pubscribe/nest';
 *
 * PubScribeModule.forRoot({
 *   isGlobal: true,
 *   transport: { kafka: { brokers: ['127.0.0.1:9092'] } },
 *   requester: { replyTopic: 'user-created' },
 * });
 *
 * @since 0.1.0
 * @category nest
 */
export interface PubScribeRegistration {
  /** Register the module globally, so feature modules inject the requester without importing it. */
  readonly isGlobal?: boolean;
}

/**
 * A class that creates the module's options, for `forRootAsync({ useClass })` and
 * `forRootAsync({ useExisting })`.
 *
 * @example
 * import { Injectable } from '@nestjs/common';
 * import { PubScribeModuleOptions, PubScribeOptionsFactory } from 'pubscribe/nest';
 *
 * @Injectable()
 * export class PubScribeConfig implements PubScribeOptionsFactory {
 *   createPubScribeOptions(): PubScribeModuleOptions {
 *     return { transport: { kafka: { brokers: ['127.0.0.1:9092'] } }, requester: { replyTopic: 'user-created' } };
 *   }
 * }
 *
 * @since 0.1.0
 * @category nest
 */
export interface PubScribeOptionsFactory {
  /**
   * @returns the module's options, or a Promise of them
   */
  createPubScribeOptions(): PubScribeModuleOptions | Promise<PubScribeModuleOptions>;
}

/**
 * Options of `PubScribeModule.forRootAsync`: exactly one of `useFactory`, `useClass` or
 * `useExisting`.
 *
 * @example
 * import { PubScribeModuleAsyncOptions } from 'pubscribe/nest';
 *
 * const BROKERS = 'BROKERS';
 * const options: PubScribeModuleAsyncOptions = {
 *   inject: [BROKERS],
 *   useFactory: (brokers: string[]) => ({ transport: { kafka: { brokers } }, requester: { replyTopic: 'user-created' } }),
 * };
 *
 * @since 0.1.0
 * @category nest
 */
export interface PubScribeModuleAsyncOptions extends PubScribeRegistration, Pick<ModuleMetadata, 'imports'> {
  /** Creates the options from the providers named in `inject`. */
  // Nest passes the injected providers positionally, typed by the user's factory.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly useFactory?: (...args: any[]) => PubScribeModuleOptions | Promise<PubScribeModuleOptions>;
  /** The providers `useFactory` receives, in order. */
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** A factory class the module instantiates. */
  readonly useClass?: Type<PubScribeOptionsFactory>;
  /** A factory provider that exists already (from `imports`). */
  readonly useExisting?: Type<PubScribeOptionsFactory>;
}
