import { expect } from 'chai';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as errors from '../../lib/errors';
import {
  ClosedError,
  ConnectionError,
  DecodeError,
  isClosedError,
  isConnectionError,
  isDecodeError,
  isNotReadyError,
  isOverloadedError,
  isProduceError,
  isPubScribeError,
  isRemoteError,
  isRequestTimeoutError,
  NotReadyError,
  OverloadedError,
  ProduceError,
  PubScribeError,
  RemoteError,
  RequestTimeoutError,
} from '../../lib/errors';

type Errors = typeof errors;

/** A second, separately loaded copy of the errors module, as when node_modules holds two versions. */
const loadSecondCopy = (): Errors => {
  const load = createRequire(__filename);
  const entry = load.resolve('../../lib/errors');
  const directory = dirname(entry) + sep;
  const cached = Object.keys(load.cache).filter((path) => path.startsWith(directory));
  const saved: [string, NodeModule | undefined][] = cached.map((path) => [path, load.cache[path]]);
  for (const path of cached) delete load.cache[path];
  try {
    const copy: Errors = load(entry);
    return copy;
  } finally {
    for (const [path, module] of saved) load.cache[path] = module;
  }
};

const build = (lib: Errors): readonly PubScribeError[] => [
  new lib.RequestTimeoutError({ timeoutMs: 1 }),
  new lib.DecodeError({ codec: 'c', issues: [] }),
  new lib.ProduceError({}),
  new lib.RemoteError({ remoteMessage: 'm' }),
  new lib.NotReadyError(),
  new lib.OverloadedError({ limit: 1, inFlight: 1 }),
  new lib.ClosedError({ what: 'transport' }),
  new lib.ConnectionError(),
];

const guards = [
  isRequestTimeoutError,
  isDecodeError,
  isProduceError,
  isRemoteError,
  isNotReadyError,
  isOverloadedError,
  isClosedError,
  isConnectionError,
];

describe('error guards', () => {
  it('each guard accepts its own class and rejects the others', () => {
    const all = build(errors);
    all.forEach((error, i) => {
      expect(isPubScribeError(error)).to.equal(true);
      guards.forEach((guard, j) => expect(guard(error), `${guard.name}(${error.name})`).to.equal(i === j));
    });
  });

  it('reject plain errors, look-alikes without the brand, and non-objects', () => {
    const lookAlike = Object.assign(new Error('x'), { kind: 'timeout', retriable: true });
    for (const value of [new Error('x'), lookAlike, null, undefined, 'timeout', 42, { kind: 'decode' }]) {
      expect(isPubScribeError(value)).to.equal(false);
      guards.forEach((guard) => expect(guard(value)).to.equal(false));
    }
  });

  it('recognise errors made by another copy of the package', () => {
    const copy = loadSecondCopy();
    expect(copy.RequestTimeoutError).not.to.equal(RequestTimeoutError);
    const foreign = build(copy);
    expect(foreign[0]).not.to.be.instanceOf(PubScribeError);
    foreign.forEach((error, i) => {
      expect(isPubScribeError(error)).to.equal(true);
      guards.forEach((guard, j) => expect(guard(error), `${guard.name}(${error.name})`).to.equal(i === j));
    });
    expect(copy.isDecodeError(new DecodeError({ codec: 'c', issues: [] }))).to.equal(true);
  });

  it('narrow the type so fields can be read', () => {
    const error: unknown = new OverloadedError({ limit: 3, inFlight: 3 });
    expect(isOverloadedError(error) ? error.limit : undefined).to.equal(3);
    const others: unknown[] = [
      new ClosedError({ what: 'x' }),
      new ConnectionError(),
      new NotReadyError(),
      new ProduceError({}),
      new RemoteError({ remoteMessage: 'm' }),
    ];
    expect(others.filter(isPubScribeError)).to.have.length(5);
  });

  it('keep the brand out of enumerable keys and JSON', () => {
    const error = new NotReadyError();
    expect(Object.getOwnPropertySymbols(error)).to.have.length(1);
    expect(JSON.stringify(error)).not.to.include('pubscribe.error');
    expect(Object.keys(error)).not.to.include(String(Symbol.for('pubscribe.error')));
  });
});
