import { headerBytes, NEST_DISPOSED_HEADER } from '../headers/index.js';
import type { ConsumedRecord } from '../transport/records.js';

/**
 * True when the record ends a reply stream (`kafka_nest-is-disposed`, as NestJS writes it). The
 * record may still carry a last value.
 *
 * @internal
 */
export function isEndMarker(record: ConsumedRecord): boolean {
  return headerBytes(record.headers, NEST_DISPOSED_HEADER)._tag === 'Some';
}
