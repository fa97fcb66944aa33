import {
  BehaviorSubject,
  defer,
  filter,
  ignoreElements,
  map,
  Observable,
  race,
  SchedulerLike,
  share,
  take,
  tap,
  timer,
} from 'rxjs';
import type { ConsumedRecord } from '../transport/records.js';
import type { ConsumerSubscription, Transport } from '../transport/transport.js';

/**
 * One ready reply consumer per reply topic and requester, shared by every request in flight.
 * Requests subscribe to `attach()` for as long as they wait; the consumer starts with the first
 * and stays up `keepAliveMs` after the last, so a burst of requests does not rejoin the group per
 * request. Readiness is paid once, not per request.
 *
 * @internal
 */
export class ReplyListener {
  private readonly ready = new BehaviorSubject(false);
  private readonly closed = new BehaviorSubject(false);
  private readonly shared: Observable<never>;

  constructor(
    transport: Transport,
    subscription: ConsumerSubscription,
    dispatch: (record: ConsumedRecord) => void,
    keepAliveMs: number,
    scheduler: SchedulerLike,
  ) {
    this.shared = defer(() => transport.consume(subscription)).pipe(
      tap({
        next: (event) => {
          if (event.type === 'batch') {
            for (const record of event.records) dispatch(record);
            event.ack();
          } else if (event.type === 'ready') {
            this.ready.next(true);
          }
        },
        finalize: () => this.ready.next(false),
      }),
      ignoreElements(),
      share({
        resetOnError: true,
        resetOnComplete: true,
        resetOnRefCountZero: () => race(timer(keepAliveMs, scheduler), this.closed.pipe(filter((closed) => closed))),
      }),
    );
  }

  /** Keeps the consumer running while subscribed; errors when the consumer fails. */
  attach(): Observable<never> {
    return this.shared;
  }

  /** Emits once, as soon as the consumer is ready (at once when it already is). */
  whenReady(): Observable<void> {
    return this.ready.pipe(
      filter((ready) => ready),
      take(1),
      map(() => undefined),
    );
  }

  /** True while the consumer is positioned. */
  get isReady(): boolean {
    return this.ready.value;
  }

  /** Stops the consumer as soon as no request holds it, without waiting for the keep-alive. */
  close(): void {
    this.closed.next(true);
  }
}
