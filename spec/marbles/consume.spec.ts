import { expect } from 'chai';
import * as t from 'io-ts';
import { EMPTY, map } from 'rxjs';
import { jsonCodec, stringCodec } from '../../lib/codecs';
import { consume, decodedValues, isMessage, isReady, isRepinned } from '../../lib/consume';
import type { TransportEvent } from '../../lib/transport/transport';
import { testScheduler } from '../support/marbles';
import { batch, record, stubTransport } from '../support/stub-transport';

const ready: TransportEvent = { type: 'ready', positions: [{ topic: 'replies', partition: 0, offset: '0' }] };
const repinned: TransportEvent = { type: 'repinned', generation: 2, positions: [], revoked: [] };

describe('consume (marbles)', () => {
  it('passes ready through, flattens a batch into one message per record, and tears down', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TransportEvent>('-r--b---|', { r: ready, b: batch(record('a', '0'), record('b', '1')) });
      const transport = stubTransport(() => source);
      const values = consume(transport, { topic: 'replies', codec: stringCodec }).pipe(
        map((event) => (isMessage(event) ? (event.value._tag === 'Right' ? event.value.right : 'bad') : event.type)),
      );
      expectObservable(values).toBe('-r--(ab)|', { r: 'ready', a: 'a', b: 'b' });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('unsubscribing early unsubscribes the transport consumer', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TransportEvent>('-r--b--', { r: ready, b: batch(record('a')) });
      const transport = stubTransport(() => source);
      expectObservable(
        consume(transport, { topic: 'replies', codec: stringCodec }).pipe(map((e) => e.type)),
        '^--!',
      ).toBe('-r-', { r: 'ready' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('a decode failure is a left and the stream goes on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const codec = jsonCodec(t.type({ n: t.number }));
      const source = cold<TransportEvent>('-b-c|', { b: batch(record('{oops')), c: batch(record('{"n":1}', '1')) });
      const tags = consume(
        stubTransport(() => source),
        { topic: 'replies', codec },
      ).pipe(map((event) => (isMessage(event) ? event.value._tag : event.type)));
      expectObservable(tags).toBe('-L-R|', { L: 'Left', R: 'Right' });
    });
  });

  it('decodedValues keeps decoded values only', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const codec = jsonCodec(t.type({ n: t.number }));
      const source = cold<TransportEvent>('r-b-p-c|', {
        r: ready,
        b: batch(record('nope')),
        p: repinned,
        c: batch(record('{"n":7}', '1')),
      });
      const values = consume(
        stubTransport(() => source),
        { topic: 'replies', codec },
      ).pipe(decodedValues());
      expectObservable(values).toBe('------c|', { c: { n: 7 } });
    });
  });

  it('errors from the transport reach the subscriber', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('broker gone');
      const source = cold<TransportEvent>('-r-#', { r: ready }, failure);
      const types = consume(
        stubTransport(() => source),
        { topic: 'replies', codec: stringCodec },
      ).pipe(map((e) => e.type));
      expectObservable(types).toBe('-r-#', { r: 'ready' }, failure);
    });
  });

  it('is cold: nothing subscribes to the transport before subscribe', () => {
    const transport = stubTransport(() => {
      throw new Error('must not be called');
    });
    const events$ = consume(transport, { topic: 'replies', codec: stringCodec });
    expect(events$).to.be.an('object');
    expect(transport.subscriptions).to.have.length(0);
  });

  it('a private consumer gets a random group; a shared one needs a group id', () => {
    const transport = stubTransport(() => EMPTY);
    consume(transport, { topic: ['a', 'b'], codec: stringCodec }).subscribe();
    expect(transport.subscriptions[0]).to.include({ membership: 'private' });
    expect(transport.subscriptions[0]?.groupId).to.match(/^pubscribe-[0-9a-f-]{36}$/);
    expect(transport.subscriptions[0]?.topics).to.deep.equal(['a', 'b']);
    expect(() => consume(transport, { topic: 'a', codec: stringCodec, membership: 'shared' })).to.throw(
      TypeError,
      /groupId/,
    );
    expect(() => consume(transport, { topic: [], codec: stringCodec })).to.throw(TypeError, /topic/);
  });

  it('guards tell events apart', () => {
    expect(isReady(ready)).to.equal(true);
    expect(isRepinned(repinned)).to.equal(true);
    expect(isMessage(ready)).to.equal(false);
  });
});
