import { identity, MonoTypeOperatorFunction, Observable, SchedulerLike } from 'rxjs';
import type { TransportEvent } from '../transport/transport.js';
import { noTelemetry, silentHandler } from './no-telemetry.js';
import type { ConsumerStart, HandlerTrace, Telemetry } from './telemetry.js';

/**
 * Traces the start of one transport consumer: from subscribe until its first `ready`, or until it
 * fails, completes or is unsubscribed before that. Without telemetry, the events pass untouched.
 *
 * @internal
 */
export function traceConsumerStart(
  telemetry: Telemetry,
  start: ConsumerStart,
  scheduler: SchedulerLike,
): MonoTypeOperatorFunction<TransportEvent> {
  if (telemetry === noTelemetry) return identity;
  return (events) =>
    new Observable<TransportEvent>((subscriber) => {
      const startedAt = scheduler.now();
      const trace = telemetry.startConsumer(start);
      let starting = true;
      const over = () => {
        if (!starting) return;
        starting = false;
        trace.end();
      };
      const inner = events.subscribe({
        next: (event) => {
          if (starting && event.type === 'ready') {
            trace.ready(event.positions, scheduler.now() - startedAt, event.timeline);
            over();
          }
          subscriber.next(event);
        },
        error: (error: unknown) => {
          if (starting) trace.failed(error);
          over();
          subscriber.error(error);
        },
        complete: () => {
          over();
          subscriber.complete();
        },
      });
      return () => {
        over();
        inner.unsubscribe();
      };
    });
}

/**
 * Subscribes to the source inside the handler's trace context, so the work an Observable handler
 * starts on subscribe sees it too.
 *
 * @internal
 */
export function subscribeInTrace<T>(trace: HandlerTrace): MonoTypeOperatorFunction<T> {
  if (trace === silentHandler) return identity;
  return (source) => new Observable<T>((subscriber) => trace.run(() => source.subscribe(subscriber)));
}
