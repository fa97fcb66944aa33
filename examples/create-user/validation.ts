import * as E from 'fp-ts/lib/Either.js';
import type { CreateUser } from './messages';

/** Longest email address SMTP allows (RFC 5321: 254 characters in a path). */
export const MAX_EMAIL_LENGTH = 254;
/** Longest display name the user service stores. */
export const MAX_NAME_LENGTH = 100;

/** Why an input was refused, and which argument to fix. */
export interface InvalidInput {
  readonly field: 'email' | 'name';
  readonly message: string;
}

// Deliberately simple: one "@", no spaces, a dot in the domain. Real deliverability is the
// emailer's business; this only stops obvious garbage before it costs a Kafka round trip.
const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a createUser input before anything is produced: a refused input never reaches Kafka.
 * The email is trimmed and lower-cased (it is the record key and the unique column, so
 * `Ada@Example.com` and `ada@example.com` must be the same user); the name is trimmed.
 *
 * @param input the mutation's arguments, as the client sent them
 * @returns the normalised request, or the first problem found
 */
export function validateCreateUser(input: {
  readonly email: string;
  readonly name: string;
}): E.Either<InvalidInput, CreateUser> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (email.length > MAX_EMAIL_LENGTH) {
    return E.left({ field: 'email', message: `email is longer than ${MAX_EMAIL_LENGTH} characters` });
  }
  if (!emailShape.test(email))
    return E.left({ field: 'email', message: `'${email.slice(0, 60)}' is not an email address` });
  if (name.length === 0) return E.left({ field: 'name', message: 'name is empty' });
  if (name.length > MAX_NAME_LENGTH) {
    return E.left({ field: 'name', message: `name is longer than ${MAX_NAME_LENGTH} characters` });
  }
  return E.right({ email, name });
}
