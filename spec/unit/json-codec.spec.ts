import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { DecodeFailure } from '../../lib/codecs/decode-failure';
import { jsonCodec } from '../../lib/codecs/json-codec';

const User = t.type({ name: t.string, email: t.string, address: t.type({ city: t.string }) }, 'User');
const userCodec = jsonCodec(User);
const ada = { name: 'Ada', email: 'ada@example.com', address: { city: 'London' } };

const failureOf = <A>(result: E.Either<DecodeFailure, A>): DecodeFailure => {
  if (E.isRight(result)) {
    throw new Error(`expected a Left, got Right ${JSON.stringify(result.right)}`);
  }
  return result.left;
};

describe('jsonCodec', () => {
  it('round-trips a valid value', () => {
    const bytes = userCodec.encode(ada);
    expect(Buffer.isBuffer(bytes)).to.equal(true);
    expect(userCodec.decode(bytes)).to.deep.equal(E.right(ada));
  });

  it('encodes through the io-ts type, so custom encodings apply', () => {
    const DateFromIso = new t.Type<Date, string, unknown>(
      'DateFromIso',
      (u): u is Date => u instanceof Date,
      (u, c) => (typeof u === 'string' && !isNaN(Date.parse(u)) ? t.success(new Date(u)) : t.failure(u, c)),
      (date) => date.toISOString(),
    );
    const codec = jsonCodec(t.type({ at: DateFromIso }));
    const at = new Date('2025-01-02T03:04:05.000Z');
    const bytes = codec.encode({ at });
    expect(bytes?.toString('utf8')).to.equal('{"at":"2025-01-02T03:04:05.000Z"}');
    expect(codec.decode(bytes)).to.deep.equal(E.right({ at }));
  });

  it('is named after the type, or the name it is given', () => {
    expect(userCodec.name).to.equal('User');
    expect(jsonCodec(User, 'CreateUser').name).to.equal('CreateUser');
    expect(failureOf(jsonCodec(User, 'CreateUser').decode(null)).codec).to.equal('CreateUser');
  });

  it('refuses to encode a value with no JSON form, with a TypeError', () => {
    expect(() => jsonCodec(t.unknown, 'Anything').encode(undefined)).to.throw(TypeError, /Anything/);
  });

  it('reports a tombstone', () => {
    expect(failureOf(userCodec.decode(null))).to.deep.equal({
      codec: 'User',
      issues: ['value is null (a tombstone?)'],
    });
  });

  it('reports an empty value', () => {
    expect(failureOf(userCodec.decode(Buffer.alloc(0))).issues).to.deep.equal(['value is empty']);
  });

  it('reports text that is not JSON, with the parser message', () => {
    const issues = failureOf(userCodec.decode(Buffer.from('not json {'))).issues;
    expect(issues).to.have.length(1);
    expect(issues[0]).to.match(/^not JSON: \S/);
  });

  it('reports bytes that are not UTF-8', () => {
    expect(failureOf(userCodec.decode(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).issues).to.deep.equal([
      'not valid UTF-8 text',
    ]);
  });

  it('accepts JSON that starts with a byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(ada))]);
    expect(userCodec.decode(bytes)).to.deep.equal(E.right(ada));
  });

  it('reports a value of the wrong shape at the top level', () => {
    const issues = failureOf(userCodec.decode(Buffer.from('42'))).issues;
    expect(issues).to.have.length(1);
    expect(issues[0]).to.match(/^at root: expected User, got 42$/);
  });

  it('reports a wrong field type with its path and the actual value', () => {
    const bytes = Buffer.from(JSON.stringify({ ...ada, email: 42 }));
    expect(failureOf(userCodec.decode(bytes)).issues).to.deep.equal(['at .email: expected string, got 42']);
  });

  it('reports a wrong nested field type and a missing field together', () => {
    const bytes = Buffer.from(JSON.stringify({ email: 'ada@example.com', address: { city: false } }));
    expect(failureOf(userCodec.decode(bytes)).issues).to.deep.equal([
      'at .name: expected string, got undefined (missing)',
      'at .address.city: expected string, got false',
    ]);
  });

  it('reports a one megabyte payload of the wrong type without quoting all of it', () => {
    const megabyte = JSON.stringify({ ...ada, name: 7, email: 'x'.repeat(1_000_000) });
    const decoded = userCodec.decode(Buffer.from(megabyte));
    expect(failureOf(decoded).issues).to.deep.equal(['at .name: expected string, got 7']);
    const huge = failureOf(jsonCodec(t.type({ email: t.number }), 'Numbers').decode(Buffer.from(megabyte)));
    expect(huge.issues).to.have.length(1);
    expect(huge.issues[0].length).to.be.lessThan(120);
  });

  it('decodes a valid one megabyte payload', () => {
    const big = { ...ada, name: 'y'.repeat(1_000_000) };
    expect(userCodec.decode(userCodec.encode(big))).to.deep.equal(E.right(big));
  });

  it('turns a type that throws into a failure instead of throwing', () => {
    const Explosive = new t.Type<string, string, unknown>(
      'Explosive',
      (u): u is string => typeof u === 'string',
      () => {
        throw new Error('boom');
      },
      (s) => s,
    );
    expect(failureOf(jsonCodec(Explosive).decode(Buffer.from('"x"'))).issues).to.deep.equal(['the type threw: boom']);
  });

  it('reports hostile nesting that would exhaust the stack instead of throwing', () => {
    type Tree = readonly Tree[];
    const Tree: t.Type<Tree> = t.recursion('Tree', () => t.readonlyArray(Tree));
    const deep = Buffer.from('['.repeat(200_000) + ']'.repeat(200_000));
    expect(failureOf(jsonCodec(Tree).decode(deep)).issues).to.deep.equal(['value is nested too deeply to check']);
  });

  it('reports a non-Buffer input from untyped callers instead of throwing', () => {
    const decodeUntyped: (bytes: unknown) => E.Either<DecodeFailure, unknown> = (bytes) =>
      Reflect.apply(userCodec.decode, userCodec, [bytes]);
    expect(failureOf(decodeUntyped('{"name":"Ada"}')).issues).to.deep.equal(['value is not bytes (got string)']);
    expect(failureOf(decodeUntyped(undefined)).issues).to.deep.equal(['value is not bytes (got undefined)']);
  });
});
