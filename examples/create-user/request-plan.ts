import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH } from './validation';

/** What the demo expects of a request: created, refused as a duplicate, or refused as invalid. */
export type Expectation = 'created' | 'duplicate' | 'invalid';

/** One createUser mutation the demo sends. */
export interface PlannedRequest {
  readonly email: string;
  readonly name: string;
  readonly expect: Expectation;
}

/** How a batch of `total` requests splits. */
export interface PlanShape {
  readonly created: number;
  readonly duplicates: number;
  readonly invalid: number;
}

// One of each kind of bad input validation.ts refuses, cycled through.
const badInputs = (index: number): Omit<PlannedRequest, 'expect'> =>
  [
    { email: `not-an-email-${index}`, name: 'Nobody' },
    { email: `blank-name-${index}@example.com`, name: '   ' },
    { email: `long-name-${index}@example.com`, name: 'n'.repeat(MAX_NAME_LENGTH + 1) },
    { email: `${'e'.repeat(MAX_EMAIL_LENGTH)}-${index}@example.com`, name: 'Too Long' },
  ][index % 4];

/**
 * How many duplicates and bad inputs a batch of `total` holds: about 5% each, at least two
 * duplicates and four bad inputs (one of each kind) when the batch is big enough.
 *
 * @param total the batch size
 * @returns the split; `created + duplicates + invalid === total`
 */
export function planShape(total: number): PlanShape {
  const duplicates = Math.min(Math.max(2, Math.round(total * 0.05)), Math.floor(total / 4));
  const invalid = Math.min(Math.max(4, Math.round(total * 0.05)), Math.floor(total / 4));
  return { created: total - duplicates - invalid, duplicates, invalid };
}

/**
 * The batch: unique users, each duplicate placed right after the request it copies (so the two
 * race, on different GraphQL instances, and the database's unique email decides), and the bad
 * inputs spread through the batch.
 *
 * @param total how many requests
 * @returns the requests in sending order
 */
export function planRequests(total: number): PlannedRequest[] {
  const shape = planShape(total);
  const requests: PlannedRequest[] = Array.from({ length: shape.created }, (_, index) => ({
    email: `user-${index + 1}@example.com`,
    name: `User ${index + 1}`,
    expect: 'created',
  }));
  const every = Math.max(1, Math.floor(shape.created / Math.max(1, shape.duplicates)));
  for (let index = shape.duplicates - 1; index >= 0; index -= 1) {
    const original = requests.findIndex((request) => request.email === `user-${index * every + 1}@example.com`);
    requests.splice(original + 1, 0, { email: requests[original].email, name: 'Copycat', expect: 'duplicate' });
  }
  const gap = Math.max(1, Math.floor(requests.length / shape.invalid));
  for (let index = 0; index < shape.invalid; index += 1) {
    requests.splice(Math.min(requests.length, index * (gap + 1) + 1), 0, { ...badInputs(index), expect: 'invalid' });
  }
  return requests;
}
