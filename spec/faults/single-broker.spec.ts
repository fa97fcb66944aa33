import { expect } from 'chai';
import type { LocalKafka } from '../../tools/broker/local-kafka';
import { startFaultKafka, stopFaultKafka } from './support/fault-cluster';
import { expectPromisesKept, FaultRig, sleep, summarize } from './support/fault-rig';

const restartTimeoutMs = Number(process.env.FAULT_TIMEOUT_MS ?? 10_000);
const freezeTimeoutMs = Number(process.env.FAULT_FREEZE_TIMEOUT_MS ?? 5000);
const freezeMs = Number(process.env.FAULT_FREEZE_MS ?? 8000);

describe('faults of a single broker (1 node)', () => {
  let kafka: LocalKafka;

  before(async () => {
    kafka = await startFaultKafka(1);
  });

  after(async () => {
    if (kafka) await stopFaultKafka(kafka);
  });

  it('the broker restarted with requests in flight: none answered twice or left hanging; requests succeed again', async () => {
    const rig = await FaultRig.start({ kafka, timeoutMs: restartTimeoutMs });
    try {
      await rig.startLoad();
      const faultAt = Date.now();
      const restartMs = await kafka.restartCluster();
      console.log(`      broker stopped (SIGTERM) and started again: serving after ${restartMs} ms`);
      await rig.waitUntilRecovered();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      const summary = summarize('single broker restarted', reports, probes, faultAt);
      expectPromisesKept(summary, reports, restartTimeoutMs);
    } finally {
      await rig.close();
    }
  });

  it(`the broker frozen (SIGSTOP) for ${freezeMs} ms, longer than the ${freezeTimeoutMs} ms request timeout, then thawed`, async () => {
    expect(freezeMs, 'the freeze outlasts the request timeout').to.be.greaterThan(freezeTimeoutMs);
    const rig = await FaultRig.start({ kafka, timeoutMs: freezeTimeoutMs });
    try {
      await rig.startLoad();
      const faultAt = Date.now();
      kafka.freeze(1);
      try {
        await sleep(freezeMs);
      } finally {
        kafka.thaw(1);
      }
      console.log(`      broker frozen for ${Date.now() - faultAt} ms, then thawed`);
      await rig.waitUntilRecovered();
      const reports = await rig.stopLoad();
      const probes = await rig.probe();
      const summary = summarize('single broker frozen', reports, probes, faultAt);
      expectPromisesKept(summary, reports, freezeTimeoutMs);
      expect(summary.timeouts, 'requests in flight during the freeze end in typed timeouts').to.be.greaterThan(0);
    } finally {
      await rig.close();
    }
  });
});
