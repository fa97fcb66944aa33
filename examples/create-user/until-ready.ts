import { Observable, Subscription } from 'rxjs';

/**
 * Subscribes to a service's event stream and resolves once it emits `ready` (a pubscribe consumer
 * that is positioned, not merely started), so callers only send work to services that will see it.
 * An error before `ready` rejects; an error after it goes to `onFailure`, because by then the
 * caller has moved on and the service is simply dead.
 *
 * @param events a cold stream from `serve` or `consume`
 * @param onEvent sees every event (counting, logging)
 * @param onFailure called with an error that ends the stream after `ready`
 * @returns the live subscription; unsubscribe it to stop the consumer
 */
export function subscribeUntilReady<Event extends { readonly type: string }>(
  events: Observable<Event>,
  onEvent: (event: Event) => void,
  onFailure: (error: unknown) => void,
): Promise<Subscription> {
  return new Promise((resolve, reject) => {
    const subscription = new Subscription();
    let ready = false;
    subscription.add(
      events.subscribe({
        next(event) {
          onEvent(event);
          if (!ready && event.type === 'ready') {
            ready = true;
            resolve(subscription);
          }
        },
        error(error: unknown) {
          if (ready) onFailure(error);
          else reject(error);
        },
      }),
    );
  });
}
