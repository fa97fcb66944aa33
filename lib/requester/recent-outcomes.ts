/**
 * How recently finished requests ended, remembered for the last `capacity` requests so a reply
 * arriving after the fact can be told apart: late (the caller gave up) or duplicate (already
 * answered). Bounded, so it cannot grow with traffic.
 *
 * @internal
 */
export class RecentOutcomes {
  private readonly outcomes = new Map<string, 'answered' | 'abandoned'>();

  constructor(private readonly capacity: number) {}

  remember(key: string, outcome: 'answered' | 'abandoned'): void {
    this.outcomes.delete(key);
    this.outcomes.set(key, outcome);
    if (this.outcomes.size > this.capacity) {
      const oldest = this.outcomes.keys().next();
      if (!oldest.done) this.outcomes.delete(oldest.value);
    }
  }

  get(key: string): 'answered' | 'abandoned' | undefined {
    return this.outcomes.get(key);
  }
}
