import type { Either } from 'fp-ts/lib/Either.js';
import type { DecodeError } from '../errors/index.js';
import type { ConsumedRecord } from '../transport/records.js';
import type { ReadyEvent, RepinnedEvent } from '../transport/transport.js';

/**
 * One record, decoded. A value that fails to decode is a `left` carrying a `DecodeError`; the
 * stream goes on.
 *
 * @since 0.1.0
 * @category consume
 */
export interface MessageEvent<A> {
  readonly type: 'message';
  readonly record: ConsumedRecord;
  readonly value: Either<DecodeError, A>;
}

/**
 * What `consume` emits: `ready` once (positions fixed), `repinned` after each rebalance, and a
 * `message` per record.
 *
 * @since 0.1.0
 * @category consume
 */
export type ConsumerEvent<A> = ReadyEvent | RepinnedEvent | MessageEvent<A>;
