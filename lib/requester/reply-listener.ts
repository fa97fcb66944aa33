import type { SchedulerLike, Subscription } from 'rxjs';
import { ClosedError } from '../errors/index.js';
import type { ConsumedRecord } from '../transport/records.js';
import type { ConsumerSubscription, Transport } from '../transport/transport.js';
import { ReplyReader, ReplyStamp, unstamped } from './reply-reader.js';

/**
 * One ready reply consumer per reply topic and requester, shared by every request in flight.
 * Requests `hold()` it while they wait and `release()` it when they end; the consumer starts with
 * the first hold and stops `keepAliveMs` after the last release, so a burst of requests does not
 * rejoin the group per request. Readiness is paid once, not per request.
 *
 * Reference counting is done here rather than with RxJS `share()`: with thousands of requests in
 * flight, `share()` keeps its subscribers in an array, and each unsubscribe scans it.
 *
 * @internal
 */
export class ReplyListener implements ReplyReader {
  private holders = 0;
  private consumer: Subscription | undefined;
  private stopTimer: Subscription | undefined;
  private ready = false;
  private closed = false;
  /** The transport's failure count when this consumer started: later failures concern it. */
  private failuresBeforeStart = 0;
  private readonly waitingForReady = new Set<() => void>();

  constructor(
    private readonly transport: Transport,
    private readonly subscription: ConsumerSubscription,
    private readonly dispatch: (record: ConsumedRecord) => void,
    private readonly keepAliveMs: number,
    private readonly scheduler: SchedulerLike,
    /** Called when the consumer fails or ends: every waiting request fails with `error`. */
    private readonly onFailure: (error: unknown) => void,
    /** The `kafka_replyPartition` of the next request, when requests name one (static ownership). */
    private readonly nextPartition?: () => Buffer,
  ) {}

  /** The next of the fixed partitions, or none; the consumer reads them all for as long as it runs. */
  stamp(): ReplyStamp {
    return this.nextPartition ? { header: this.nextPartition(), done: unstamped.done } : unstamped;
  }

  /** Keeps the consumer running (starting it if needed) until the matching `release()`. */
  hold(): void {
    this.holders += 1;
    this.stopTimer?.unsubscribe();
    this.stopTimer = undefined;
    if (!this.consumer) this.start();
  }

  /** Ends one hold; the last one stops the consumer after the keep-alive (at once when closed). */
  release(): void {
    this.holders -= 1;
    if (this.holders > 0 || !this.consumer) return;
    if (this.closed) this.stop();
    else this.stopTimer = this.scheduler.schedule(() => this.stop(), this.keepAliveMs);
  }

  /** Calls `callback` once the consumer is ready (at once when it is); returns a cancel function. */
  whenReady(callback: () => void): () => void {
    if (this.ready) {
      callback();
      return () => undefined;
    }
    this.waitingForReady.add(callback);
    return () => this.waitingForReady.delete(callback);
  }

  /** True while the consumer is positioned. */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * The latest failure the transport reported since this consumer started, while it is still not
   * ready (a broker it cannot reach, say); undefined when there was none or the transport cannot tell.
   */
  failureSinceStart(): unknown {
    const failure = this.transport.lastFailure?.();
    return failure && failure.sequence > this.failuresBeforeStart ? failure.error : undefined;
  }

  /** Stops the consumer as soon as no request holds it, without waiting for the keep-alive. */
  close(): void {
    this.closed = true;
    if (this.holders === 0) this.stop();
  }

  private start(): void {
    // Assigned before subscribing: a consumer that fails synchronously is reset, not kept.
    let failed = false;
    this.failuresBeforeStart = this.transport.lastFailure?.()?.sequence ?? 0;
    const consumer = this.transport.consume(this.subscription).subscribe({
      next: (event) => {
        if (event.type === 'batch') {
          for (const record of event.records) this.dispatch(record);
          event.ack();
        } else if (event.type === 'ready') {
          this.ready = true;
          const waiting = [...this.waitingForReady];
          this.waitingForReady.clear();
          for (const callback of waiting) callback();
        }
      },
      error: (error: unknown) => {
        failed = true;
        this.reset();
        this.onFailure(error);
      },
      complete: () => {
        failed = true;
        this.reset();
        this.onFailure(new ClosedError({ what: 'reply consumer', topic: this.subscription.topics[0] }));
      },
    });
    if (!failed) this.consumer = consumer;
  }

  private stop(): void {
    const consumer = this.consumer;
    this.reset();
    consumer?.unsubscribe();
  }

  private reset(): void {
    this.consumer = undefined;
    this.ready = false;
    this.stopTimer?.unsubscribe();
    this.stopTimer = undefined;
  }
}
