import { Observable, OperatorFunction } from 'rxjs';
import type { ConsumerEvent } from './consumer-events.js';

/**
 * Keeps the values that decoded, dropping lifecycle events and decode failures. Use it where a
 * failure needs no answer (a projection); where it does, match on `event.value` instead.
 *
 * @example
 * import * as t from 'io-ts';
 * import { consume, decodedValues, jsonCodec, kafkajsTransport } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] } });
 * consume(transport, { topic: 'user-created', codec: jsonCodec(t.type({ email: t.string })) })
 *   .pipe(decodedValues())
 *   .subscribe((user) => console.log(user.email));
 *
 * @returns an operator from consumer events to decoded values
 * @since 0.1.0
 * @category consume
 */
export function decodedValues<A>(): OperatorFunction<ConsumerEvent<A>, A> {
  return (source) =>
    new Observable<A>((subscriber) =>
      source.subscribe({
        next(event) {
          if (event.type === 'message' && event.value._tag === 'Right') subscriber.next(event.value.right);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
