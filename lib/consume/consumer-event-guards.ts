import type { ReadyEvent, RepinnedEvent } from '../transport/transport.js';
import type { ConsumerEvent, MessageEvent } from './consumer-events.js';

/**
 * True for the `ready` event.
 *
 * @example
 * import { filter } from 'rxjs';
 * import { isReady } from 'pubscribe';
 * // events$.pipe(filter(isReady))
 *
 * @param event a consumer event
 * @returns whether it is the `ready` event
 * @since 0.1.0
 * @category consume
 */
export const isReady = <A>(event: ConsumerEvent<A>): event is ReadyEvent => event.type === 'ready';

/**
 * True for a `repinned` event (the consumer was positioned again after a rebalance).
 *
 * @example
 * import { filter } from 'rxjs';
 * import { isRepinned } from 'pubscribe';
 * // events$.pipe(filter(isRepinned))
 *
 * @param event a consumer event
 * @returns whether it is a `repinned` event
 * @since 0.1.0
 * @category consume
 */
export const isRepinned = <A>(event: ConsumerEvent<A>): event is RepinnedEvent => event.type === 'repinned';

/**
 * True for a `message` event.
 *
 * @example
 * import { filter } from 'rxjs';
 * import { isMessage } from 'pubscribe';
 * // events$.pipe(filter(isMessage))
 *
 * @param event a consumer event
 * @returns whether it is a `message` event
 * @since 0.1.0
 * @category consume
 */
export const isMessage = <A>(event: ConsumerEvent<A>): event is MessageEvent<A> => event.type === 'message';
