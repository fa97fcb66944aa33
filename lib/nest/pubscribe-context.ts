import { BaseRpcContext } from '@nestjs/microservices';
import type { RecordHeaders } from '../headers/record-headers.js';
import type { RequestContext } from '../responder/serve.js';
import type { ConsumedRecord, OutgoingRecord, ProducedRecord } from '../transport/records.js';

/**
 * What a `@MessagePattern` handler served by `PubScribeServer` gets from `@Ctx()`: the request
 * record as consumed, and a way to produce other records (domain events, commands) through the
 * server's transport. It takes the place of Nest's `KafkaContext`, which exposes kafkajs objects
 * pubscribe does not hand out.
 *
 * @example
 * import { Controller } from '@nestjs/common';
 * import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
 * import { PubScribeContext } from 'pubscribe/nest';
 *
 * @Controller()
 * export class OrdersController {
 *   @MessagePattern('place-order')
 *   async place(@Payload() order: { id: string }, @Ctx() context: PubScribeContext): Promise<{ id: string }> {
 *     await context.send([{ topic: 'order-placed', key: order.id, value: JSON.stringify(order) }]);
 *     return { id: order.id };
 *   }
 * }
 *
 * @since 0.1.0
 * @category nest
 */
export class PubScribeContext extends BaseRpcContext<[ConsumedRecord, RequestContext]> {
  /**
   * @param args the request record and the responder's request context
   */
  constructor(args: [ConsumedRecord, RequestContext]) {
    super(args);
  }

  /**
   * @returns the request record: topic, partition, offset, key, raw value and headers
   */
  getRecord(): ConsumedRecord {
    return this.args[0];
  }

  /**
   * @returns the topic the request was read from (the pattern)
   */
  getTopic(): string {
    return this.args[0].topic;
  }

  /**
   * @returns the partition the request was read from
   */
  getPartition(): number {
    return this.args[0].partition;
  }

  /**
   * @returns the request's headers, one Buffer per name
   */
  getHeaders(): RecordHeaders {
    return this.args[0].headers;
  }

  /**
   * Produces records to other topics through the server's transport.
   *
   * @param records the records to produce
   * @returns where they were appended, once the broker acknowledged them
   */
  send(records: readonly OutgoingRecord[]): Promise<readonly ProducedRecord[]> {
    return this.args[1].send(records);
  }

  /**
   * @returns a signal that aborts when the handler's deadline passes (the request's own, or the
   *   server's `handlerTimeoutMs`) or the server stops: pass it on to stop work the caller no
   *   longer waits for
   * @since 0.2.0
   */
  getSignal(): AbortSignal {
    return this.args[1].signal;
  }

  /**
   * @returns the wall-clock time (milliseconds since the epoch) when the handler will be cancelled
   * @since 0.2.0
   */
  getDeadline(): number {
    return this.args[1].deadline;
  }
}
