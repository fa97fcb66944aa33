import { Inject } from '@nestjs/common';
import { PUBSCRIBE_TRANSPORT } from './constants.js';

/**
 * Injects the {@link Transport} that `PubScribeModule` provides, to produce plain records or to
 * share one producer with a `PubScribeServer`.
 *
 * @example
 * import { Injectable } from '@nestjs/common';
 * import type { Transport } from 'pubscribe';
 * import { InjectTransport } from 'pubscribe/nest';
 *
 * @Injectable()
 * export class AuditLog {
 *   constructor(@InjectTransport() private readonly transport: Transport) {}
 *
 *   async record(event: string): Promise<void> {
 *     await this.transport.produce([{ topic: 'audit', key: null, value: event }]);
 *   }
 * }
 *
 * @returns a parameter decorator
 * @since 0.1.0
 * @category nest
 */
export const InjectTransport = (): PropertyDecorator & ParameterDecorator => Inject(PUBSCRIBE_TRANSPORT);
