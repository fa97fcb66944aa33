import { expect } from 'chai';
import * as fc from 'fast-check';
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

describe('RecentOutcomes against a model', () => {
  it('answers like a list of the last `capacity` remembered ids, newest outcome winning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), fc.boolean()), { maxLength: 60 }),
        (capacity, steps) => {
          const recent = new RecentOutcomes(capacity);
          const model: { key: string; outcome: 'answered' | 'abandoned' }[] = [];
          for (const [key, answered] of steps) {
            const outcome = answered ? 'answered' : 'abandoned';
            recent.remember(key, outcome);
            model.push({ key, outcome });
            const window = model.slice(-capacity);
            for (const probe of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
              const newest = window.filter((step) => step.key === probe).pop();
              expect(recent.get(probe), `${probe} after ${JSON.stringify(model)}`).to.equal(newest?.outcome);
            }
          }
        },
      ),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new RecentOutcomes(capacity)).to.throw(RangeError);
  });
});
