import { expect } from 'chai';
import { EMPTY } from 'rxjs';
import { ClosedError } from '../../lib/errors';
import { inMemoryTransport } from '../../lib/testing';
import { ensureTopics } from '../../lib/transport';
import { stubTransport } from '../support/stub-transport';

describe('ensureTopics over the in-memory transport', () => {
  it('creates what is missing with its partition count and reports what existed', async () => {
    const transport = inMemoryTransport({ topics: { replies: 1 } });
    const result = await ensureTopics(transport, ['replies', { topic: 'requests', partitions: 3 }]);
    expect(result).to.deep.equal({ created: ['requests'], existing: ['replies'] });
    const placed = await transport.produce([{ topic: 'requests', partition: 2, value: 'x' }]);
    expect(placed[0]).to.include({ partition: 2, offset: '0' });
    // Idempotent: the second call creates nothing and does not complain about another count.
    expect(await ensureTopics(transport, [{ topic: 'requests', partitions: 5 }])).to.deep.equal({
      created: [],
      existing: ['requests'],
    });
    await transport.close();
    const closed = await ensureTopics(transport, ['other']).catch((error: unknown) => error);
    expect(closed).to.be.instanceOf(ClosedError);
  });

  it('a transport that cannot administer topics: a TypeError that says so', async () => {
    const transport = stubTransport(() => EMPTY);
    const error = await ensureTopics(transport, ['requests']).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/cannot create topics/);
  });

  it('refuses illegal names, duplicates and counts below 1 before touching the transport', async () => {
    const transport = inMemoryTransport();
    const refusal = (topics: Parameters<typeof ensureTopics>[1]) =>
      ensureTopics(transport, topics).then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(await refusal(['..'])).to.be.instanceOf(TypeError);
    expect(await refusal(['a/b'])).to.be.instanceOf(TypeError);
    expect(await refusal(['x'.repeat(250)])).to.be.instanceOf(TypeError);
    expect(await refusal(['same', 'same'])).to.be.instanceOf(TypeError);
    expect(await refusal([{ topic: 'p', partitions: 0 }])).to.be.instanceOf(RangeError);
    expect(await refusal([{ topic: 'p', partitions: Number.NaN }])).to.be.instanceOf(RangeError);
    expect(await refusal([{ topic: 'r', replicationFactor: -1 }])).to.be.instanceOf(RangeError);
    // Nothing was created by the refused calls; the limits themselves are accepted.
    expect(await ensureTopics(transport, ['x'.repeat(249), { topic: 'p', partitions: 1 }])).to.deep.equal({
      created: ['x'.repeat(249), 'p'],
      existing: [],
    });
  });
});
