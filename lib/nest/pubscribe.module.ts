import { DynamicModule, Module } from '@nestjs/common';
import { PUBSCRIBE_REQUESTER, PUBSCRIBE_TRANSPORT, PUBSCRIBE_MODULE_OPTIONS } from './constants.js';
import type { PubScribeModuleAsyncOptions, PubScribeModuleOptions, PubScribeRegistration } from './module-options.js';
import { asyncOptionsProviders, coreProviders } from './module-providers.js';

const exported = [PUBSCRIBE_TRANSPORT, PUBSCRIBE_REQUESTER, PUBSCRIBE_MODULE_OPTIONS];

/**
 * pubscribe as a NestJS module: provides a transport and a shared {@link Requester} for injection
 * (`@InjectRequester()`, `@InjectTransport()`). During module initialisation it starts the
 * requester's reply consumer and waits until it is positioned, so `app.init()` resolves with a
 * ready requester; on application shutdown it closes the requester and the transport it created,
 * leaving no consumer group member and no open handle behind.
 *
 * @example
 * import { Module } from '@nestjs/common';
 * import { PubScribeModule } from 'pubscribe/nest';
 *
 * @Module({
 *   imports: [
 *     PubScribeModule.forRoot({
 *       transport: { kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } },
 *       requester: { replyTopic: 'user-created', timeoutMs: 5_000 },
 *     }),
 *   ],
 * })
 * export class AppModule {}
 *
 * @since 0.1.0
 * @category nest
 */
@Module({})
export class PubScribeModule {
  /**
   * Registers the module with options known up front.
   *
   * @example
   * import { PubScribeModule } from 'pubscribe/nest';
   *
   * PubScribeModule.forRoot({
   *   transport: { kafka: { brokers: ['127.0.0.1:9092'] } },
   *   requester: { replyTopic: 'user-created' },
   * });
   *
   * @param options the transport (or its kafkajs settings), the requester's options, `isGlobal`
   * @returns the dynamic module to import
   * @since 0.1.0
   * @category nest
   */
  static forRoot(options: PubScribeModuleOptions & PubScribeRegistration): DynamicModule {
    return {
      module: PubScribeModule,
      global: options.isGlobal ?? false,
      providers: [{ provide: PUBSCRIBE_MODULE_OPTIONS, useValue: options }, ...coreProviders],
      exports: exported,
    };
  }

  /**
   * Registers the module with options made by a factory (`useFactory` with `inject`), a factory
   * class (`useClass`) or an existing factory provider (`useExisting`), for options read from
   * configuration.
   *
   * @example
   * import { Module } from '@nestjs/common';
   * import { PubScribeModule } from 'pubscribe/nest';
   *
   * const BROKERS = 'BROKERS';
   *
   * @Module({ providers: [{ provide: BROKERS, useValue: ['127.0.0.1:9092'] }], exports: [BROKERS] })
   * class ConfigModule {}
   *
   * @Module({
   *   imports: [
   *     PubScribeModule.forRootAsync({
   *       imports: [ConfigModule],
   *       inject: [BROKERS],
   *       useFactory: (brokers: string[]) => ({
   *         transport: { kafka: { clientId: 'graphql-1', brokers } },
   *         requester: { replyTopic: 'user-created' },
   *       }),
   *     }),
   *   ],
   * })
   * export class AppModule {}
   *
   * @param options `imports`, and exactly one of `useFactory` (+ `inject`), `useClass`, `useExisting`
   * @returns the dynamic module to import
   * @since 0.1.0
   * @category nest
   */
  static forRootAsync(options: PubScribeModuleAsyncOptions): DynamicModule {
    return {
      module: PubScribeModule,
      global: options.isGlobal ?? false,
      imports: options.imports ?? [],
      providers: [...asyncOptionsProviders(options), ...coreProviders],
      exports: exported,
    };
  }
}
