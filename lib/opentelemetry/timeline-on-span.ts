import type { ReadyTimeline } from '../transport/ready-timeline.js';

/**
 * Places a consumer's {@link ReadyTimeline} on its start span, which ran from `spanStart` until
 * `now` on the span's own clock. Both clocks count elapsed time alike but each read the system
 * clock once, in whole milliseconds, so they may disagree by up to one: the moments are shifted by
 * as little as keeps them inside the span, which leaves every gap between them as it was.
 *
 * @internal
 */
export function timelineOnSpan(timeline: ReadyTimeline, spanStart: number, now: number): (moment: number) => number {
  const earliest = spanStart - timeline.subscribedAt;
  const latest = now - timeline.readyAt;
  const shift = Math.max(earliest, Math.min(0, latest));
  // A timeline longer than the span (virtual time, say) still ends inside it.
  return (moment) => Math.min(now, moment + shift);
}
