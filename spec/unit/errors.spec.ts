import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  ClosedError,
  ConnectionError,
  DecodeError,
  NotReadyError,
  OverloadedError,
  ProduceError,
  PubScribeError,
  RemoteError,
  RequestTimeoutError,
} from '../../lib/errors';

describe('the error family', () => {
  const samples: readonly [PubScribeError, string, boolean][] = [
    [new RequestTimeoutError({ timeoutMs: 10 }), 'timeout', true],
    [new DecodeError({ codec: 'User', issues: [] }), 'decode', false],
    [new ProduceError({}), 'produce', true],
    [new RemoteError({ remoteMessage: 'no' }), 'remote', false],
    [new NotReadyError(), 'not-ready', true],
    [new OverloadedError({ limit: 1, inFlight: 1 }), 'overloaded', true],
    [new ClosedError({ what: 'transport' }), 'closed', false],
    [new ConnectionError(), 'connection', true],
  ];

  it('gives each class its kind, its default retriability and its own name', () => {
    for (const [error, kind, retriable] of samples) {
      expect(error).to.be.instanceOf(PubScribeError).and.instanceOf(Error);
      expect(error.kind).to.equal(kind);
      expect(error.retriable, kind).to.equal(retriable);
      expect(error.name).to.equal(error.constructor.name);
      expect(String(error)).to.match(new RegExp(`^${error.constructor.name}: `));
      expect(error.stack?.split('\n')[0]).to.equal(`${error.constructor.name}: ${error.message}`);
    }
  });

  it('keeps the context fields and the cause', () => {
    const cause = new Error('leader not available');
    const error = new ProduceError({
      topic: 't',
      partition: 2,
      offset: '17',
      correlationId: 'abc',
      elapsedMs: 5,
      cause,
    });
    expect(error).to.include({ topic: 't', partition: 2, offset: '17', correlationId: 'abc', elapsedMs: 5 });
    expect(error.cause).to.equal(cause);
    expect(Object.keys(new ProduceError({}))).not.to.include('cause');
  });

  describe('RequestTimeoutError', () => {
    it('says which reply was missing and what to do', () => {
      const error = new RequestTimeoutError({
        topic: 'create-user-replies',
        requestTopic: 'create-user',
        correlationId: 'abc',
        timeoutMs: 5000,
      });
      expect(error.message).to.equal(
        "No reply on topic 'create-user-replies' for correlation id 'abc' within 5000 ms. " +
          "Is a responder consuming 'create-user'? Raise `timeoutMs` or check the responder.",
      );
      expect(error.timeoutMs).to.equal(5000);
    });

    it('carries partial results when some replies arrived', () => {
      const error = new RequestTimeoutError({
        correlationId: 'abc',
        timeoutMs: 100,
        repliesSeen: 2,
        partial: ['a', 'b'],
      });
      expect(error.message).to.match(/^Only 2 replies arrived for correlation id 'abc' within 100 ms; .*`partial`/);
      expect(error.partial).to.deep.equal(['a', 'b']);
      expect(error.repliesSeen).to.equal(2);
    });

    it('escapes control characters in correlation ids, so a message stays one line', () => {
      const error = new RequestTimeoutError({ correlationId: 'abc\nFAKE LOG LINE', timeoutMs: 1 });
      expect(error.message).not.to.include('\n');
      expect(error.message).to.include("'abc\\nFAKE LOG LINE'");
    });
  });

  describe('DecodeError', () => {
    it('names the record, the codec and the first issues, and says retrying will not help', () => {
      const issues = ['at .a: expected string, got 1', 'at .b: x', 'at .c: y', 'at .d: z', 'at .e: w'];
      const error = new DecodeError({ topic: 'users', partition: 0, offset: '42', codec: 'User', issues });
      expect(error.message).to.match(
        /^Could not decode a value on topic 'users' \(partition 0, offset 42\) with codec 'User': at \.a: expected string, got 1; at \.b: x; at \.c: y \(and 2 more\)\. Retrying will fail/,
      );
      expect(error.issues).to.equal(issues);
    });

    it('keeps a preview of at most 64 characters out of the message', () => {
      const error = new DecodeError({ codec: 'User', issues: ['x'], preview: 'secret-'.repeat(20) });
      expect(error.preview).to.have.length(64);
      expect(error.message).not.to.include('secret');
    });

    it('is built from a codec failure plus the record context', () => {
      const error = DecodeError.fromFailure(
        { codec: 'User', issues: ['value is empty'] },
        { topic: 'users', offset: '3', correlationId: 'abc', preview: '' },
      );
      expect(error).to.be.instanceOf(DecodeError);
      expect(error).to.include({ codec: 'User', topic: 'users', offset: '3', correlationId: 'abc', preview: '' });
      expect(error.issues).to.deep.equal(['value is empty']);
      expect(error.message).to.include("for correlation id 'abc'");
    });
  });

  describe('ProduceError', () => {
    it('is retriable unless told otherwise, and the advice follows', () => {
      const transient = new ProduceError({ topic: 'orders', correlationId: 'abc' });
      expect(transient.message).to.match(/^Could not produce on topic 'orders' for correlation id 'abc'; .* retry\.$/);
      const permanent = new ProduceError({ topic: 'orders', retriable: false });
      expect(permanent.retriable).to.equal(false);
      expect(permanent.message).to.include('Retrying will not help');
    });
  });

  describe('RemoteError', () => {
    it("quotes the responder's error and keeps its payload", () => {
      const details = { statusCode: 409 };
      const error = new RemoteError({
        topic: 'replies',
        correlationId: 'abc',
        remoteName: 'ConflictException',
        remoteMessage: 'email already taken',
        details,
      });
      expect(error.message).to.match(
        /^The responder answered with an error on topic 'replies' for correlation id 'abc': 'ConflictException': 'email already taken'\. /,
      );
      expect(error).to.include({ remoteName: 'ConflictException', remoteMessage: 'email already taken', details });
    });
  });

  describe('NotReadyError', () => {
    it('says what is not ready and to wait', () => {
      const error = new NotReadyError({ topic: 'replies', elapsedMs: 250 });
      expect(error.message).to.match(/^Not ready to send on topic 'replies' after 250 ms: .* Wait until/);
    });
  });

  describe('OverloadedError', () => {
    it('states the limit and the load', () => {
      const error = new OverloadedError({ topic: 'orders', limit: 100, inFlight: 100 });
      expect(error.message).to.match(
        /^Too many requests in flight on topic 'orders': 100, and at most 100 are allowed\./,
      );
      expect(error).to.include({ limit: 100, inFlight: 100 });
    });
  });

  describe('ClosedError', () => {
    it('names what was closed', () => {
      const error = new ClosedError({ what: 'transport', topic: 'orders' });
      expect(error.message).to.match(/^Cannot use the transport on topic 'orders': it has been closed\. /);
      expect(error.what).to.equal('transport');
    });
  });

  describe('ConnectionError', () => {
    it('names the operation and gives advice for the reason', () => {
      const error = new ConnectionError({ reason: 'network', what: 'consume', topic: 'orders' });
      expect(error.message).to.match(
        /^Kafka connection failed while trying to consume on topic 'orders'\. Could not reach/,
      );
      expect(error).to.include({ reason: 'network', what: 'consume', retriable: true });
    });

    it('is not retriable for refused credentials or permissions, unless told otherwise', () => {
      expect(new ConnectionError({ reason: 'authentication' }).retriable).to.equal(false);
      expect(new ConnectionError({ reason: 'authorization' }).retriable).to.equal(false);
      expect(new ConnectionError({ reason: 'authentication', retriable: true }).retriable).to.equal(true);
      expect(new ConnectionError({ reason: 'crash', retriable: false }).retriable).to.equal(false);
    });

    it('never copies a password from its cause into the message, stack or JSON', () => {
      const password = 'hunter2-very-secret';
      const sasl = { mechanism: 'plain', username: 'alice', password };
      for (const cause of [new Error(`SASL PLAIN failed for alice:${password}`), { sasl }, password]) {
        const error = new ConnectionError({ reason: 'authentication', what: 'consume', cause });
        expect(error.message).not.to.include(password);
        expect(String(error)).not.to.include(password);
        expect(error.stack).not.to.include(password);
        expect(JSON.stringify(error)).not.to.include(password);
        expect(error.cause).to.equal(cause);
      }
      expect(inspect(new ConnectionError({ reason: 'authentication' }))).not.to.include('password:');
    });
  });
});
