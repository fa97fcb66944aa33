/**
 * The start of a record's bytes as text, for logs and `DecodeError.preview`. Reads only what it
 * needs, so previewing a huge record stays cheap; invalid UTF-8 shows as U+FFFD.
 *
 * @example
 * import { previewBytes } from 'pubscribe';
 *
 * previewBytes(Buffer.from('{"email":42}')); // '{"email":42}'
 * previewBytes(null); // 'null'
 *
 * @param bytes The record's bytes; `null` for a tombstone.
 * @param length How many characters to keep; 64 by default.
 * @returns At most `length` characters of text.
 * @since 0.1.0
 * @category codecs
 */
export const previewBytes = (bytes: Buffer | null, length = 64): string => {
  if (bytes === null) {
    return 'null';
  }
  // A UTF-8 character takes at most 4 bytes; cutting by code points never splits a surrogate pair.
  const text = bytes.subarray(0, length * 4).toString('utf8');
  return [...text].slice(0, length).join('');
};
