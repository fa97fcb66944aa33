import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ErrorCode } from './graphql-errors';
import { UserCreated } from './messages';

/** How one createUser call ended, as the HTTP client saw it. */
export type Outcome = 'ok' | 'duplicate' | 'validation' | 'other';

/** One call's result. */
export interface CallResult {
  readonly outcome: Outcome;
  /** When it was sent, in epoch milliseconds. */
  readonly startedAtMs: number;
  readonly latencyMs: number;
  /** The error code (`extensions.code`) or a short reason, for anything but `ok`. */
  readonly code?: string;
  readonly message?: string;
  /** The created user, for `ok`. */
  readonly user?: UserCreated;
}

const GraphqlResponse = t.partial({
  data: t.union([t.null, t.type({ createUser: UserCreated })]),
  errors: t.array(
    t.intersection([t.type({ message: t.string }), t.partial({ extensions: t.partial({ code: t.string }) })]),
  ),
});

const mutation = /* GraphQL */ `
  mutation CreateUser($email: String!, $name: String!) {
    createUser(email: $email, name: $name) {
      id
      email
      name
      createdAt
    }
  }
`;

const outcomeOf = (code: string | undefined): Outcome =>
  code === ErrorCode.emailTaken ? 'duplicate' : code === ErrorCode.badUserInput ? 'validation' : 'other';

/**
 * Sends one createUser mutation over HTTP, as a browser would, and classifies the answer. An `ok`
 * must carry the user that was asked for: a reply routed to the wrong waiting request would show
 * up here as `other` (`WRONG_REPLY`).
 *
 * @param url the GraphQL endpoint
 * @param input the mutation's arguments
 * @param headers more HTTP headers (a `traceparent`, say)
 * @returns the outcome and its latency (from sending to the parsed response)
 */
export async function callCreateUser(
  url: string,
  input: { readonly email: string; readonly name: string },
  headers: Readonly<Record<string, string>> = {},
): Promise<CallResult> {
  const started = performance.now();
  const finish = (result: Omit<CallResult, 'latencyMs' | 'startedAtMs'>): CallResult => ({
    ...result,
    startedAtMs: performance.timeOrigin + started,
    latencyMs: performance.now() - started,
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: mutation, variables: input }),
    });
    const decoded = GraphqlResponse.decode(await response.json());
    if (E.isLeft(decoded))
      return finish({ outcome: 'other', code: `HTTP_${response.status}`, message: 'not a GraphQL response' });
    const error = decoded.right.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      return finish({ outcome: outcomeOf(code), code: code ?? 'NO_CODE', message: error.message });
    }
    const user = decoded.right.data?.createUser;
    if (!user) return finish({ outcome: 'other', code: 'NO_DATA', message: 'neither data nor errors' });
    if (user.email !== input.email.trim().toLowerCase()) {
      return finish({ outcome: 'other', code: 'WRONG_REPLY', message: `asked for ${input.email}, got ${user.email}` });
    }
    return finish({ outcome: 'ok', user });
  } catch (error) {
    return finish({
      outcome: 'other',
      code: 'HTTP_FAILED',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
