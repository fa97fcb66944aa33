interface Entry {
  readonly offset: string;
  done: boolean;
}

/**
 * Which delivered records of one partition are processed, when they finish in any order: the
 * partition's committable position is its first record not yet done, so a member that stops
 * leaves exactly the unfinished records (and nothing before them) to the next owner.
 *
 * @internal
 */
export class PartitionProgress {
  /** Delivered records in offset order; `head` is the first not yet released. */
  private entries: Entry[] = [];
  private head = 0;
  private readonly byOffset = new Map<string, Entry>();
  private lastDelivered: string | undefined;

  /** Records that `offsets` (in offset order) were handed out for processing. */
  deliver(offsets: readonly string[]): void {
    for (const offset of offsets) {
      const entry: Entry = { offset, done: false };
      this.entries.push(entry);
      this.byOffset.set(offset, entry);
    }
    if (offsets.length > 0) this.lastDelivered = offsets[offsets.length - 1];
  }

  /**
   * Marks one record done.
   *
   * @returns true when the committable position moved (the record was the first not done)
   */
  acknowledge(offset: string): boolean {
    const entry = this.byOffset.get(offset);
    if (!entry || entry.done) return false;
    entry.done = true;
    this.byOffset.delete(offset);
    if (this.entries[this.head] !== entry) return false;
    while (this.head < this.entries.length && this.entries[this.head]!.done) this.head += 1;
    // Compact now and then, not on every release: shifting a long array per record is quadratic.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** Records delivered and not yet done. */
  get pending(): number {
    return this.byOffset.size;
  }

  /** The offset to commit: the first record not done, else one past the last delivered. */
  committable(): string | undefined {
    const first = this.entries[this.head];
    if (first) return first.offset;
    return this.lastDelivered === undefined ? undefined : (BigInt(this.lastDelivered) + 1n).toString();
  }
}
