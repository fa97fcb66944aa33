import type { OutgoingHeaders } from '../headers/index.js';
import type { ConsumerTrace, HandlerTrace, RequestTrace, Telemetry } from './telemetry.js';

const nothing = (): void => undefined;

/** The one empty header set of the no-op: callers may test for it and skip copying. @internal */
export const noHeaders: OutgoingHeaders = Object.freeze({});

const silentRequest: RequestTrace = Object.freeze({
  headers: noHeaders,
  sent: nothing,
  replied: nothing,
  failed: nothing,
  event: nothing,
  end: nothing,
});

/** The no-op handler trace: subscribing in it needs no wrapper. @internal */
export const silentHandler: HandlerTrace = Object.freeze({
  headers: noHeaders,
  run: <T>(work: () => T): T => work(),
  failed: nothing,
  end: nothing,
});

const silentConsumer: ConsumerTrace = Object.freeze({ ready: nothing, failed: nothing, end: nothing });

/**
 * The telemetry used when none is given: every hook returns a shared, frozen object whose methods
 * do nothing, so a request pays no allocation for it.
 *
 * @example
 * import { noTelemetry, serve, stringCodec } from 'pubscribe';
 * import { inMemoryTransport } from 'pubscribe/testing';
 *
 * serve({
 *   transport: inMemoryTransport(),
 *   topic: 'echo',
 *   groupId: 'echo',
 *   requestCodec: stringCodec,
 *   replyCodec: stringCodec,
 *   handler: (text) => text,
 *   telemetry: noTelemetry,
 * }).subscribe();
 *
 * @since 0.2.0
 * @category telemetry
 */
export const noTelemetry: Telemetry = Object.freeze({
  startRequest: () => silentRequest,
  replyDropped: nothing,
  startHandler: () => silentHandler,
  startConsumer: () => silentConsumer,
});
