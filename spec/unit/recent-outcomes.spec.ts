import { expect } from 'chai';
import { RecentOutcomes } from '../../lib/requester/recent-outcomes';

describe('RecentOutcomes', () => {
  it('answers what it was told, and undefined for what it never saw', () => {
    const recent = new RecentOutcomes(10);
    recent.remember('a', 'answered');
    recent.remember('b', 'abandoned');
    expect(recent.get('a')).to.equal('answered');
    expect(recent.get('b')).to.equal('abandoned');
    expect(recent.get('c')).to.equal(undefined);
  });

  it('holds at most capacity outcomes, forgetting the oldest first', () => {
    const recent = new RecentOutcomes(2);
    recent.remember('a', 'answered');
    recent.remember('b', 'answered');
    recent.remember('c', 'answered');
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).to.deep.equal([undefined, 'answered', 'answered']);
  });

  it('remembering a key again makes it the newest and replaces its outcome', () => {
    const recent = new RecentOutcomes(2);
    recent.remember('a', 'abandoned');
    recent.remember('b', 'answered');
    recent.remember('a', 'answered');
    recent.remember('c', 'answered');
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).to.deep.equal(['answered', undefined, 'answered']);
  });

  it('stays bounded under heavy traffic', () => {
    const recent = new RecentOutcomes(100);
    for (let n = 0; n < 10_000; n++) recent.remember(String(n), n % 2 === 0 ? 'answered' : 'abandoned');
    expect(recent.get('9899')).to.equal(undefined);
    expect(recent.get('9900')).to.equal('answered');
    expect(recent.get('9999')).to.equal('abandoned');
  });
});
