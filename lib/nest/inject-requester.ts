import { Inject } from '@nestjs/common';
import { PUBSCRIBE_REQUESTER } from './constants.js';

/**
 * Injects the {@link Requester} that `PubScribeModule` provides: one shared, ready reply consumer
 * for every request the application makes.
 *
 * @example
 * import { Injectable } from '@nestjs/common';
 * import * as t from 'io-ts';
 * import { firstValueFrom } from 'rxjs';
 * import { jsonCodec, Requester } from 'pubscribe';
 * import { InjectRequester } from 'pubscribe/nest';
 *
 * const User = t.type({ id: t.number, email: t.string });
 *
 * @Injectable()
 * export class UsersService {
 *   constructor(@InjectRequester() private readonly requester: Requester) {}
 *
 *   createUser(email: string): Promise<t.TypeOf<typeof User>> {
 *     return firstValueFrom(
 *       this.requester.request({
 *         topic: 'create-user',
 *         key: email,
 *         value: { email },
 *         codec: jsonCodec(t.type({ email: t.string })),
 *         replyCodec: jsonCodec(User),
 *       }),
 *     );
 *   }
 * }
 *
 * @returns a parameter decorator
 * @since 0.1.0
 * @category nest
 */
export const InjectRequester = (): PropertyDecorator & ParameterDecorator => Inject(PUBSCRIBE_REQUESTER);
