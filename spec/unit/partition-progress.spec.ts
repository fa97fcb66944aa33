import { expect } from 'chai';
import fc from 'fast-check';
import { PartitionProgress } from '../../lib/transport/partition-progress';

describe('PartitionProgress', () => {
  it('has nothing to commit before anything is delivered', () => {
    expect(new PartitionProgress().committable()).to.equal(undefined);
  });

  it('commits the first record not done, and one past the last once all are done', () => {
    const progress = new PartitionProgress();
    progress.deliver(['10', '11', '12']);
    expect(progress.committable()).to.equal('10');
    expect(progress.acknowledge('11')).to.equal(false);
    expect(progress.committable()).to.equal('10');
    expect(progress.acknowledge('10')).to.equal(true);
    expect(progress.committable()).to.equal('12');
    expect(progress.acknowledge('12')).to.equal(true);
    expect(progress.committable()).to.equal('13');
    expect(progress.pending).to.equal(0);
  });

  it('ignores a second acknowledgement and offsets it never delivered', () => {
    const progress = new PartitionProgress();
    progress.deliver(['0', '1']);
    expect(progress.acknowledge('0')).to.equal(true);
    expect(progress.acknowledge('0')).to.equal(false);
    expect(progress.acknowledge('7')).to.equal(false);
    expect(progress.pending).to.equal(1);
    expect(progress.committable()).to.equal('1');
  });

  it('handles offsets past 2^53 exactly', () => {
    const progress = new PartitionProgress();
    progress.deliver(['9007199254740993']);
    progress.acknowledge('9007199254740993');
    expect(progress.committable()).to.equal('9007199254740994');
  });

  it('for any order of acknowledgements, commits exactly the first record not done (fast-check)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((length) =>
            fc.tuple(
              fc.constant(length),
              fc.shuffledSubarray([...Array(length).keys()], { minLength: 0, maxLength: length }),
            ),
          ),
        ([length, acknowledged]) => {
          const progress = new PartitionProgress();
          progress.deliver(Array.from({ length }, (_, offset) => String(offset)));
          const done = new Set<number>();
          for (const offset of acknowledged) {
            progress.acknowledge(String(offset));
            done.add(offset);
          }
          let first = 0;
          while (done.has(first)) first += 1;
          expect(progress.committable()).to.equal(String(first));
          expect(progress.pending).to.equal(length - done.size);
        },
      ),
      { numRuns: 200 },
    );
  });
});
