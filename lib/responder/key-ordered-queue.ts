/** A job and the lane it runs in (`undefined`: no lane, it may run beside anything). */
interface Job {
  readonly lane: string | undefined;
  readonly start: (done: () => void) => void;
}

/** A first-in first-out queue that does not copy on every take, as `Array.prototype.shift` does. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/**
 * Runs jobs at most `concurrency` at a time, and the jobs of one lane (a record key of one
 * partition) strictly one after another in the order they were submitted. A job holds its place
 * until it calls `done`; jobs of other lanes overtake a slow one.
 *
 * @internal
 */
export class KeyOrderedQueue {
  private active = 0;
  private pumping = false;
  private readonly ready = new Fifo<Job>();
  /** Busy lanes, each with the jobs waiting behind its running one. */
  private readonly lanes = new Map<string, Fifo<Job>>();

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`concurrency must be a positive integer; got ${String(concurrency)}.`);
    }
  }

  /** Jobs started and not yet done. */
  get running(): number {
    return this.active;
  }

  /** Jobs submitted and not yet started. */
  get waiting(): number {
    let behind = 0;
    for (const lane of this.lanes.values()) behind += lane.length;
    return this.ready.length + behind;
  }

  /** Queues `start`; it is called once its lane is free and a slot is. */
  submit(lane: string | undefined, start: (done: () => void) => void): void {
    const job: Job = { lane, start };
    if (lane !== undefined) {
      const behind = this.lanes.get(lane);
      if (behind) {
        behind.push(job);
        return;
      }
      this.lanes.set(lane, new Fifo());
    }
    this.ready.push(job);
    this.pump();
  }

  /** Drops every job not yet started; running jobs finish on their own. */
  clear(): void {
    this.ready.clear();
    this.lanes.clear();
  }

  private pump(): void {
    // A job may finish inside `start`; the loop below picks up what that frees.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.active < this.concurrency) {
        const job = this.ready.take();
        if (!job) break;
        this.active += 1;
        let finished = false;
        job.start(() => {
          if (finished) return;
          finished = true;
          this.finish(job);
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  private finish(job: Job): void {
    this.active -= 1;
    if (job.lane !== undefined) {
      const behind = this.lanes.get(job.lane);
      const next = behind?.take();
      if (next) this.ready.push(next);
      else this.lanes.delete(job.lane);
    }
    this.pump();
  }
}
