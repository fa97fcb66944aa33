import { from, isObservable, Observable, of } from 'rxjs';

/**
 * What a handler may return: one reply as a plain value or a Promise of one, or several replies as
 * an Observable or an AsyncIterable. A plain value is one reply whatever its type: a string, an
 * array and `null` are each sent as a single reply (RxJS's `from` would iterate a string or an
 * array; pubscribe does not).
 *
 * @example
 * import { of } from 'rxjs';
 * import { HandlerResult } from 'pubscribe';
 *
 * const one: HandlerResult<string> = 'echo';          // one reply: "echo"
 * const list: HandlerResult<string[]> = ['a', 'b'];   // one reply: ["a","b"]
 * const later: HandlerResult<string> = Promise.resolve('done');
 * const several: HandlerResult<string> = of('10%', '100%'); // two replies
 *
 * @since 0.2.0
 * @category responder
 */
export type HandlerResult<Reply> = Reply | PromiseLike<Reply> | Observable<Reply> | AsyncIterable<Reply>;

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';

/**
 * The replies a handler's result stands for, by the rule of {@link HandlerResult}.
 *
 * @internal
 */
export function repliesOf<Reply>(result: HandlerResult<Reply>): Observable<Reply> {
  if (isObservable(result)) return result as Observable<Reply>;
  if (isPromiseLike(result)) return from(result as PromiseLike<Reply>);
  if (isAsyncIterable(result)) return from(result as AsyncIterable<Reply>);
  return of(result as Reply);
}
