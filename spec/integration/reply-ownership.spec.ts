/**
 * Scaling out without fan-out (docs/scaling.md): 8 requester instances share one 8-partition reply
 * topic. When each owns a partition (`replyPartition: i`, or one leased with `'auto'`), none
 * decodes another's replies; when every one reads the whole topic, each decodes 8 times its own
 * traffic and drops 7/8 as foreign.
 */
import { expect } from 'chai';
import { AssignerProtocol } from 'kafkajs';
import { firstValueFrom, Subscription } from 'rxjs';
import { silentLogger } from '../../lib/logging';
import { createRequester, type Requester, type RequesterMetrics } from '../../lib/requester';
import type { Transport } from '../../lib/transport/transport';
import { pingCodec, pongCodec, startResponder, type Pong } from '../support/echo-responder';
import { uniqueName, withAdmin } from '../support/kafka-fixtures';
import { recordsPerPartition } from '../support/nest-fixtures';
import { eventually, inParallel } from '../support/test-transport';
import { transportKinds } from '../support/transport-kinds';

const INSTANCES = 8;
const REQUESTS = 250;
const IN_FLIGHT = 25;

/** Who reads which reply partition: instance i owns i, everyone reads all, or leases. */
type Mode = 'owned' | 'shared' | 'leased';

/** Waits until every member of the lease group holds exactly one partition of `topic`. */
function settled(groupId: string, topic: string): Promise<boolean> {
  return eventually(
    () =>
      withAdmin(async (admin) => {
        const [group] = (await admin.describeGroups([groupId])).groups;
        if (group?.state !== 'Stable' || group.members.length !== INSTANCES) return false;
        const held = group.members.map(
          (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
        );
        return held.every((partitions) => partitions.length === 1);
      }),
    30_000,
    100,
  );
}

interface Run {
  /** Per instance, its answers in request order. */
  readonly answers: Pong[][];
  /** Per instance, its metrics once every reply on the topic has been read. */
  readonly metrics: RequesterMetrics[];
  /** From the first request sent to the last answer, in ms. */
  readonly elapsedMs: number;
}

/** One line for the log: the figures docs/scaling.md quotes. */
function report(label: string, { metrics, elapsedMs }: Run): void {
  const answered = metrics.reduce((sum, counted) => sum + counted.answered, 0);
  const foreign = metrics.reduce((sum, counted) => sum + counted.foreign, 0);
  const decoded = answered + foreign;
  console.log(
    `      ${label}: ${answered} answered in ${elapsedMs} ms, ${decoded} replies read by all instances, ` +
      `${foreign} foreign (${((100 * foreign) / decoded).toFixed(1)} %)`,
  );
}

/**
 * Starts `INSTANCES` requesters on `replyTopic` (instance i owning partition i when `owned`),
 * sends `REQUESTS` from each at once, and waits until each has read every reply it is going to
 * read: its own, plus the others' on the partitions it reads.
 */
async function run(transport: Transport, requestTopic: string, replyTopic: string, mode: Mode): Promise<Run> {
  const leaseGroupId = uniqueName('leases');
  const requesters: Requester[] = Array.from({ length: INSTANCES }, (_, instance) =>
    createRequester({
      transport,
      replyTopic,
      timeoutMs: 20_000,
      ...(mode === 'owned' ? { replyPartition: instance } : {}),
      ...(mode === 'leased' ? { replyPartition: 'auto', leaseGroupId, logger: silentLogger } : {}),
    }),
  );
  try {
    await Promise.all(requesters.map((requester) => firstValueFrom(requester.warmUp())));
    // Steady state: the lease group has settled with one partition per instance.
    if (mode === 'leased') expect(await settled(leaseGroupId, replyTopic), 'leases settled').to.equal(true);
    const started = Date.now();
    const answers = await Promise.all(
      requesters.map((requester, instance) =>
        inParallel(REQUESTS, IN_FLIGHT, (n) =>
          firstValueFrom(
            requester.request({
              topic: requestTopic,
              key: `instance-${instance}-${n}`,
              value: { instance: String(instance), n },
              codec: pingCodec,
              replyCodec: pongCodec,
            }),
          ),
        ),
      ),
    );
    const elapsedMs = Date.now() - started;
    // Replies of the others may still be on their way to an instance that reads their partitions.
    const expectedForeign = mode === 'shared' ? (INSTANCES - 1) * REQUESTS : 0;
    await eventually(
      async () => requesters.every((requester) => requester.metrics().foreign >= expectedForeign),
      10_000,
      20,
    );
    return { answers, metrics: requesters.map((requester) => requester.metrics()), elapsedMs };
  } finally {
    for (const requester of requesters) requester.close();
  }
}

for (const kind of transportKinds.filter((candidate) => candidate.real)) {
  describe(`reply ownership: ${INSTANCES} requester instances on one ${INSTANCES}-partition reply topic (${kind.name}, real broker)`, function () {
    this.timeout(60_000);
    let requesterSide: ReturnType<typeof kind.open>;
    let responderSide: ReturnType<typeof kind.open>;
    let responder: Subscription | undefined;
    let requestTopic: string;

    beforeEach(async () => {
      requesterSide = kind.open();
      responderSide = kind.open();
      requestTopic = await requesterSide.topic('ownership-requests', 4);
      responder = (await startResponder(responderSide.transport, requestTopic, uniqueName('echo'))).subscription;
    });

    afterEach(async () => {
      responder?.unsubscribe();
      await Promise.all([requesterSide.transport.close(), responderSide.transport.close()]);
    });

    const expectOwnAnswers = (answers: readonly Pong[][]) =>
      answers.forEach((own, instance) =>
        own.forEach((answer, n) => expect(answer).to.include({ instance: String(instance), n })),
      );

    it(`owned partitions (instance i reads partition i): ${INSTANCES * REQUESTS} requests, each answered once with its own reply, 0 foreign`, async () => {
      const replyTopic = await requesterSide.topic('ownership-owned', INSTANCES);
      const result = await run(requesterSide.transport, requestTopic, replyTopic, 'owned');
      const { answers, metrics } = result;
      report('owned', result);

      expectOwnAnswers(answers);
      for (const [instance, counted] of metrics.entries()) {
        expect(counted, `instance ${instance}`).to.deep.include({
          answered: REQUESTS,
          foreign: 0,
          duplicates: 0,
          late: 0,
          timedOut: 0,
          pending: 0,
        });
      }
      // Each instance's replies went to its own partition, and only there.
      expect(await recordsPerPartition(replyTopic)).to.deep.equal(Array.from({ length: INSTANCES }, () => REQUESTS));
    });

    it(`leased (replyPartition: 'auto'), once the lease group has settled: every request answered once with its own reply, foreign at most 1 %`, async () => {
      const replyTopic = await requesterSide.topic('ownership-leased', INSTANCES);
      const result = await run(requesterSide.transport, requestTopic, replyTopic, 'leased');
      const { answers, metrics } = result;
      report('leased', result);

      expectOwnAnswers(answers);
      const answered = metrics.reduce((sum, counted) => sum + counted.answered, 0);
      const foreign = metrics.reduce((sum, counted) => sum + counted.foreign, 0);
      for (const [instance, counted] of metrics.entries()) {
        expect(counted, `instance ${instance}`).to.deep.include({
          answered: REQUESTS,
          duplicates: 0,
          late: 0,
          timedOut: 0,
          pending: 0,
        });
      }
      expect(foreign / (answered + foreign)).to.be.at.most(0.01);
      // Each instance's replies went to the partition it leased, one partition each.
      expect(await recordsPerPartition(replyTopic)).to.deep.equal(Array.from({ length: INSTANCES }, () => REQUESTS));
    });

    it(`shared reading (every instance reads the whole topic), the contrast: 7/8 of what each decodes is foreign`, async () => {
      const replyTopic = await requesterSide.topic('ownership-shared', INSTANCES);
      const result = await run(requesterSide.transport, requestTopic, replyTopic, 'shared');
      const { answers, metrics } = result;
      report('shared reading', result);

      expectOwnAnswers(answers);
      for (const [instance, counted] of metrics.entries()) {
        expect(counted, `instance ${instance}`).to.deep.include({ answered: REQUESTS, duplicates: 0, timedOut: 0 });
        expect(counted.foreign, `instance ${instance}`).to.equal((INSTANCES - 1) * REQUESTS);
        expect(counted.foreign / (counted.foreign + counted.answered)).to.equal(0.875);
      }
    });
  });
}
