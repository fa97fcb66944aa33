import { expect } from 'chai';
import * as t from 'io-ts';
import { map } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { isRequestTimeoutError } from '../../lib/errors';
import { createRequester, Requester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import { inMemoryTransport } from '../../lib/testing';
import { testScheduler } from '../support/marbles';

// The example of docs/testing.md: a user's pipeline, marble-tested with the in-memory transport.
const CreateUser = t.type({ email: t.string, name: t.string });
const UserCreated = t.type({ id: t.number, email: t.string });

function createUserResolver(requester: Requester, email: string) {
  return requester
    .request({
      topic: 'create-user',
      key: email,
      value: { email, name: 'Ada' },
      codec: jsonCodec(CreateUser),
      replyCodec: jsonCodec(UserCreated),
      timeoutMs: 50,
    })
    .pipe(map((user) => `user ${user.id} <${user.email}>`));
}

describe("a user's pipeline in virtual time (in-memory transport)", () => {
  function setUp(scheduler: ReturnType<typeof testScheduler>, answer: boolean) {
    const transport = inMemoryTransport({
      topics: { 'create-user': 1, 'user-created': 1 },
      scheduler,
      readyDelay: 5,
      deliveryDelay: 1,
    });
    if (answer) {
      serve({
        transport,
        topic: 'create-user',
        groupId: 'user-service',
        requestCodec: jsonCodec(CreateUser),
        replyCodec: jsonCodec(UserCreated),
        handler: (user) => ({ id: 7, email: user.email }),
        scheduler,
      }).subscribe();
    }
    return {
      transport,
      requester: createRequester({ transport, replyTopic: 'user-created', scheduler, keepAliveMs: 0 }),
    };
  }

  it('ready at 5, request delivered at 6, reply at 7', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { requester } = setUp(scheduler, true);
      expectObservable(createUserResolver(requester, 'ada@example.com')).toBe('-------(r|)', {
        r: 'user 7 <ada@example.com>',
      });
    });
  });

  it('without a user service the resolver fails with a typed timeout after 50 frames', () => {
    const scheduler = testScheduler();
    let failure: unknown;
    let failedAt = -1;
    scheduler.run(({ flush }) => {
      const { requester } = setUp(scheduler, false);
      createUserResolver(requester, 'ada@example.com').subscribe({
        error: (error: unknown) => {
          failure = error;
          failedAt = scheduler.now();
        },
      });
      flush();
      expect(requester.metrics()).to.include({ pending: 0, timedOut: 1 });
    });
    expect(isRequestTimeoutError(failure)).to.equal(true);
    expect(failedAt).to.equal(50);
  });
});
