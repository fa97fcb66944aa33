/**
 * Milliseconds since the epoch, read from the system clock. Deadlines travel on the wire between
 * processes (`pubscribe_deadline`), so they are wall-clock times whatever scheduler a requester
 * runs its timers on: a requester on a `TestScheduler` still tells the responder a real moment.
 * Everything that waits still goes through a scheduler; only deadlines read this clock.
 *
 * @internal
 */
export function wallClock(): number {
  // The one place lib/ reads the system clock directly (STYLE.md rule 2 covers waiting and elapsed
  // time, which stay on schedulers); RxJS's TestScheduler patches its own providers, not Date.
  // eslint-disable-next-line no-restricted-syntax
  return Date.now();
}

/**
 * A clock for the moments of one short sequence (a consumer's start): the system clock read once,
 * at the call, then advanced by the monotonic `performance.now()`. Moments microseconds apart stay
 * apart and in order, which `Date.now()`'s whole milliseconds would not keep; and the moments stay
 * on the wall clock OpenTelemetry's spans start from.
 *
 * @internal
 */
export function monotonicWallClock(): () => number {
  const origin = wallClock() - performance.now();
  return () => origin + performance.now();
}
