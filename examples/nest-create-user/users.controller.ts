import { Controller, Type } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import * as E from 'fp-ts/lib/Either.js';
import { patternCodecs, PubScribeContext } from '../../lib/nest';
import {
  CreateUser,
  createUserCodec,
  DUPLICATE_EMAIL_ERROR,
  sendWelcomeEmailCodec,
  UserCreated,
  userCreatedCodec,
} from '../create-user/messages';
import type { FlowTopics } from '../create-user/topics';
import { UsersRepository } from './users.repository';

/**
 * The user service's controller (the seed's steps 2, 3, 4 and 6) for the flow's topics. In an
 * application the topic would be a constant in `@MessagePattern('create-user')`; the example and
 * its test use fresh topic names per run, so the class is declared when the names are known.
 *
 * @param topics the flow's topics
 * @returns the controller class
 */
export function usersController(topics: FlowTopics): Type<unknown> {
  @Controller()
  class UsersController {
    constructor(private readonly users: UsersRepository) {}

    /**
     * Writes the user, queues the welcome email, then answers with the user. The request has
     * been decoded (and validated) by `createUserCodec` before this runs; a taken email is
     * answered with an error reply whose name the caller can match.
     */
    @MessagePattern(topics.createUser, patternCodecs({ requestCodec: createUserCodec, replyCodec: userCreatedCodec }))
    async create(@Payload() request: CreateUser, @Ctx() context: PubScribeContext): Promise<UserCreated> {
      const record = context.getRecord();
      // A redelivered record has the same partition and offset: the same request, answered again.
      const inserted = this.users.insert(request, `${record.partition}:${record.offset}`);
      if (E.isLeft(inserted)) {
        throw new RpcException({
          name: DUPLICATE_EMAIL_ERROR,
          message: `a user with email ${request.email} already exists`,
        });
      }
      const user = inserted.right;
      await context.send([
        {
          topic: topics.sendEmail,
          key: user.email,
          value: sendWelcomeEmailCodec.encode({ userId: user.id, to: user.email, name: user.name }),
        },
      ]);
      return user;
    }
  }
  return UsersController;
}
