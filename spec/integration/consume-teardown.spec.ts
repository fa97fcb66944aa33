import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { consume, isReady } from '../../lib/consume';
import { createTopic, uniqueName, withAdmin } from '../support/kafka-fixtures';
import { eventually, testTransport } from '../support/test-transport';

async function groupMembers(groupId: string): Promise<number> {
  const { groups } = await withAdmin((admin) => admin.describeGroups([groupId]));
  return groups[0]?.members.length ?? 0;
}

describe('consumer teardown (real broker)', () => {
  it('after unsubscribe no member remains in the group', async () => {
    const topic = await createTopic('teardown', 2);
    const groupId = uniqueName('teardown-group');
    const transport = testTransport();
    try {
      const events$ = consume(transport, { topic, codec: stringCodec, groupId });
      let ready = false;
      const subscription = events$.pipe(filter(isReady)).subscribe(() => (ready = true));
      expect(await eventually(async () => ready)).to.equal(true);
      expect(await groupMembers(groupId)).to.equal(1);

      subscription.unsubscribe();
      expect(await eventually(async () => (await groupMembers(groupId)) === 0)).to.equal(true);
    } finally {
      await transport.close();
    }
  });

  it('an unsubscribe during start-up still disconnects, and close() waits for it', async () => {
    const topic = await createTopic('teardown-early', 1);
    const groupId = uniqueName('teardown-early-group');
    const transport = testTransport();
    const subscription = consume(transport, { topic, codec: stringCodec, groupId }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    await transport.close();
    expect(await groupMembers(groupId)).to.equal(0);
  });

  it('ready is emitted once, with a numeric position per partition at the log end', async () => {
    const topic = await createTopic('positions', 3);
    const transport = testTransport();
    try {
      await transport.produce([
        { topic, value: 'a', partition: 0 },
        { topic, value: 'b', partition: 0 },
        { topic, value: 'c', partition: 2 },
      ]);
      const ready = await firstValueFrom(consume(transport, { topic, codec: stringCodec }).pipe(filter(isReady)));
      const byPartition = Object.fromEntries(ready.positions.map((p) => [p.partition, p.offset]));
      expect(byPartition).to.deep.equal({ 0: '2', 1: '0', 2: '1' });
    } finally {
      await transport.close();
    }
  });

  it('a closed transport refuses new work with a ClosedError', async () => {
    const transport = testTransport();
    await transport.close();
    const error = await transport.produce([{ topic: 'any', value: 'x' }]).catch((caught: unknown) => caught);
    expect(error).to.have.property('kind', 'closed');
  });
});
