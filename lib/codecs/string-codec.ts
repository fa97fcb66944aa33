import * as E from 'fp-ts/lib/Either.js';
import { Codec } from './codec.js';
import { decodeFailure } from './decode-failure.js';
import { requireBytes } from './require-bytes.js';
import { decodeUtf8 } from './utf8.js';

const name = 'string';

/**
 * A codec for UTF-8 text. The empty string is a valid value; a tombstone (`null`) and bytes that are
 * not valid UTF-8 are failures, so corrupt records never decode as mangled text.
 *
 * @example
 * import { stringCodec } from 'pubscribe';
 *
 * stringCodec.decode(stringCodec.encode('héllo')); // E.right('héllo')
 * stringCodec.decode(null); // E.left({ codec: 'string', issues: ['value is null (a tombstone?)'] })
 *
 * @since 0.1.0
 * @category codecs
 */
export const stringCodec: Codec<string> = {
  name,
  encode: (value) => Buffer.from(value, 'utf8'),
  decode: (bytes) => {
    const buffer = requireBytes(name, bytes);
    if (buffer._tag === 'Left') return buffer;
    const text = decodeUtf8(buffer.right);
    return text._tag === 'Right' ? E.right(text.right) : E.left(decodeFailure(name, [text.left]));
  },
};
