import { expect } from 'chai';
import * as fc from 'fast-check';
import { decodePartitionList, encodePartitionList } from '../../lib/transport/partition-list';
import { stickyLeases, type LeaseHolder } from '../../lib/transport/sticky-leases';

const all = (assignment: Map<string, number[]>) => [...assignment.values()].flat().sort((a, b) => a - b);

describe('stickyLeases', () => {
  it('a lone member holds every partition', () => {
    expect(stickyLeases([{ id: 'a', held: [] }], 4)).to.deep.equal(new Map([['a', [0, 1, 2, 3]]]));
  });

  it('a member joining takes only its share, from the member that held the most', () => {
    const before = stickyLeases([{ id: 'a', held: [] }], 4);
    const after = stickyLeases(
      [
        { id: 'a', held: before.get('a')! },
        { id: 'b', held: [] },
      ],
      4,
    );
    expect(after).to.deep.equal(
      new Map([
        ['a', [0, 1]],
        ['b', [2, 3]],
      ]),
    );
  });

  it('a member leaving hands its partitions to the others and nothing else moves', () => {
    const after = stickyLeases(
      [
        { id: 'a', held: [0, 3] },
        { id: 'c', held: [2, 5] },
      ],
      6,
    );
    expect(after.get('a')!.filter((p) => [0, 3].includes(p))).to.deep.equal([0, 3]);
    expect(after.get('c')!.filter((p) => [2, 5].includes(p))).to.deep.equal([2, 5]);
    expect(all(after)).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('more members than partitions: some hold none; partitions that no longer exist are dropped', () => {
    const after = stickyLeases(
      [
        { id: 'a', held: [0, 7] },
        { id: 'b', held: [1] },
        { id: 'c', held: [] },
      ],
      2,
    );
    expect(after).to.deep.equal(
      new Map([
        ['a', [0]],
        ['b', [1]],
        ['c', []],
      ]),
    );
  });

  it('always: every partition held exactly once, counts within one, and a member keeps what its share allows', () => {
    const holders = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 40 }))
      .chain(([members, partitions]) =>
        fc.tuple(
          fc.constant(partitions),
          fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 45 }), { maxLength: 10 }), {
            minLength: members,
            maxLength: members,
          }),
        ),
      );
    fc.assert(
      fc.property(holders, ([partitionCount, helds]) => {
        const members: LeaseHolder[] = helds.map((held, index) => ({ id: `m${index}`, held }));
        const assignment = stickyLeases(members, partitionCount);
        expect(all(assignment)).to.deep.equal(Array.from({ length: partitionCount }, (_, p) => p));
        const counts = [...assignment.values()].map((partitions) => partitions.length);
        expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(1);
        // Nobody gives up a partition it held while it holds one it did not, unless another held it too.
        const claims = new Map<number, number>();
        for (const { held } of members) for (const p of held) claims.set(p, (claims.get(p) ?? 0) + 1);
        for (const { id, held } of members) {
          const now = assignment.get(id)!;
          const lost = held.filter((p) => p < partitionCount && claims.get(p) === 1 && !now.includes(p));
          const gained = now.filter((p) => !held.includes(p));
          expect(lost.length === 0 || gained.length === 0, `${id}: lost ${lost}, gained ${gained}`).to.equal(true);
        }
      }),
    );
  });

  it('partition lists for join metadata: encoded and read back', () => {
    expect(decodePartitionList(encodePartitionList([3, 0, 12]))).to.deep.equal([3, 0, 12]);
    expect(decodePartitionList(null)).to.deep.equal([]);
    expect(decodePartitionList(Buffer.from([0, 0]))).to.deep.equal([]);
  });
});
