import { Base, type Consumer } from '@platformatic/kafka';
import type { SchedulerLike } from 'rxjs';

/** How long a consumer is given to close its streams and leave its group before it is cut off. */
export const RETIRE_WITHIN_MS = 5_000;

/** The client's own close: marks it closed, ends its retry loops ('client:close'), closes its pool. */
const closeClient: (this: Base) => Promise<void> = Base.prototype.close;

/**
 * Closes a @platformatic/kafka consumer for good: its streams, its group membership (so the group
 * need not wait out its session) and its connections. `Consumer.close` gives up when it cannot
 * leave the group (an unreachable coordinator) and then leaves the client open, its connections
 * and retry timers alive; against a frozen broker it retries for a long time. So when the close
 * fails, or has not finished within `withinMs`, the client's connections are closed without
 * leaving (the broker drops the member once its session expires) and its pending retries end.
 * Never rejects.
 *
 * @internal
 */
export async function retireConsumer(
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  scheduler: SchedulerLike,
  withinMs = RETIRE_WITHIN_MS,
): Promise<void> {
  let timeout: { unsubscribe(): void } | undefined;
  const closed = await Promise.race([
    new Promise<boolean>((resolve) => consumer.close(true, (error) => resolve(!error))),
    new Promise<boolean>((resolve) => {
      timeout = scheduler.schedule(() => resolve(false), withinMs);
    }),
  ]);
  timeout?.unsubscribe();
  if (!closed) await closeClient.call(consumer).catch(() => undefined);
}
