import { CORRELATION_ID_HEADER, headerBytes } from '../headers/index.js';
import { isEndMarker } from '../protocol/end-marker.js';
import type { DroppedReply } from '../telemetry/telemetry.js';
import type { ConsumedRecord } from '../transport/records.js';
import { RecentOutcomes } from './recent-outcomes.js';

/**
 * The map key of a correlation id header. Spring sends 16 binary bytes, Nest and pubscribe a
 * string: comparing bytes covers both, and latin1 maps each byte to one character losslessly
 * (for pubscribe's ASCII ids, the key is the id itself).
 */
function correlationKey(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/**
 * One waiting request. `offer` receives a reply that may be its own: for a request correlated by
 * header the reply is its own; for one matched by predicate, `offer` decides and says whether it
 * took the reply.
 *
 * @internal
 */
export interface PendingEntry {
  /** The correlation id header value, as bytes (latin1 key). */
  readonly key: string;
  /** Set for requests matched by a predicate over the decoded reply. */
  readonly byPredicate: boolean;
  /** Predicate requests only: consider only replies with this key (an index, not a filter of meaning). */
  readonly replyKey?: string;
  offer(record: ConsumedRecord, carriesCorrelationId: boolean): boolean;
}

/** Counters the registry keeps. @internal */
export interface DispatchCounters {
  late: number;
  duplicates: number;
  foreign: number;
}

/**
 * The requests of one requester that wait for a reply, found in O(1) by correlation id, or by
 * trying the predicate requests (indexed by expected reply key where one was given). Entries are
 * registered before their request is produced and removed the moment they finish.
 *
 * @internal
 */
export class PendingRequests {
  private readonly byKey = new Map<string, PendingEntry>();
  private readonly predicatesByReplyKey = new Map<string, Set<PendingEntry>>();
  private readonly predicatesWithoutKey = new Set<PendingEntry>();
  private readonly recent: RecentOutcomes;
  readonly counters: DispatchCounters = { late: 0, duplicates: 0, foreign: 0 };

  constructor(
    rememberOutcomes = 10_000,
    /** Told of each reply dropped, after it was counted. */
    private readonly onDropped?: (reason: DroppedReply, record: ConsumedRecord) => void,
  ) {
    this.recent = new RecentOutcomes(rememberOutcomes);
  }

  get size(): number {
    return this.byKey.size;
  }

  register(entry: PendingEntry): void {
    this.byKey.set(entry.key, entry);
    if (!entry.byPredicate) return;
    if (entry.replyKey === undefined) {
      this.predicatesWithoutKey.add(entry);
      return;
    }
    const bucket = this.predicatesByReplyKey.get(entry.replyKey) ?? new Set();
    bucket.add(entry);
    this.predicatesByReplyKey.set(entry.replyKey, bucket);
  }

  /** Removes an entry; `answered` tells a later duplicate from a late reply. */
  finish(entry: PendingEntry, outcome: 'answered' | 'abandoned'): void {
    if (this.byKey.get(entry.key) !== entry) return;
    this.byKey.delete(entry.key);
    this.recent.remember(entry.key, outcome);
    if (!entry.byPredicate) return;
    if (entry.replyKey === undefined) {
      this.predicatesWithoutKey.delete(entry);
      return;
    }
    const bucket = this.predicatesByReplyKey.get(entry.replyKey);
    bucket?.delete(entry);
    if (bucket?.size === 0) this.predicatesByReplyKey.delete(entry.replyKey);
  }

  /** Every entry still waiting (for close). */
  entries(): PendingEntry[] {
    return [...this.byKey.values()];
  }

  /** Routes one reply to the request waiting for it, or counts why nobody took it. */
  dispatch(record: ConsumedRecord): void {
    const header = headerBytes(record.headers, CORRELATION_ID_HEADER);
    const key = header._tag === 'Some' ? correlationKey(header.value) : undefined;
    const entry = key === undefined ? undefined : this.byKey.get(key);
    if (entry) {
      entry.offer(record, true);
      return;
    }
    if (this.offerToPredicates(record)) return;
    const reason = this.whyDropped(record, key);
    if (reason === undefined) return;
    this.counters[reason === 'duplicate' ? 'duplicates' : reason] += 1;
    this.onDropped?.(reason, record);
  }

  private whyDropped(record: ConsumedRecord, key: string | undefined): DroppedReply | undefined {
    if (key === undefined) return 'foreign';
    const outcome = this.recent.get(key);
    if (outcome === 'abandoned') return 'late';
    if (outcome === 'answered') {
      // Nest responders end every reply stream with a bare end marker; it is no duplicate.
      const bareEndMarker = record.value === null && isEndMarker(record);
      return bareEndMarker ? undefined : 'duplicate';
    }
    return 'foreign';
  }

  private offerToPredicates(record: ConsumedRecord): boolean {
    if (this.predicatesWithoutKey.size === 0 && this.predicatesByReplyKey.size === 0) return false;
    const keyed = record.key ? this.predicatesByReplyKey.get(record.key.toString('utf8')) : undefined;
    for (const candidates of [keyed, this.predicatesWithoutKey]) {
      if (!candidates) continue;
      for (const candidate of candidates) {
        if (candidate.offer(record, false)) return true;
      }
    }
    return false;
  }
}
