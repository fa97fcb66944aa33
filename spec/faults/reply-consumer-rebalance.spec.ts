import { expect } from 'chai';
import { threeNodes } from './support/fault-cluster';
import { expectPromisesKept, FaultRig, sleep, summarize, withAdmin } from './support/fault-rig';

const timeoutMs = Number(process.env.FAULT_REBALANCE_TIMEOUT_MS ?? 20_000);
const sessionTimeoutMs = 6000;
const blockMs = Number(process.env.FAULT_BLOCK_MS ?? 8000);

describe('fault: a requester’s reply consumer pushed through a rebalance, 3 nodes', () => {
  it('partitions added to the reply topic: every request answered once, none lost', async () => {
    const kafka = threeNodes();
    const rig = await FaultRig.start({
      kafka,
      timeoutMs,
      replyPartitions: 2,
      // Both sides notice the new partitions within a second: responders produce to them, and the
      // reply consumers rejoin to take them.
      requesterEnv: { METADATA_MAX_AGE_MS: '1000' },
      responderEnv: { METADATA_MAX_AGE_MS: '1000' },
    });
    try {
      await rig.startLoad();
      const faultAt = Date.now();
      await withAdmin(kafka, (admin) =>
        admin.createPartitions({ topicPartitions: [{ topic: rig.replyTopic, count: 4 }] }),
      );
      await sleep(5000);
      await rig.waitUntilRecovered();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(rig.replyTopic));
      const onNewPartitions = offsets
        .filter((entry) => entry.partition >= 2)
        .reduce((total, entry) => total + Number(entry.high), 0);
      console.log(`      reply topic grown from 2 to 4 partitions; ${onNewPartitions} replies landed on the new ones`);
      const summary = summarize('reply topic partitions added', reports, probes, faultAt);
      expectPromisesKept(summary, reports, timeoutMs);
      expect(onNewPartitions, 'replies were produced to the added partitions').to.be.greaterThan(0);
      expect(summary.timeouts + summary.otherErrors, 'no request lost across the rebalance').to.equal(0);
    } finally {
      await rig.close();
    }
  });

  it(`session expired: a requester's event loop blocked ${blockMs} ms (session timeout ${sessionTimeoutMs} ms)`, async () => {
    expect(blockMs).to.be.greaterThan(sessionTimeoutMs);
    const kafka = threeNodes();
    const rig = await FaultRig.start({
      kafka,
      timeoutMs,
      requesterEnv: { SESSION_TIMEOUT_MS: String(sessionTimeoutMs), HEARTBEAT_INTERVAL_MS: '1000' },
      // Replies take 0.5-1 s, so the ones to requests sent just before the block arrive during it.
      responderEnv: { DELAY_MIN_MS: '500', DELAY_MAX_MS: '1000' },
      slowMs: 3000,
    });
    try {
      await rig.startLoad();
      const group = rig.requesterGroups[0]!;
      const groupState = () =>
        withAdmin(kafka, (admin) => admin.describeGroups([group])).then((answer) => answer.groups[0]);
      const before = await groupState();
      const faultAt = Date.now();
      const burst = 20;
      const blocked = rig.block(0, blockMs, burst, 300);
      // While requester-a cannot heartbeat, the coordinator expires its member and empties the group.
      let expired = false;
      while (!expired && Date.now() - faultAt < blockMs - 300) {
        await sleep(250);
        expired = (await groupState())?.members.length === 0;
      }
      await blocked;
      await rig.waitUntilRecovered();
      const after = await groupState();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      console.log(
        `      requester-a blocked ${blockMs} ms; its member ${expired ? 'expired' : 'did NOT expire'} during the block; ` +
          `member ${before?.members[0]?.memberId.slice(-12)} before, ${after?.members[0]?.memberId.slice(-12)} after`,
      );
      const summary = summarize('reply consumer session expired', reports, probes, faultAt, rig.slowMs);
      const acrossTheBlock = reports[0]!.outcomes.filter(
        (outcome) =>
          outcome.kind === 'ok' && outcome.startedAt <= faultAt + 300 && outcome.endedAt >= faultAt + blockMs,
      ).length;
      console.log(
        `      requests of requester-a answered across the block (sent before, answered after): ${acrossTheBlock}`,
      );
      expect(expired, 'the session expired while the event loop was blocked').to.equal(true);
      expect(after?.members[0]?.memberId, 'rejoined as a new member').to.not.equal(before?.members[0]?.memberId);
      // The blocked process's own clock jumps by the block: allow for it in the bound.
      expectPromisesKept(summary, reports, timeoutMs, blockMs + 3000);
      expect(acrossTheBlock, 'the burst sent before the block was answered after it').to.be.at.least(burst);
      expect(summary.timeouts + summary.otherErrors, 'no reply lost across the expiry and rejoin').to.equal(0);
    } finally {
      await rig.close();
    }
  });
});
