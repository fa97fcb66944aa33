import { GraphQLError } from 'graphql';
import { isPubScribeError, isRemoteError, isRequestTimeoutError } from '../../lib';
import { DUPLICATE_EMAIL_ERROR } from './messages';
import type { InvalidInput } from './validation';

/** The `extensions.code` values the createUser mutation answers errors with. */
export const ErrorCode = {
  /** The input was refused before anything was produced (see validation.ts). */
  badUserInput: 'BAD_USER_INPUT',
  /** The user service answered "email taken" (a RemoteError named DuplicateEmailError). */
  emailTaken: 'EMAIL_TAKEN',
  /** No "user created" reply within the requester's timeout (a RequestTimeoutError). Retriable. */
  userServiceTimeout: 'USER_SERVICE_TIMEOUT',
  /** The user service answered with some other error. */
  userServiceError: 'USER_SERVICE_ERROR',
  /** Kafka could not take the request (produce, connection, overload, shutdown). */
  unavailable: 'SERVICE_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The GraphQL error for an input refused before Kafka.
 *
 * @param invalid which argument, and why
 * @returns an error with `extensions: { code: 'BAD_USER_INPUT', field }`
 */
export function invalidInputError(invalid: InvalidInput): GraphQLError {
  return new GraphQLError(`Invalid ${invalid.field}: ${invalid.message}.`, {
    extensions: { code: ErrorCode.badUserInput, field: invalid.field },
  });
}

/**
 * The GraphQL error for a request that went to Kafka and failed. The client gets a short message
 * and a code it can branch on; pubscribe's full message (topics, correlation id, hints) stays in
 * the server's log, since it names internals a client has no use for.
 *
 * @param error what `requester.request` failed with
 * @param email the (normalised) email of the request
 * @returns an error with a code from {@link ErrorCode}
 */
export function createUserFailure(error: unknown, email: string): GraphQLError {
  if (isRemoteError(error) && error.remoteName === DUPLICATE_EMAIL_ERROR) {
    return new GraphQLError(`A user with email ${email} already exists.`, {
      extensions: { code: ErrorCode.emailTaken, field: 'email' },
    });
  }
  if (isRequestTimeoutError(error)) {
    return new GraphQLError(`The user service did not answer within ${error.timeoutMs} ms; try again.`, {
      extensions: { code: ErrorCode.userServiceTimeout, retriable: true },
    });
  }
  if (isRemoteError(error)) {
    return new GraphQLError(`The user service could not create the user: ${error.remoteMessage}`, {
      extensions: { code: ErrorCode.userServiceError },
    });
  }
  const retriable = isPubScribeError(error) && error.retriable;
  return new GraphQLError('The user service is unavailable; try again later.', {
    extensions: { code: ErrorCode.unavailable, retriable },
  });
}
