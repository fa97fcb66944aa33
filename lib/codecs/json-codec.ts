import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { Codec } from './codec.js';
import { DecodeFailure, decodeFailure } from './decode-failure.js';
import { reportErrors } from './report-errors.js';
import { requireBytes } from './require-bytes.js';
import { decodeUtf8 } from './utf8.js';

/** JSON.parse messages can quote the input; keep them short enough for one log line. */
const maxParseMessageLength = 120;

const messageOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > maxParseMessageLength ? `${message.slice(0, maxParseMessageLength - 1)}…` : message;
};

// Some Windows and .NET producers start UTF-8 with a byte order mark, which JSON.parse rejects.
const withoutByteOrderMark = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);

/**
 * A codec for JSON values checked by an io-ts type: encodes with the type's `encode`, decodes by
 * parsing and validating, and reports mismatches as readable issues such as
 * `at .email: expected string, got 42`.
 *
 * @example
 * import { jsonCodec } from 'pubscribe';
 * import * as E from 'fp-ts/Either';
 * import * as t from 'io-ts';
 *
 * const User = t.type({ name: t.string, email: t.string }, 'User');
 * const userCodec = jsonCodec(User);
 *
 * const bytes = userCodec.encode({ name: 'Ada', email: 'ada@example.com' });
 * userCodec.decode(bytes); // E.right({ name: 'Ada', email: 'ada@example.com' })
 * userCodec.decode(Buffer.from('{"name":"Ada","email":42}'));
 * // E.left({ codec: 'User', issues: ['at .email: expected string, got 42'] })
 *
 * @param type The io-ts type the JSON must match.
 * @param name Names the codec in failures; the type's name by default.
 * @returns A codec whose `encode` always returns a Buffer and throws a `TypeError` only for values
 *   with no JSON form (such as `undefined`, BigInts or cycles).
 * @since 0.1.0
 * @category codecs
 */
export const jsonCodec = <C extends t.Mixed>(type: C, name: string = type.name): Codec<t.TypeOf<C>> => {
  const fail = (issue: string): DecodeFailure => decodeFailure(name, [issue]);
  // Written as plain steps rather than a chain of Either combinators: this runs once per record
  // on every hot path, and the combinators allocate on each call.
  const validate = (json: unknown): E.Either<DecodeFailure, t.TypeOf<C>> => {
    let result: t.Validation<t.TypeOf<C>>;
    try {
      // A hand-written io-ts type may throw; decode must not, so that becomes a failure too.
      result = type.decode(json);
    } catch (error) {
      // io-ts recurses once per level, so hostile input like `[[[[…]]]]` can exhaust the stack.
      return E.left(
        fail(
          error instanceof RangeError ? 'value is nested too deeply to check' : `the type threw: ${messageOf(error)}`,
        ),
      );
    }
    return result._tag === 'Right' ? result : E.left(decodeFailure(name, reportErrors(result.left)));
  };

  return {
    name,
    encode: (value) => {
      const json: string | undefined = JSON.stringify(type.encode(value));
      if (json === undefined) {
        throw new TypeError(`Codec '${name}' cannot encode this value as JSON: it has no JSON form.`);
      }
      return Buffer.from(json, 'utf8');
    },
    decode: (bytes) => {
      const buffer = requireBytes(name, bytes);
      if (buffer._tag === 'Left') return buffer;
      if (buffer.right.length === 0) return E.left(fail('value is empty'));
      const text = decodeUtf8(buffer.right);
      if (text._tag === 'Left') return E.left(fail(text.left));
      let json: unknown;
      try {
        json = JSON.parse(withoutByteOrderMark(text.right));
      } catch (error) {
        return E.left(fail(`not JSON: ${messageOf(error)}`));
      }
      return validate(json);
    },
  };
};
