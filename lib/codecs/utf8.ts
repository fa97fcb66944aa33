import * as E from 'fp-ts/lib/Either.js';
import { TextDecoder } from 'node:util';

// `fatal` because Buffer#toString silently turns bad bytes into U+FFFD, which would let corrupt
// records decode as wrong text. `ignoreBOM` keeps a leading U+FEFF, so string round trips are exact.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly: invalid sequences give a `Left` with a readable issue instead of U+FFFD.
 *
 * @internal
 */
export const decodeUtf8 = (bytes: Uint8Array): E.Either<string, string> => {
  try {
    return E.right(strictUtf8.decode(bytes));
  } catch {
    return E.left('not valid UTF-8 text');
  }
};
