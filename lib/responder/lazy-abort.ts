/**
 * An `AbortController` made only when someone asks for its signal. Each request's handler context
 * carries a signal, but most handlers never read it, and making a controller costs a few
 * microseconds per request (measured in docs/performance.md). Aborted before the signal is read,
 * the signal it then hands out is already aborted, with the same reason.
 *
 * @internal
 */
export class LazyAbort {
  private controller: AbortController | undefined;
  private aborted = false;
  private reason: unknown;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts with `reason`, once; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
