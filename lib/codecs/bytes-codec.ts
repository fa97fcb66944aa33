import { Codec } from './codec.js';
import { requireBytes } from './require-bytes.js';

/**
 * A codec that passes bytes through unchanged, for payloads pubscribe should not interpret.
 * Decoding returns the record's own buffer, not a copy. A tombstone (`null`) is a failure; wrap the
 * codec in `nullableCodec` to accept it.
 *
 * @example
 * import { bytesCodec } from 'pubscribe';
 *
 * bytesCodec.decode(Buffer.from([0xca, 0xfe])); // E.right(<Buffer ca fe>)
 * bytesCodec.decode(null); // E.left({ codec: 'bytes', issues: ['value is null (a tombstone?)'] })
 *
 * @since 0.1.0
 * @category codecs
 */
export const bytesCodec: Codec<Buffer> = {
  name: 'bytes',
  encode: (value) => value,
  decode: (bytes) => requireBytes('bytes', bytes),
};
