import { expect } from 'chai';
import { threeNodes } from './support/fault-cluster';
import { expectPromisesKept, FaultRig, leaderOf, leadersOf, sleep, summarize } from './support/fault-rig';

const timeoutMs = Number(process.env.FAULT_TIMEOUT_MS ?? 10_000);
// Longer than kafkajs's retry budget (about 5 s), so clients do not merely wait it out.
const downMs = Number(process.env.FAULT_DOWN_MS ?? 10_000);

describe('fault: the leader of the reply topic killed (SIGKILL) and restarted, 3 nodes', () => {
  it('no caller answered twice or left hanging; requests succeed again without restarting the requesters', async () => {
    const kafka = threeNodes();
    const rig = await FaultRig.start({ kafka, timeoutMs, replyPartitions: 3 });
    try {
      await rig.startLoad();
      // The worst case: the node that leads a reply partition and also coordinates every group
      // (the one partition of __consumer_offsets), so reply consumers and responders must find a
      // new coordinator as well as a new leader.
      const coordinator = await leaderOf(kafka, '__consumer_offsets', 0);
      const replyLeaders = await leadersOf(kafka, rig.replyTopic);
      const partition = replyLeaders.find((entry) => entry.leader === coordinator)?.partition ?? 0;
      const leader = await leaderOf(kafka, rig.replyTopic, partition);
      const faultAt = Date.now();
      await kafka.kill(leader);
      // The controller moves leadership once the dead broker's session expires.
      let newLeader = leader;
      while (newLeader === leader && Date.now() - faultAt < 60_000) {
        await sleep(200);
        newLeader = await leaderOf(kafka, rig.replyTopic, partition);
      }
      const failoverMs = Date.now() - faultAt;
      expect(newLeader, 'a new leader took over').to.not.equal(leader);
      await sleep(Math.max(0, downMs - failoverMs));
      const downForMs = Date.now() - faultAt;
      const restartMs = await kafka.restart(leader);
      console.log(
        `      node ${leader} (leader of ${rig.replyTopic}[${partition}]${leader === coordinator ? ', group coordinator' : ''}) killed; ` +
          `node ${newLeader} leads after ${failoverMs} ms; ` +
          `node ${leader} restarted after ${downForMs} ms down, serving again in ${restartMs} ms`,
      );
      await rig.waitUntilRecovered();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      const summary = summarize('reply-topic leader killed', reports, probes, faultAt);
      expectPromisesKept(summary, reports, timeoutMs);
    } finally {
      await rig.close();
    }
  });
});
