import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { firstValueFrom, Observable, toArray } from 'rxjs';
import { ClosedError, isPubScribeError, PubScribeError } from '../errors/index.js';
import type { Requester } from '../requester/requester.js';
import type { ManyRequestSpec, RequestSpec } from '../requester/request-spec.js';

/**
 * Runs a one-value Observable as a `TaskEither`: its value on the right, its error on the left
 * (a PubScribeError; anything else, which would be a bug, is wrapped as its `cause`).
 *
 * @example
 * import { of } from 'rxjs';
 * import { fromObservable } from 'pubscribe';
 * const task = fromObservable(of(42));
 * // await task() -> { _tag: 'Right', right: 42 }
 *
 * @param source a cold Observable that emits once (more values are ignored)
 * @returns a TaskEither that subscribes each time it runs
 * @since 0.1.0
 * @category fp-ts
 */
export function fromObservable<A>(source: Observable<A>): TaskEither<PubScribeError, A> {
  return () =>
    firstValueFrom(source).then(
      (right) => ({ _tag: 'Right', right }),
      (error: unknown) => ({ _tag: 'Left', left: toPubScribeError(error) }),
    );
}

function toPubScribeError(error: unknown): PubScribeError {
  if (isPubScribeError(error)) return error;
  // firstValueFrom's EmptyError: the responder ended the reply stream without a value.
  return new ClosedError({ what: 'reply stream (it ended without a reply)', cause: error });
}

/**
 * `requester.request(spec)` for Promise-style callers: a `TaskEither` of the reply, or the typed
 * error on the left. Nothing happens until the task runs; each run is a new request.
 *
 * @example
 * import * as t from 'io-ts';
 * import { pipe } from 'fp-ts/lib/function.js';
 * import * as TE from 'fp-ts/lib/TaskEither.js';
 * import { createRequester, jsonCodec, kafkajsTransport, requestTask } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] } });
 * const requester = createRequester({ transport, replyTopic: 'user-created' });
 * const createUser = requestTask(requester, {
 *   topic: 'create-user',
 *   value: { email: 'ada@example.com', name: 'Ada' },
 *   codec: jsonCodec(t.type({ email: t.string, name: t.string })),
 *   replyCodec: jsonCodec(t.type({ id: t.number })),
 * });
 * // A Task is a function returning a Promise: run it where you would await.
 * const describeOutcome: () => Promise<string> = pipe(
 *   createUser,
 *   TE.match((error) => `failed: ${error.kind}`, (user) => `user ${user.id}`),
 * );
 * void describeOutcome().then(console.log);
 *
 * @param requester the requester to send through
 * @param spec the request
 * @returns a TaskEither of the reply
 * @since 0.1.0
 * @category fp-ts
 */
export function requestTask<Request, Reply>(
  requester: Requester,
  spec: RequestSpec<Request, Reply>,
): TaskEither<PubScribeError, Reply> {
  return fromObservable(requester.request(spec));
}

/**
 * `requester.requestMany(spec)` as a `TaskEither` of every reply, in order.
 *
 * @example
 * import * as t from 'io-ts';
 * import { createRequester, jsonCodec, kafkajsTransport, requestManyTask } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] } });
 * const requester = createRequester({ transport, replyTopic: 'search-results' });
 * const search = requestManyTask(requester, {
 *   topic: 'search',
 *   value: 'kafka',
 *   codec: jsonCodec(t.string),
 *   replyCodec: jsonCodec(t.type({ title: t.string })),
 * });
 * // const result = await search();
 *
 * @param requester the requester to send through
 * @param spec the request
 * @returns a TaskEither of all replies
 * @since 0.1.0
 * @category fp-ts
 */
export function requestManyTask<Request, Reply>(
  requester: Requester,
  spec: ManyRequestSpec<Request, Reply>,
): TaskEither<PubScribeError, readonly Reply[]> {
  return fromObservable(requester.requestMany(spec).pipe(toArray()));
}
