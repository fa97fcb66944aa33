import type { Codec } from '../codecs/codec.js';

/** The key under which {@link patternCodecs} stores codecs in a pattern's extras. @internal */
const CODECS_KEY = 'pubscribe:codecs';

/**
 * The codecs of one `@MessagePattern` handler served by `PubScribeServer`.
 *
 * @example
 * import * as t from 'io-ts';
 * import { jsonCodec } from 'pubscribe';
 * import { PatternCodecs } from 'pubscribe/nest';
 *
 * const codecs: PatternCodecs<{ n: number }, { n: number }> = {
 *   requestCodec: jsonCodec(t.type({ n: t.number })),
 *   replyCodec: jsonCodec(t.type({ n: t.number })),
 * };
 *
 * @since 0.1.0
 * @category nest
 */
export interface PatternCodecs<Request, Reply> {
  /** Decodes the request before the handler runs; a failure becomes a `DecodeError` error reply. */
  readonly requestCodec?: Codec<Request>;
  /** Encodes each value the handler returns or emits. */
  readonly replyCodec?: Codec<Reply>;
}

/**
 * Typed codecs for one handler, passed as `@MessagePattern`'s extras: the request is decoded (and
 * validated, with io-ts codecs) before the handler runs, and a request that does not decode is
 * answered with a `DecodeError` error reply instead of reaching the handler. Without them,
 * `PubScribeServer` uses its `requestCodec` / `replyCodec` options, else {@link nestValueCodec}.
 *
 * @example
 * import { Controller } from '@nestjs/common';
 * import { MessagePattern, Payload } from '@nestjs/microservices';
 * import * as t from 'io-ts';
 * import { jsonCodec } from 'pubscribe';
 * import { patternCodecs } from 'pubscribe/nest';
 *
 * const CreateUser = t.type({ email: t.string, name: t.string });
 * const UserCreated = t.type({ id: t.number, email: t.string });
 *
 * @Controller()
 * export class UsersController {
 *   @MessagePattern('create-user', patternCodecs({ requestCodec: jsonCodec(CreateUser), replyCodec: jsonCodec(UserCreated) }))
 *   create(@Payload() user: t.TypeOf<typeof CreateUser>): t.TypeOf<typeof UserCreated> {
 *     return { id: 1, email: user.email };
 *   }
 * }
 *
 * @param codecs the request codec, the reply codec, or both
 * @returns the extras to pass to `@MessagePattern(topic, extras)`
 * @since 0.1.0
 * @category nest
 */
export function patternCodecs<Request, Reply>(codecs: PatternCodecs<Request, Reply>): Record<string, unknown> {
  return { [CODECS_KEY]: codecs };
}

const isCodec = (value: unknown): value is Codec<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  'encode' in value &&
  typeof value.encode === 'function' &&
  'decode' in value &&
  typeof value.decode === 'function';

/** The codecs a handler's extras carry, if any. @internal */
export function codecsOf(extras: Record<string, unknown> | undefined): PatternCodecs<unknown, unknown> {
  const codecs = extras?.[CODECS_KEY];
  if (typeof codecs !== 'object' || codecs === null) return {};
  const requestCodec = 'requestCodec' in codecs && isCodec(codecs.requestCodec) ? codecs.requestCodec : undefined;
  const replyCodec = 'replyCodec' in codecs && isCodec(codecs.replyCodec) ? codecs.replyCodec : undefined;
  return { requestCodec, replyCodec };
}
