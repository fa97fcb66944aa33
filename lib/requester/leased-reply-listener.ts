import type { SchedulerLike, Subscription } from 'rxjs';
import { ClosedError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { ConsumedRecord } from '../transport/records.js';
import type { ConsumerSubscription, LeaseSubscription, Transport } from '../transport/transport.js';
import type { ReplyReader, ReplyStamp } from './reply-reader.js';

/** The key of the reader of the whole topic, run while the lease group gives this instance nothing. */
const WHOLE_TOPIC = -1;

/** One reply consumer: of one leased partition, or of the whole topic. */
interface Reader {
  readonly partition: number;
  /** What requests stamped with this reader name: its partition, or nothing for the whole topic. */
  readonly header: Buffer | undefined;
  subscription: Subscription | undefined;
  ready: boolean;
  /** Leased now; for the whole topic: wanted now, because nothing is leased. */
  leased: boolean;
  /** Requests in flight stamped with this reader. */
  stamped: number;
}

/**
 * The reply readers of a requester with `replyPartition: 'auto'` (docs/scaling.md, leased
 * ownership). It holds a membership of the reply topic's lease group and, per partition the group
 * leases it, a pinned consumer of that partition alone:
 *
 * - a request is stamped only with a partition whose consumer is ready (taking them in turn);
 * - a partition whose lease is lost is stamped no more, and its consumer stops only once the last
 *   request stamped with it has ended (each is bounded by its deadline);
 * - with no lease at all (more instances than partitions) it reads the whole topic, stamps no
 *   partition, and warns.
 *
 * While two of its consumers read the same partition (a lease gained or lost next to the
 * whole-topic reader), each record is dispatched once. Like `ReplyListener`, everything starts with
 * the first hold and stops `keepAliveMs` after the last release, which also gives the leases back.
 *
 * @internal
 */
export class LeasedReplyListener implements ReplyReader {
  private holders = 0;
  private lease: Subscription | undefined;
  private running = false;
  private stopTimer: Subscription | undefined;
  private closed = false;
  private failuresBeforeStart = 0;
  private readonly readers = new Map<number, Reader>();
  /** Readers requests may be stamped with now, in partition order. */
  private stampable: Reader[] = [];
  private turn = 0;
  private warnedNoLease = false;
  /** Partitions read by two consumers at once: the offsets dispatched since the overlap began. */
  private readonly overlap = new Map<number, Set<string>>();
  private readonly waitingForReady = new Set<() => void>();

  constructor(
    private readonly transport: Transport,
    private readonly leaseSubscription: LeaseSubscription,
    /** The reply consumers' subscription: one topic, `private`; each reader gets a group of its own. */
    private readonly readerSubscription: ConsumerSubscription,
    private readonly dispatch: (record: ConsumedRecord) => void,
    private readonly keepAliveMs: number,
    private readonly scheduler: SchedulerLike,
    /** Called when a consumer or the lease fails or ends: every waiting request fails with `error`. */
    private readonly onFailure: (error: unknown) => void,
    private readonly logger: Logger,
    /** Writes a partition's `kafka_replyPartition` value. */
    private readonly encode: (partition: number) => Buffer,
  ) {}

  hold(): void {
    this.holders += 1;
    this.stopTimer?.unsubscribe();
    this.stopTimer = undefined;
    if (!this.running) this.start();
  }

  release(): void {
    this.holders -= 1;
    if (this.holders > 0 || !this.running) return;
    if (this.closed) this.stop();
    else this.stopTimer = this.scheduler.schedule(() => this.stop(), this.keepAliveMs);
  }

  whenReady(callback: () => void): () => void {
    if (this.isReady) {
      callback();
      return () => undefined;
    }
    this.waitingForReady.add(callback);
    return () => this.waitingForReady.delete(callback);
  }

  get isReady(): boolean {
    return this.stampable.length > 0;
  }

  failureSinceStart(): unknown {
    const failure = this.transport.lastFailure?.();
    return failure && failure.sequence > this.failuresBeforeStart ? failure.error : undefined;
  }

  stamp(): ReplyStamp {
    const reader = this.stampable[this.turn % this.stampable.length];
    // A counter, not an index: the stampable partitions change, and turns go on round them.
    this.turn = (this.turn + 1) % 0x40000000;
    if (reader === undefined) throw new Error('LeasedReplyListener.stamp: called while not ready');
    reader.stamped += 1;
    let ended = false;
    return {
      header: reader.header,
      done: () => {
        if (ended) return;
        ended = true;
        reader.stamped -= 1;
        if (!reader.leased && reader.stamped === 0 && this.readers.get(reader.partition) === reader) this.settle();
      },
    };
  }

  close(): void {
    this.closed = true;
    if (this.holders === 0) this.stop();
  }

  private start(): void {
    this.running = true;
    this.failuresBeforeStart = this.transport.lastFailure?.()?.sequence ?? 0;
    const topic = this.leaseSubscription.topic;
    const lease = this.transport.lease!(this.leaseSubscription).subscribe({
      next: (event) => this.apply(event.partitions),
      error: (error: unknown) => this.fail(error),
      complete: () => this.fail(new ClosedError({ what: 'reply leases', topic })),
    });
    // A lease that failed at once has reset everything already.
    if (this.running) this.lease = lease;
  }

  /** The lease group's latest word: start readers for new partitions, let lost ones drain. */
  private apply(partitions: readonly number[]): void {
    const leased = new Set(partitions);
    for (const reader of this.readers.values()) {
      reader.leased = reader.partition === WHOLE_TOPIC ? leased.size === 0 : leased.has(reader.partition);
    }
    const wanted = leased.size === 0 ? [WHOLE_TOPIC] : [...leased];
    for (const partition of wanted) {
      if (!this.running) return;
      if (!this.readers.has(partition)) this.startReader(partition);
    }
    if (leased.size === 0) this.warnNoLease();
    else this.warnedNoLease = false;
    this.settle();
  }

  private startReader(partition: number): void {
    const whole = partition === WHOLE_TOPIC;
    const reader: Reader = {
      partition,
      header: whole ? undefined : this.encode(partition),
      subscription: undefined,
      ready: false,
      leased: true,
      stamped: 0,
    };
    this.readers.set(partition, reader);
    this.updateOverlap();
    const base = this.readerSubscription;
    const subscription: ConsumerSubscription = whole
      ? base
      : { ...base, groupId: `${base.groupId}-p${partition}`, partitions: [partition] };
    const consumer = this.transport.consume(subscription).subscribe({
      next: (event) => {
        if (event.type === 'batch') {
          for (const record of event.records) this.deliver(record);
          event.ack();
        } else if (event.type === 'ready') {
          reader.ready = true;
          this.settle();
        }
      },
      error: (error: unknown) => this.fail(error),
      complete: () => this.fail(new ClosedError({ what: 'reply consumer', topic: base.topics[0] })),
    });
    if (this.readers.get(partition) === reader) reader.subscription = consumer;
  }

  private deliver(record: ConsumedRecord): void {
    const seen = this.overlap.get(record.partition);
    if (seen !== undefined) {
      if (seen.has(record.offset)) return;
      seen.add(record.offset);
    }
    this.dispatch(record);
  }

  /**
   * Stops readers nobody needs (lease lost, nothing stamped in flight), recomputes what may be
   * stamped, and lets waiting requests go once something may.
   */
  private settle(): void {
    for (const reader of [...this.readers.values()]) {
      if (reader.leased || reader.stamped > 0) continue;
      this.readers.delete(reader.partition);
      reader.subscription?.unsubscribe();
    }
    this.updateOverlap();
    const partitions = [...this.readers.values()]
      .filter((reader) => reader.partition !== WHOLE_TOPIC && reader.leased && reader.ready)
      .sort((a, b) => a.partition - b.partition);
    // Until a leased partition is ready, the whole-topic reader, while it runs, still reads every reply.
    const whole = this.readers.get(WHOLE_TOPIC);
    this.stampable = partitions.length > 0 ? partitions : whole?.ready ? [whole] : [];
    if (!this.isReady) return;
    const waiting = [...this.waitingForReady];
    this.waitingForReady.clear();
    for (const callback of waiting) callback();
  }

  /** Partitions two readers read at once need duplicates dropped; the others do not. */
  private updateOverlap(): void {
    const wholeRuns = this.readers.has(WHOLE_TOPIC);
    for (const partition of [...this.overlap.keys()]) {
      if (!wholeRuns || !this.readers.has(partition)) this.overlap.delete(partition);
    }
    if (!wholeRuns) return;
    for (const partition of this.readers.keys()) {
      if (partition !== WHOLE_TOPIC && !this.overlap.has(partition)) this.overlap.set(partition, new Set());
    }
  }

  private warnNoLease(): void {
    if (this.warnedNoLease) return;
    this.warnedNoLease = true;
    const { topic, groupId } = this.leaseSubscription;
    this.logger.warn(
      `Lease group '${groupId}' gave this requester no partition of reply topic '${topic}': more ` +
        'instances share it than it has partitions. This instance reads the whole topic and its requests ' +
        'name no reply partition until it gets one, so others read its replies too. Give the reply topic ' +
        'at least one partition per instance (docs/scaling.md).',
      { groupId, topic },
    );
  }

  private fail(error: unknown): void {
    if (!this.running) return;
    this.stop();
    this.onFailure(error);
  }

  private stop(): void {
    const lease = this.lease;
    const readers = [...this.readers.values()];
    this.running = false;
    this.lease = undefined;
    this.readers.clear();
    this.overlap.clear();
    this.stampable = [];
    this.warnedNoLease = false;
    this.stopTimer?.unsubscribe();
    this.stopTimer = undefined;
    lease?.unsubscribe();
    for (const reader of readers) reader.subscription?.unsubscribe();
  }
}
