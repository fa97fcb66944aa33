import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { reportErrors } from '../../lib/codecs/report-errors';

const issuesOf = (type: t.Mixed, value: unknown, limit?: number): readonly string[] => {
  const result = type.decode(value);
  if (E.isRight(result)) {
    throw new Error('expected the value to be rejected');
  }
  return reportErrors(result.left, limit);
};

describe('reportErrors', () => {
  it('names the path, the expected type and the actual value', () => {
    expect(issuesOf(t.type({ email: t.string }), { email: 42 })).to.deep.equal(['at .email: expected string, got 42']);
  });

  it('writes array positions as indexes and odd keys in brackets', () => {
    const Order = t.type({ lines: t.array(t.type({ 'unit price': t.number })) });
    expect(issuesOf(Order, { lines: [{ 'unit price': 1 }, { 'unit price': '2' }] })).to.deep.equal([
      'at .lines[1]["unit price"]: expected number, got "2"',
    ]);
  });

  it('sees through readonly, exact, refinement and recursive wrappers', () => {
    interface Tree {
      readonly children: readonly Tree[];
    }
    const Tree: t.Type<Tree> = t.recursion('Tree', () => t.readonly(t.strict({ children: t.readonlyArray(Tree) })));
    expect(issuesOf(Tree, { children: [{ children: 1 }] })).to.deep.equal([
      'at .children[0].children: expected ReadonlyArray<Tree>, got 1',
    ]);
    const Positive = t.brand(
      t.number,
      (n): n is t.Branded<number, { readonly Positive: unique symbol }> => n > 0,
      'Positive',
    );
    expect(issuesOf(t.type({ qty: Positive }), { qty: -1 })).to.deep.equal(['at .qty: expected Positive, got -1']);
  });

  it('reports a value that fits no member of a union once, naming the union', () => {
    expect(issuesOf(t.type({ note: t.union([t.string, t.null]) }), { note: 5 })).to.deep.equal([
      'at .note: expected (string | null), got 5',
    ]);
  });

  it('does not put union or intersection member numbers in the path', () => {
    const Both = t.intersection([t.type({ a: t.string }), t.type({ b: t.number })]);
    expect(issuesOf(Both, { a: 'x', b: 'y' })).to.deep.equal(['at .b: expected number, got "y"']);
    const Tagged = t.union([
      t.type({ kind: t.literal('a'), a: t.string }),
      t.type({ kind: t.literal('b'), b: t.number }),
    ]);
    expect(issuesOf(Tagged, { kind: 'b', b: 'no' })).to.deep.equal(['at .b: expected number, got "no"']);
  });

  it('says "root" for the top level and cuts long values to one short line', () => {
    const [issue] = issuesOf(t.number, 'z'.repeat(10_000));
    expect(issue).to.match(/^at root: expected number, got "z+…$/);
    expect(issue.length).to.be.lessThan(100);
  });

  it('uses a custom message when the type gives one', () => {
    const Even = new t.Type<number, number, unknown>(
      'Even',
      (u): u is number => typeof u === 'number' && u % 2 === 0,
      (u, c) => (typeof u === 'number' && u % 2 === 0 ? t.success(u) : t.failure(u, c, 'must be an even number')),
      (n) => n,
    );
    expect(issuesOf(t.type({ n: Even }), { n: 3 })).to.deep.equal(['at .n: must be an even number']);
  });

  it('lists at most `limit` issues and counts the rest', () => {
    const issues = issuesOf(
      t.array(t.string),
      Array.from({ length: 50 }, (_, i) => i),
      5,
    );
    expect(issues).to.have.length(6);
    expect(issues[0]).to.equal('at [0]: expected string, got 0');
    expect(issues[5]).to.equal('… and 45 more issues');
  });

  it('describes values JSON cannot show without throwing', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(issuesOf(t.string, cyclic)).to.deep.equal(['at root: expected string, got [object Object]']);
    expect(issuesOf(t.string, 10n)).to.deep.equal(['at root: expected string, got 10n']);
    expect(issuesOf(t.string, () => 1)).to.deep.equal(['at root: expected string, got a function']);
  });
});
