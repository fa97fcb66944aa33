/**
 * How recently finished requests ended, remembered for the last `capacity` requests so a reply
 * arriving after the fact can be told apart: late (the caller gave up) or duplicate (already
 * answered). Bounded, so it cannot grow with traffic.
 *
 * The oldest id is found in a ring of ids, not by iterating the map: a `Map` that is forever
 * deleting its oldest entry keeps the deleted slots at the front of its table until it rehashes,
 * and `keys().next()` walks all of them, about 20 µs a request at the default capacity.
 *
 * @internal
 */
export class RecentOutcomes {
  /** Each id's outcome and ring slot, as one number: `slot * 2`, plus 1 when abandoned. */
  private readonly outcomes = new Map<string, number>();
  /** Ids in the order they were remembered; `next` is the oldest once the ring is full. */
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentOutcomes: capacity must be a positive integer; got ${String(capacity)}.`);
    }
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Remembers `key`'s outcome as the newest, replacing what was remembered of it before. */
  remember(key: string, outcome: 'answered' | 'abandoned'): void {
    const oldest = this.ring[this.next];
    // An id remembered again holds an older slot too; only its newest slot removes it.
    if (oldest !== undefined && slotOf(this.outcomes.get(oldest)) === this.next) this.outcomes.delete(oldest);
    this.ring[this.next] = key;
    this.outcomes.set(key, this.next * 2 + (outcome === 'abandoned' ? 1 : 0));
    this.next = (this.next + 1) % this.capacity;
  }

  get(key: string): 'answered' | 'abandoned' | undefined {
    const code = this.outcomes.get(key);
    if (code === undefined) return undefined;
    return code % 2 === 1 ? 'abandoned' : 'answered';
  }
}

const slotOf = (code: number | undefined): number | undefined =>
  code === undefined ? undefined : Math.floor(code / 2);
