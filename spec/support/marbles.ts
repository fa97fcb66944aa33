import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler whose assertions are chai deep equality, as rxjs's own specs use. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}
