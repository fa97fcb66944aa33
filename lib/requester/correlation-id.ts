import { randomUUID } from 'node:crypto';

/**
 * A fresh correlation id: a version 4 UUID from Node's cryptographic random source (122 random
 * bits), so ids can be neither guessed nor repeated across instances.
 *
 * @example
 * import { newCorrelationId } from 'pubscribe';
 * const id = newCorrelationId(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 *
 * @returns a new correlation id
 * @since 0.1.0
 * @category requester
 */
export function newCorrelationId(): string {
  return randomUUID();
}
