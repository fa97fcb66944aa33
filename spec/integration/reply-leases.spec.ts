/**
 * Leased reply ownership (`replyPartition: 'auto'`, docs/scaling.md) while instances come and go
 * under load: every request answered once with its own reply, none lost, and how long the lease
 * group takes to settle after each change.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { startResponder } from '../support/echo-responder';
import { uniqueName, withAdmin } from '../support/kafka-fixtures';
import { LeasedInstance, leasesSettle, type LeasedLoadOptions } from '../support/leased-load';
import { testBrokers } from '../support/test-brokers';
import { eventually } from '../support/test-transport';
import { transportKinds, type TransportUnderTest } from '../support/transport-kinds';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every request of every instance answered once, with its own reply. */
function expectNothingLost(instances: readonly LeasedInstance[]): void {
  for (const instance of instances) {
    expect(instance.failures.slice(0, 3), instance.name).to.deep.equal([]);
    expect(instance.crossed, `${instance.name} crossed`).to.equal(0);
    expect(instance.ok, `${instance.name} answered`).to.equal(instance.sent);
    expect(instance.requester.metrics(), instance.name).to.deep.include({ duplicates: 0, timedOut: 0, pending: 0 });
  }
}

function report(
  label: string,
  instances: readonly LeasedInstance[],
  settled: Record<string, number | undefined>,
): void {
  const sent = instances.reduce((sum, instance) => sum + instance.sent, 0);
  const foreign = instances.reduce((sum, instance) => sum + instance.requester.metrics().foreign, 0);
  const times = Object.entries(settled)
    .map(([change, ms]) => `${change} ${ms ?? 'never'} ms`)
    .join(', ');
  console.log(
    `      ${label}: ${sent} requests, 0 lost, 0 crossed; foreign ${foreign} ` +
      `(${((100 * foreign) / Math.max(1, sent + foreign)).toFixed(1)} % of replies read); leases settled: ${times}`,
  );
}

for (const kind of transportKinds.filter((candidate) => candidate.real)) {
  describe(`leased reply ownership under membership changes (${kind.name}, real broker)`, function () {
    this.timeout(120_000);
    let requesterSide: TransportUnderTest;
    let responderSide: TransportUnderTest;
    let responder: Subscription | undefined;
    let load: LeasedLoadOptions;
    const running: LeasedInstance[] = [];
    const children: ChildProcess[] = [];

    beforeEach(async () => {
      requesterSide = kind.open();
      responderSide = kind.open();
      const [requestTopic, replyTopic] = await Promise.all([
        requesterSide.topic('leases-requests', 4),
        requesterSide.topic('leases-replies', 8),
      ]);
      responder = (await startResponder(responderSide.transport, requestTopic, uniqueName('echo'))).subscription;
      load = {
        transport: requesterSide.transport,
        requestTopic,
        replyTopic,
        leaseGroupId: uniqueName('leases'),
        inFlight: 8,
      };
    });

    afterEach(async () => {
      for (const child of children.splice(0)) child.kill('SIGKILL');
      await Promise.all(running.splice(0).map((instance) => instance.stop()));
      responder?.unsubscribe();
      await Promise.all([requesterSide.transport.close(), responderSide.transport.close()]);
    });

    const launch = async (...names: string[]): Promise<LeasedInstance[]> => {
      const instances = names.map((name) => new LeasedInstance(name, load));
      await Promise.all(instances.map((instance) => instance.start()));
      running.push(...instances);
      return instances;
    };
    const settle = (members: number, partitions = 8) =>
      leasesSettle(load.leaseGroupId, load.replyTopic, members, partitions);
    /** How long after `since` the group settled with `members` members, or undefined if it did not. */
    const settledSince = async (since: number, members: number, partitions = 8) =>
      (await settle(members, partitions)) === undefined ? undefined : Date.now() - since;
    /** Stops what still runs, reports, and checks every change settled and nothing was lost. */
    const finish = async (
      label: string,
      instances: readonly LeasedInstance[],
      settled: Record<string, number | undefined>,
    ) => {
      await Promise.all(running.splice(0).map((instance) => instance.stop()));
      report(label, instances, settled);
      expect(
        Object.values(settled).every((ms) => ms !== undefined),
        JSON.stringify(settled),
      ).to.equal(true);
      expectNothingLost(instances);
    };

    it('instances added and stopped under load: nothing lost, crossed or answered twice', async () => {
      const all = await launch('a', 'b', 'c');
      const settled: Record<string, number | undefined> = { start: await settle(3) };
      await pause(1_000);

      let changed = Date.now();
      all.push(...(await launch('d', 'e')));
      settled['2 added'] = await settledSince(changed, 5);
      await pause(1_000);

      const b = all[1]!;
      changed = Date.now();
      await b.stop();
      running.splice(running.indexOf(b), 1);
      settled['1 stopped'] = await settledSince(changed, 4);
      await pause(1_000);

      await finish('added and stopped', all, settled);
      expect(all.every((instance) => instance.sent > 0)).to.equal(true);
    });

    it('partitions added to the reply topic under load: leased out, stamped and answered; nothing lost', async () => {
      const all = await launch('a', 'b', 'c');
      const settled: Record<string, number | undefined> = { start: await settle(3) };
      await pause(1_000);

      const changed = Date.now();
      await withAdmin((admin) => admin.createPartitions({ topicPartitions: [{ topic: load.replyTopic, count: 12 }] }));
      settled['4 added'] = await settledSince(changed, 3, 12);
      // Long enough for the new owners to pin their readers and stamp requests with them.
      await pause(2_000);

      await finish('partitions added', all, settled);
      // Replies were appended to every added partition: requests were stamped with them, and the
      // responder's producer sent there (it had learned the topic with 8 partitions).
      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(load.replyTopic));
      const added = offsets.filter((entry) => entry.partition >= 8).map((entry) => Number(entry.high));
      expect(added, JSON.stringify(offsets)).to.have.length(4);
      expect(
        added.every((high) => high > 0),
        JSON.stringify(offsets),
      ).to.equal(true);
    });

    it('an instance SIGKILLed under load: the others lose nothing, and its partitions are leased out again', async () => {
      const survivors = await launch('a', 'b');
      const child = fork(join(__dirname, '../support/leased-requester-process.js'), [], {
        env: {
          ...process.env,
          INSTANCE: 'doomed',
          TRANSPORT: kind.name,
          BROKERS: testBrokers().join(','),
          REQUEST_TOPIC: load.requestTopic,
          REPLY_TOPIC: load.replyTopic,
          LEASE_GROUP: load.leaseGroupId,
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`the leased requester process exited with ${code}`)));
      });
      const settled: Record<string, number | undefined> = { start: await settle(3) };
      await pause(1_000);

      const killed = Date.now();
      child.kill('SIGKILL');
      settled['1 killed'] = await settledSince(killed, 2);
      await pause(1_000);

      await finish('SIGKILL', survivors, settled);
    });
  });
}

describe('one lease group, members on both transports (real broker)', () => {
  it('a kafkajs member and a @platformatic/kafka member share the partitions out between them', async function () {
    this.timeout(60_000);
    const [kafkajsSide, platformaticSide] = transportKinds.filter((kind) => kind.real).map((kind) => kind.open());
    try {
      const topic = await kafkajsSide!.topic('leases-mixed', 4);
      const subscription = {
        topic,
        groupId: uniqueName('leases-mixed'),
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 300,
      };
      const held: Record<string, readonly number[]> = {};
      const subscriptions = [kafkajsSide!, platformaticSide!].map((side, index) =>
        side.transport.lease!(subscription).subscribe((event) => (held[index] = event.partitions)),
      );
      try {
        const split = () =>
          (held[0]?.length ?? 0) > 0 &&
          (held[1]?.length ?? 0) > 0 &&
          [...held[0]!, ...held[1]!].sort().join() === '0,1,2,3';
        expect(await eventually(async () => split(), 30_000, 50), JSON.stringify(held)).to.equal(true);
      } finally {
        for (const handle of subscriptions) handle.unsubscribe();
      }
    } finally {
      await Promise.all([kafkajsSide!.transport.close(), platformaticSide!.transport.close()]);
    }
  });
});
