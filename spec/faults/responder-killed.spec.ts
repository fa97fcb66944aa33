import { expect } from 'chai';
import { threeNodes } from './support/fault-cluster';
import { expectPromisesKept, FaultRig, sleep, summarize } from './support/fault-rig';

const timeoutMs = Number(process.env.FAULT_RESPONDER_TIMEOUT_MS ?? 20_000);
const responderSessionMs = 6000;

describe('fault: a responder killed (SIGKILL) mid-batch, 3 nodes', () => {
  it('its requests are redelivered to the other member; each caller sees exactly one reply', async () => {
    const kafka = threeNodes();
    const rig = await FaultRig.start({
      kafka,
      timeoutMs,
      requestPartitions: 4,
      // The handler itself takes up to 1.5 s.
      slowMs: 2500,
      responderEnv: {
        TRACK: '1',
        DELAY_MIN_MS: '100',
        DELAY_MAX_MS: '1500',
        SESSION_TIMEOUT_MS: String(responderSessionMs),
        HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    try {
      await rig.startLoad();
      const victim = rig.responders[0]!;
      const heldBy = () => {
        const started = new Set<string>();
        for (const message of victim.messages) {
          if (message.type === 'started') started.add(message.id);
          if (message.type === 'answered') started.delete(message.id);
        }
        return started;
      };
      while (heldBy().size < 10) await sleep(20);
      const faultAt = Date.now();
      await victim.kill('SIGKILL');
      const held = heldBy();
      console.log(
        `      ${victim.name} killed holding ${held.size} requests (handler started, reply not acknowledged)`,
      );
      await sleep(responderSessionMs);
      await rig.waitUntilRecovered();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      const summary = summarize('responder killed mid-batch', reports, probes, faultAt, rig.slowMs);
      const answeredBy = new Map<string, string>();
      for (const report of reports) {
        for (const [n, by] of Object.entries(report.answeredBy)) answeredBy.set(`${report.instance}:${n}`, by);
      }
      const byOther = [...held].filter((id) => answeredBy.get(id) === 'responder-2').length;
      const unanswered = [...held].filter((id) => !answeredBy.has(id));
      console.log(
        `      of the ${held.size} held requests: ${byOther} answered by responder-2 after redelivery, ` +
          `${held.size - byOther - unanswered.length} by responder-1 before it died, ${unanswered.length} unanswered`,
      );
      expectPromisesKept(summary, reports, timeoutMs);
      expect(unanswered, 'every request the killed responder held was answered').to.deep.equal([]);
      expect(byOther, 'the other member answered the redelivered requests').to.be.greaterThan(0);
      expect(summary.timeouts + summary.otherErrors, 'no request lost').to.equal(0);
    } finally {
      await rig.close();
    }
  });
});
