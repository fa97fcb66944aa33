import { expect } from 'chai';
import { ClosedError, isConnectionError } from '../../lib/errors';
import { ensureTopics, kafkajsTransport } from '../../lib/transport';
import { uniqueName, withAdmin } from '../support/kafka-fixtures';
import { testTransport } from '../support/test-transport';

describe('ensureTopics (real broker)', () => {
  it('creates missing topics with their partitions and configs, and a second call creates nothing', async () => {
    const transport = testTransport();
    const fresh = uniqueName('ensure-fresh');
    const compacted = uniqueName('ensure-compacted');
    try {
      const first = await ensureTopics(transport, [
        { topic: fresh, partitions: 3 },
        { topic: compacted, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
      ]);
      expect(first).to.deep.equal({ created: [fresh, compacted], existing: [] });
      const second = await ensureTopics(transport, [fresh, { topic: compacted, partitions: 5 }]);
      expect(second).to.deep.equal({ created: [], existing: [fresh, compacted] });

      await withAdmin(async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [fresh, compacted] });
        const partitions = Object.fromEntries(topics.map((topic) => [topic.name, topic.partitions.length]));
        // An existing topic is left alone: asking for 5 partitions did not grow it.
        expect(partitions).to.deep.equal({ [fresh]: 3, [compacted]: 1 });
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: 2, name: compacted, configNames: ['cleanup.policy'] }],
        });
        expect(described.resources[0]?.configEntries[0]?.configValue).to.equal('compact');
      });
    } finally {
      await transport.close();
    }
  });

  it('a mix of existing and new topics says which is which; a created topic takes records at once', async () => {
    const transport = testTransport();
    const old = uniqueName('ensure-old');
    const added = uniqueName('ensure-new');
    try {
      await ensureTopics(transport, [old]);
      const result = await ensureTopics(transport, [old, added]);
      expect(result).to.deep.equal({ created: [added], existing: [old] });
      const [placed] = await transport.produce([{ topic: added, value: 'first' }]);
      expect(placed).to.include({ topic: added, partition: 0, offset: '0' });
    } finally {
      await transport.close();
    }
  });

  it('a replication factor above the broker count: a non-retriable ConnectionError that names the broker code', async () => {
    const transport = testTransport();
    const topic = uniqueName('ensure-replicas');
    try {
      const error = await ensureTopics(transport, [{ topic, replicationFactor: 3 }]).catch((caught: unknown) => caught);
      expect(isConnectionError(error), String(error)).to.equal(true);
      expect(error).to.include({ reason: 'rejected', retriable: false, topic });
      expect((error as Error).message).to.contain('INVALID_REPLICATION_FACTOR');
    } finally {
      await transport.close();
    }
  });

  it('bad specs are refused before anything is sent', async () => {
    const transport = testTransport();
    try {
      const refusal = (topics: Parameters<typeof ensureTopics>[1]) =>
        ensureTopics(transport, topics).then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(await refusal(['bad name'])).to.be.instanceOf(TypeError);
      expect(await refusal(['a'.repeat(250)])).to.be.instanceOf(TypeError);
      expect(await refusal([uniqueName('twice'), { topic: 'twice-x' }, 'twice-x'])).to.be.instanceOf(TypeError);
      expect(await refusal([{ topic: uniqueName('zero'), partitions: 0 }])).to.be.instanceOf(RangeError);
      expect(await refusal([{ topic: uniqueName('half'), partitions: 1.5 }])).to.be.instanceOf(RangeError);
      expect(await refusal([{ topic: uniqueName('rf'), replicationFactor: 0 }])).to.be.instanceOf(RangeError);
      // Just inside the limits: a 249-character name and one partition are fine.
      const longest = `ensure-${'x'.repeat(242)}`;
      expect(await ensureTopics(transport, [{ topic: longest, partitions: 1 }])).to.deep.equal({
        created: [longest],
        existing: [],
      });
      expect(await ensureTopics(transport, [])).to.deep.equal({ created: [], existing: [] });
    } finally {
      await transport.close();
    }
  });

  it('an unreachable broker: a retriable ConnectionError, and after close a ClosedError', async () => {
    const transport = kafkajsTransport({
      kafka: { brokers: ['127.0.0.1:1'], connectionTimeout: 200, retry: { retries: 1, initialRetryTime: 50 } },
    });
    const error = await ensureTopics(transport, ['anything']).catch((caught: unknown) => caught);
    expect(isConnectionError(error), String(error)).to.equal(true);
    expect(error).to.include({ reason: 'network', retriable: true });
    await transport.close();
    const closed = await ensureTopics(transport, ['anything']).catch((caught: unknown) => caught);
    expect(closed).to.be.instanceOf(ClosedError);
  });
});
