import { Inject, Injectable } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { isRemoteError, Requester } from '../../lib';
import { InjectRequester } from '../../lib/nest';
import {
  CreateUser,
  createUserCodec,
  DUPLICATE_EMAIL_ERROR,
  UserCreated,
  userCreatedCodec,
} from '../create-user/messages';
import type { FlowTopics } from '../create-user/topics';

/** The injection token of the flow's topics, on the signup side. */
export const SIGNUP_TOPICS = 'nest-create-user:signup-topics';

/** The email is taken: the user service answered with its DuplicateEmailError. */
export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
  constructor(readonly email: string) {
    super(`a user with email ${email} already exists`);
  }
}

/**
 * The front of the flow (the seed's step 1 and 5): what a GraphQL resolver or HTTP controller
 * would call. One request, one typed answer, through the requester PubScribeModule provides.
 */
@Injectable()
export class SignupService {
  constructor(
    @InjectRequester() private readonly requester: Requester,
    @Inject(SIGNUP_TOPICS) private readonly topics: FlowTopics,
  ) {}

  /**
   * Creates a user and resolves with it once the user service has answered.
   *
   * @param input the new user's email and name
   * @returns the created user; rejects with EmailTakenError, or with pubscribe's errors
   *   (RequestTimeoutError, ...) when the user service cannot answer in time
   */
  async createUser(input: CreateUser): Promise<UserCreated> {
    const email = input.email.trim().toLowerCase();
    try {
      return await firstValueFrom(
        this.requester.request({
          topic: this.topics.createUser,
          // Keyed by email: every request about one user lands on one partition, in order.
          key: email,
          value: { email, name: input.name },
          codec: createUserCodec,
          replyCodec: userCreatedCodec,
        }),
      );
    } catch (error) {
      if (isRemoteError(error) && error.remoteName === DUPLICATE_EMAIL_ERROR) throw new EmailTakenError(email);
      throw error;
    }
  }
}
