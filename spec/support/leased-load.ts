import { AssignerProtocol } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { silentLogger } from '../../lib/logging';
import { createRequester, type Requester } from '../../lib/requester';
import type { Transport } from '../../lib/transport/transport';
import { pingCodec, pongCodec } from './echo-responder';
import { withAdmin } from './kafka-fixtures';
import { eventually } from './test-transport';

/** Where a leased requester instance sends, and how its reply consumers and lease behave. */
export interface LeasedLoadOptions {
  readonly transport: Transport;
  readonly requestTopic: string;
  readonly replyTopic: string;
  readonly leaseGroupId: string;
  /** Requests each instance keeps in flight. */
  readonly inFlight: number;
}

/**
 * One requester instance with `replyPartition: 'auto'` that keeps `inFlight` echo requests going
 * until stopped, and checks every caller got its own reply, once. A short session timeout and
 * metadata age, so that a killed member or added partitions show within seconds.
 */
export class LeasedInstance {
  readonly requester: Requester;
  sent = 0;
  ok = 0;
  crossed = 0;
  readonly failures: string[] = [];
  private running = false;
  private lanes: Promise<void>[] = [];

  constructor(
    readonly name: string,
    private readonly options: LeasedLoadOptions,
  ) {
    this.requester = createRequester({
      transport: options.transport,
      replyTopic: options.replyTopic,
      replyPartition: 'auto',
      leaseGroupId: options.leaseGroupId,
      logger: silentLogger,
      timeoutMs: 20_000,
      consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, metadataMaxAgeMs: 1_000 },
    });
  }

  /** Warms up, then starts the load; resolves once it is running. */
  async start(): Promise<void> {
    await firstValueFrom(this.requester.warmUp());
    this.running = true;
    this.lanes = Array.from({ length: this.options.inFlight }, (_, lane) => this.lane(lane));
  }

  /** Stops sending, waits for the requests in flight to end, and closes the requester. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
    this.requester.close();
  }

  private async lane(first: number): Promise<void> {
    for (let n = first; this.running; n += this.options.inFlight) {
      this.sent += 1;
      try {
        const reply = await firstValueFrom(
          this.requester.request({
            topic: this.options.requestTopic,
            key: `${this.name}-${n}`,
            value: { instance: this.name, n },
            codec: pingCodec,
            replyCodec: pongCodec,
          }),
        );
        if (reply.instance === this.name && reply.n === n) this.ok += 1;
        else this.crossed += 1;
      } catch (error) {
        this.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
}

/**
 * Waits until the lease group is stable with `members` members holding every partition of
 * `topic` in shares that differ by at most one; resolves with how long that took, or undefined if
 * it did not happen within `withinMs`.
 */
export async function leasesSettle(
  groupId: string,
  topic: string,
  members: number,
  partitions: number,
  withinMs = 30_000,
): Promise<number | undefined> {
  const started = Date.now();
  const balanced = await eventually(
    () =>
      withAdmin(async (admin) => {
        const [group] = (await admin.describeGroups([groupId])).groups;
        if (group?.state !== 'Stable' || group.members.length !== members) return false;
        const shares = group.members.map(
          (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
        );
        const counts = shares.map((share) => share.length);
        const held = new Set(shares.flat());
        return held.size === partitions && Math.max(...counts) - Math.min(...counts) <= 1;
      }),
    withinMs,
    100,
  );
  return balanced ? Date.now() - started : undefined;
}
