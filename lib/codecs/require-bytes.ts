import * as E from 'fp-ts/lib/Either.js';
import { DecodeFailure, decodeFailure } from './decode-failure.js';

/**
 * The first check of every codec: the input really is bytes. Typed `unknown` because JavaScript
 * callers can pass anything, and `decode` must still not throw.
 *
 * @internal
 */
export const requireBytes = (codec: string, bytes: unknown): E.Either<DecodeFailure, Buffer> => {
  if (bytes === null) {
    return E.left(decodeFailure(codec, ['value is null (a tombstone?)']));
  }
  if (Buffer.isBuffer(bytes)) {
    return E.right(bytes);
  }
  if (bytes instanceof Uint8Array) {
    // Share the memory rather than copy: records can be large and are only read.
    return E.right(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return E.left(decodeFailure(codec, [`value is not bytes (got ${bytes === undefined ? 'undefined' : typeof bytes})`]));
};
