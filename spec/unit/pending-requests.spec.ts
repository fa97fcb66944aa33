import { expect } from 'chai';
import { CORRELATION_ID_HEADER, NEST_DISPOSED_HEADER, normaliseHeaders, type RawHeaders } from '../../lib/headers';
import { PendingRequests, type PendingEntry } from '../../lib/requester/pending-requests';
import type { ConsumedRecord } from '../../lib/transport/records';

/** A reply record with the given value, headers and key. */
const replyRecord = (value: string | null, headers: RawHeaders = {}, key: string | null = null): ConsumedRecord => ({
  topic: 'replies',
  partition: 0,
  offset: '0',
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers: normaliseHeaders(headers),
  timestamp: '0',
});

const correlated = (id: string | Buffer, value: string | null = 'reply', extra: RawHeaders = {}) =>
  replyRecord(value, { [CORRELATION_ID_HEADER]: id, ...extra });

/** An entry that records what it was offered; predicate entries accept what `accepts` says. */
function entry(
  key: string,
  options: { readonly accepts?: (record: ConsumedRecord) => boolean; readonly replyKey?: string } = {},
): PendingEntry & { readonly offered: [string | null, boolean][] } {
  const offered: [string | null, boolean][] = [];
  const accepts = options.accepts;
  return {
    key,
    byPredicate: accepts !== undefined,
    replyKey: options.replyKey,
    offered,
    offer(record, carriesCorrelationId) {
      offered.push([record.value?.toString() ?? null, carriesCorrelationId]);
      return carriesCorrelationId || accepts === undefined || accepts(record);
    },
  };
}

describe('PendingRequests', () => {
  it('routes a reply to the entry with its correlation id, and counts a reply nobody sent as foreign', () => {
    const pending = new PendingRequests();
    const a = entry('a');
    const b = entry('b');
    pending.register(a);
    pending.register(b);
    expect(pending.size).to.equal(2);

    pending.dispatch(correlated('b', 'for b'));
    pending.dispatch(correlated('nobody', 'stray'));
    pending.dispatch(replyRecord('no header'));

    expect(a.offered).to.deep.equal([]);
    expect(b.offered).to.deep.equal([['for b', true]]);
    expect(pending.counters).to.deep.equal({ late: 0, duplicates: 0, foreign: 2 });
  });

  it('matches a binary (Spring) correlation id byte for byte', () => {
    const pending = new PendingRequests();
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xc3, 0xa9, 0x01]);
    const spring = entry(bytes.toString('latin1'));
    pending.register(spring);
    pending.dispatch(correlated(bytes));
    expect(spring.offered).to.deep.equal([['reply', true]]);
  });

  it('after finish: a reply to an answered entry is a duplicate, to an abandoned one late; a bare end marker is neither', () => {
    const pending = new PendingRequests();
    const answered = entry('answered');
    const abandoned = entry('abandoned');
    pending.register(answered);
    pending.register(abandoned);
    pending.finish(answered, 'answered');
    pending.finish(abandoned, 'abandoned');
    expect(pending.size).to.equal(0);

    pending.dispatch(correlated('answered'));
    pending.dispatch(correlated('abandoned'));
    pending.dispatch(correlated('answered', null, { [NEST_DISPOSED_HEADER]: '1' }));

    expect(answered.offered).to.deep.equal([]);
    expect(abandoned.offered).to.deep.equal([]);
    expect(pending.counters).to.deep.equal({ late: 1, duplicates: 1, foreign: 0 });
  });

  it('finish is idempotent, keeps the first outcome, and never removes another entry with the same key', () => {
    const pending = new PendingRequests();
    const first = entry('same');
    pending.register(first);
    pending.finish(first, 'answered');
    pending.finish(first, 'abandoned');
    pending.dispatch(correlated('same'));
    expect(pending.counters.duplicates).to.equal(1);

    const second = entry('same');
    pending.register(second);
    pending.finish(first, 'abandoned');
    expect(pending.size).to.equal(1);
    expect(pending.entries()).to.deep.equal([second]);
  });

  it('offers a reply without a known correlation id to predicate entries, keyed ones only for their key', () => {
    const pending = new PendingRequests();
    const forAda = entry('p-ada', { accepts: () => true, replyKey: 'ada' });
    const anyKey = entry('p-any', { accepts: (record) => record.value?.toString() === 'mine' });
    pending.register(forAda);
    pending.register(anyKey);

    pending.dispatch(replyRecord('for bob', {}, 'bob'));
    pending.dispatch(replyRecord('for ada', {}, 'ada'));
    pending.dispatch(replyRecord('mine', {}, 'bob'));

    expect(forAda.offered).to.deep.equal([['for ada', false]]);
    // The keyless predicate saw 'for bob' (and refused it), then took 'mine'.
    expect(anyKey.offered).to.deep.equal([
      ['for bob', false],
      ['mine', false],
    ]);
    expect(pending.counters).to.deep.equal({ late: 0, duplicates: 0, foreign: 1 });
  });

  it('tries predicates for a reply whose correlation id is someone else’s, before calling it foreign', () => {
    const pending = new PendingRequests();
    const predicate = entry('p', { accepts: () => true });
    pending.register(predicate);
    pending.dispatch(correlated('another-instance', 'event'));
    expect(predicate.offered).to.deep.equal([['event', false]]);
    expect(pending.counters.foreign).to.equal(0);
  });

  it('finished predicate entries leave their indexes', () => {
    const pending = new PendingRequests();
    const keyed = entry('k', { accepts: () => true, replyKey: 'ada' });
    const keyless = entry('n', { accepts: () => true });
    pending.register(keyed);
    pending.register(keyless);
    pending.finish(keyed, 'abandoned');
    pending.finish(keyless, 'abandoned');

    pending.dispatch(replyRecord('event', {}, 'ada'));
    expect(keyed.offered).to.deep.equal([]);
    expect(keyless.offered).to.deep.equal([]);
    expect(pending.counters.foreign).to.equal(1);
    expect(pending.entries()).to.deep.equal([]);
  });

  it('remembers only the last outcomes it was told to: older replies become foreign', () => {
    const pending = new PendingRequests(2);
    for (const key of ['a', 'b', 'c']) {
      const finished = entry(key);
      pending.register(finished);
      pending.finish(finished, 'abandoned');
    }
    pending.dispatch(correlated('a'));
    pending.dispatch(correlated('c'));
    expect(pending.counters).to.deep.equal({ late: 1, duplicates: 0, foreign: 1 });
  });
});
