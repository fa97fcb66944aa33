// Every injection token of the NestJS integration, in one place (as nestjs/throttler keeps them).

/**
 * The injection token of the options `PubScribeModule.forRoot` / `forRootAsync` was given.
 *
 * @example
 * import { Inject, Injectable } from '@nestjs/common';
 * import { PUBSCRIBE_MODULE_OPTIONS, PubScribeModuleOptions } from 'pubscribe/nest';
 *
 * @Injectable()
 * export class Diagnostics {
 *   constructor(@Inject(PUBSCRIBE_MODULE_OPTIONS) private readonly options: PubScribeModuleOptions) {}
 *   replyTopic(): string {
 *     return this.options.requester.replyTopic;
 *   }
 * }
 *
 * @since 0.1.0
 * @category nest
 */
export const PUBSCRIBE_MODULE_OPTIONS = 'pubscribe:module-options';

/**
 * The injection token of the shared {@link Transport}; inject it with `@InjectTransport()`.
 *
 * @example
 * import { NestFactory } from '@nestjs/core';
 * import { Module } from '@nestjs/common';
 * import type { Transport } from 'pubscribe';
 * import { PUBSCRIBE_TRANSPORT } from 'pubscribe/nest';
 *
 * @Module({})
 * class AppModule {}
 *
 * const app = await NestFactory.createApplicationContext(AppModule);
 * const transport = app.get<Transport>(PUBSCRIBE_TRANSPORT);
 *
 * @since 0.1.0
 * @category nest
 */
export const PUBSCRIBE_TRANSPORT = 'pubscribe:transport';

/**
 * The injection token of the shared {@link Requester}; inject it with `@InjectRequester()`.
 *
 * @example
 * import { NestFactory } from '@nestjs/core';
 * import { Module } from '@nestjs/common';
 * import type { Requester } from 'pubscribe';
 * import { PUBSCRIBE_REQUESTER } from 'pubscribe/nest';
 *
 * @Module({})
 * class AppModule {}
 *
 * const app = await NestFactory.createApplicationContext(AppModule);
 * const requester = app.get<Requester>(PUBSCRIBE_REQUESTER);
 *
 * @since 0.1.0
 * @category nest
 */
export const PUBSCRIBE_REQUESTER = 'pubscribe:requester';

/**
 * The transport and whether the module created it (and so closes it). @internal
 */
export const PUBSCRIBE_TRANSPORT_HANDLE = 'pubscribe:transport-handle';

/**
 * The `transportId` of {@link PubScribeServer}: pass it to `@MessagePattern(topic, PUBSCRIBE_TRANSPORT_ID)`
 * to serve a handler with pubscribe only, in an application that also runs other transports.
 * Handlers that name no transport are served by every server, pubscribe's included.
 *
 * @example
 * import { Controller } from '@nestjs/common';
 * import { MessagePattern, Payload } from '@nestjs/microservices';
 * import { PUBSCRIBE_TRANSPORT_ID } from 'pubscribe/nest';
 *
 * @Controller()
 * export class EchoController {
 *   @MessagePattern('echo', PUBSCRIBE_TRANSPORT_ID)
 *   echo(@Payload() payload: unknown): unknown {
 *     return payload;
 *   }
 * }
 *
 * @since 0.1.0
 * @category nest
 */
export const PUBSCRIBE_TRANSPORT_ID: unique symbol = Symbol.for('pubscribe');
