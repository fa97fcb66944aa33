import { VirtualTimeScheduler } from 'rxjs';

/** Lets Promise callbacks queued so far run. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await Promise.resolve();
}

/**
 * Virtual time for code that also waits on Promises (a responder acknowledges a request once the
 * transport's produce Promise settles): advances `scheduler` one frame at a time up to `until`,
 * letting microtasks run between frames. `TestScheduler.run` flushes all frames in one go, so work
 * that continues in a microtask would only run after the last frame.
 */
export async function advanceInterleaved(scheduler: VirtualTimeScheduler, until: number): Promise<void> {
  for (let frame = 0; frame <= until; frame += 1) {
    scheduler.maxFrames = frame;
    scheduler.flush();
    await settle();
  }
}

/** A virtual-time scheduler for {@link advanceInterleaved}. */
export function interleavedScheduler(): VirtualTimeScheduler {
  return new VirtualTimeScheduler(undefined, 0);
}
