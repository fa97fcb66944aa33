/**
 * The records of the create-user flow (the seed's Figure 1): what each service produces and
 * consumes, as io-ts types and JSON codecs. Every service decodes at its edge with these.
 */
import * as t from 'io-ts';
import { jsonCodec } from '../../lib';

/** Step 1: the "create user" request the GraphQL service produces, keyed by email. */
export const CreateUser = t.type({ email: t.string, name: t.string }, 'CreateUser');
export type CreateUser = t.TypeOf<typeof CreateUser>;

/** Step 4: the "user created" reply (and domain event) the user service produces. */
export const UserCreated = t.type(
  { id: t.number, email: t.string, name: t.string, createdAt: t.string },
  'UserCreated',
);
export type UserCreated = t.TypeOf<typeof UserCreated>;

/** Step 6: the "send welcome email" command the user service produces for the emailer. */
export const SendWelcomeEmail = t.type({ userId: t.number, to: t.string, name: t.string }, 'SendWelcomeEmail');
export type SendWelcomeEmail = t.TypeOf<typeof SendWelcomeEmail>;

export const createUserCodec = jsonCodec(CreateUser);
export const userCreatedCodec = jsonCodec(UserCreated);
export const sendWelcomeEmailCodec = jsonCodec(SendWelcomeEmail);

/**
 * The error name the user service answers a taken email with. It travels in the error reply's
 * `kafka_nest-err` header and arrives as `RemoteError.remoteName`, which is how the GraphQL
 * service tells "duplicate" from any other failure without parsing messages.
 */
export const DUPLICATE_EMAIL_ERROR = 'DuplicateEmailError';
