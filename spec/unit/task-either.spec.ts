import { expect } from 'chai';
import { asyncScheduler, defer, EMPTY, EmptyError, of, throwError } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { ClosedError, RequestTimeoutError } from '../../lib/errors';
import { fromObservable, requestManyTask, requestTask } from '../../lib/fp';
import { NEST_DISPOSED_HEADER } from '../../lib/headers';
import { createRequester, type Requester } from '../../lib/requester';
import { inMemoryTransport, type InMemoryTransport } from '../../lib/testing';
import { handResponder, replyTo } from '../support/hand-responder';

describe('fp-ts entry points', () => {
  describe('fromObservable', () => {
    it('puts the first value on the right', async () => {
      expect(await fromObservable(of(42, 43))()).to.deep.equal({ _tag: 'Right', right: 42 });
    });

    it('puts a PubScribeError on the left as it is', async () => {
      const timeout = new RequestTimeoutError({ timeoutMs: 5 });
      expect(await fromObservable(throwError(() => timeout))()).to.deep.equal({ _tag: 'Left', left: timeout });
    });

    it('an empty stream is a ClosedError on the left, with the EmptyError as cause', async () => {
      const result = await fromObservable(EMPTY)();
      expect(result._tag).to.equal('Left');
      const left = result._tag === 'Left' ? result.left : undefined;
      expect(left).to.be.instanceOf(ClosedError);
      expect(left?.cause).to.be.instanceOf(EmptyError);
    });

    it('is lazy, and each run subscribes again', async () => {
      let subscriptions = 0;
      const task = fromObservable(defer(() => of(++subscriptions)));
      expect(subscriptions).to.equal(0);
      expect(await task()).to.deep.equal({ _tag: 'Right', right: 1 });
      expect(await task()).to.deep.equal({ _tag: 'Right', right: 2 });
    });
  });

  describe('requestTask and requestManyTask, over the in-memory transport', () => {
    const spec = { topic: 'requests', codec: stringCodec, replyCodec: stringCodec };
    let transport: InMemoryTransport;
    let requester: Requester;
    let responder: ReturnType<typeof handResponder>;

    before(async () => {
      transport = inMemoryTransport({ topics: { requests: 1, replies: 1 } });
      requester = createRequester({ transport, replyTopic: 'replies', timeoutMs: 200, keepAliveMs: 0 });
      responder = handResponder(transport, asyncScheduler, (request) => {
        const value = request.value?.toString() ?? '';
        if (value === 'silence') return [];
        const parts = value.split(',');
        return parts.map((part, index) => ({
          after: 0,
          record: replyTo(request, `pong:${part}`, {
            headers: index === parts.length - 1 ? { [NEST_DISPOSED_HEADER]: '1' } : {},
          }),
        }));
      });
      // The responder's consumer is ready on the next turn.
      await new Promise((resolve) => setTimeout(resolve, 5));
    });

    after(async () => {
      requester.close();
      responder.subscription.unsubscribe();
      expect(transport.activeConsumers).to.equal(0);
      await transport.close();
    });

    it('requestTask: the reply on the right, and nothing is sent before the task runs', async () => {
      const task = requestTask(requester, { ...spec, value: 'ada' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(transport.records('requests')).to.have.length(0);
      expect(await task()).to.deep.equal({ _tag: 'Right', right: 'pong:ada' });
      expect(requester.metrics()).to.include({ pending: 0, answered: 1, cancelled: 0 });
    });

    it('requestManyTask: every reply, in order', async () => {
      expect(await requestManyTask(requester, { ...spec, value: 'a,b,c' })()).to.deep.equal({
        _tag: 'Right',
        right: ['pong:a', 'pong:b', 'pong:c'],
      });
    });

    it('a timeout is a RequestTimeoutError on the left', async () => {
      const result = await requestTask(requester, { ...spec, value: 'silence', timeoutMs: 20 })();
      expect(result._tag === 'Left' && result.left.kind).to.equal('timeout');
      expect(requester.metrics().pending).to.equal(0);
    });
  });
});
