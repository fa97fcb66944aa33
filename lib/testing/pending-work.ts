import { Subscription, type SchedulerLike } from 'rxjs';

/**
 * Scheduler actions that are still to run, so they can be cancelled together. Every wait of the
 * in-memory transport goes through one of these, which is why a `TestScheduler` controls it and
 * why nothing runs after a consumer's teardown or the transport's `close()`.
 *
 * @internal
 */
export class PendingWork {
  private readonly pending = new Subscription();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Runs `task` after `delay` on the scheduler, unless cancelled first. */
  schedule(task: () => void, delay = 0): void {
    let action: Subscription | undefined = undefined;
    let ran = false;
    action = this.scheduler.schedule(() => {
      ran = true;
      // A synchronous scheduler (queueScheduler) may run the task before `action` is assigned.
      if (action) this.pending.remove(action);
      task();
    }, delay);
    // Adding to a cancelled holder unsubscribes the action at once, so it never runs.
    if (!ran) this.pending.add(action);
  }

  /** Cancels everything still pending, and everything scheduled from now on. */
  cancel(): void {
    this.pending.unsubscribe();
  }
}
