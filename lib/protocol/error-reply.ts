import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { RemoteError } from '../errors/index.js';
import { headerBytes, NEST_ERROR_HEADER } from '../headers/index.js';
import type { ConsumedRecord } from '../transport/records.js';

const ErrorPayload = t.intersection([t.type({ message: t.string }), t.partial({ name: t.string })]);

/**
 * The `kafka_nest-err` header value for a handler failure, as NestJS writes it: a string as is,
 * anything else as JSON. Errors become `{ name, message }`; their stacks stay on the server.
 *
 * @internal
 */
export function errorHeaderValue(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return JSON.stringify({ name: error.name, message: error.message });
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * The RemoteError an error reply carries, or undefined for an ordinary reply. Reads the header
 * NestJS writes (`kafka_nest-err`): JSON `{ message, name? }` from pubscribe or Nest, or plain text.
 *
 * @internal
 */
export function remoteErrorOf(record: ConsumedRecord, correlationId: string): RemoteError | undefined {
  const header = headerBytes(record.headers, NEST_ERROR_HEADER);
  if (header._tag === 'None') return undefined;
  const text = header.value.toString('utf8');
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text: the message itself.
  }
  const payload = ErrorPayload.decode(parsed);
  return new RemoteError({
    remoteMessage: isRight(payload) ? payload.right.message : text,
    remoteName: isRight(payload) ? payload.right.name : undefined,
    details: parsed ?? text,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    correlationId,
  });
}
