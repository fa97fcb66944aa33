/**
 * When each step of a consumer's start happened, from subscribe to `ready`: the seed article's
 * "started is not ready", measured. Moments are milliseconds since the epoch, fractional where the
 * clock allows (the Kafka transports read the system clock once at subscribe and a monotonic clock
 * after it; the in-memory transport reads its scheduler, which is virtual time on a
 * `TestScheduler`). They never decrease in the order listed. A transport that cannot tell two
 * steps apart gives them the same moment.
 *
 * @example
 * import { consume, kafkajsTransport, stringCodec } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'timeline', brokers: ['127.0.0.1:9092'] } });
 * consume(transport, { topic: 'user-created', codec: stringCodec }).subscribe((event) => {
 *   if (event.type === 'ready' && event.timeline) {
 *     const { assignedAt, readyAt, subscribedAt } = event.timeline;
 *     console.log(`ready ${readyAt - subscribedAt} ms after subscribe, ${readyAt - assignedAt} ms after assignment`);
 *   }
 * });
 *
 * @since 0.2.0
 * @category transport
 */
export interface ReadyTimeline {
  /** The consumer's Observable was subscribed. */
  readonly subscribedAt: number;
  /**
   * The log ends (or starts, with `startAt: 'earliest'`) of the subscribed partitions were read:
   * every position `ready` reports is at or below the log end at this moment.
   */
  readonly logEndsReadAt: number;
  /** The consumer began to connect and join its group. */
  readonly joinStartedAt: number;
  /** The group coordinator gave this member its partitions: "started", as Kafka sees it. */
  readonly assignedAt: number;
  /**
   * Every assigned partition had a fixed numeric start position (for a shared group, once the
   * group's committed offsets were read).
   */
  readonly positionedAt: number;
  /** `ready` was emitted. */
  readonly readyAt: number;
}

/** The steps of {@link ReadyTimeline}, in the order they happen. @internal */
export const READY_TIMELINE_STEPS = [
  'subscribedAt',
  'logEndsReadAt',
  'joinStartedAt',
  'assignedAt',
  'positionedAt',
  'readyAt',
] as const satisfies readonly (keyof ReadyTimeline)[];

type Marked = Exclude<keyof ReadyTimeline, 'subscribedAt' | 'readyAt'>;

/** A step's moment, never earlier than the step before it (a mark left over from an abandoned join stays in order). */
const notBefore = (earlier: number, moment: number | undefined): number => Math.max(earlier, moment ?? earlier);

/**
 * Collects one consumer's {@link ReadyTimeline}: created at subscribe, marked as each step
 * happens, closed by `ready()`. A step marked again before ready (a second join before the first
 * one was positioned) takes the later moment; after ready, marks change nothing, so a rebalance
 * leaves the start's timeline alone.
 *
 * @internal
 */
export class ReadyTimelineRecorder {
  private readonly subscribedAt: number;
  private readonly moments: { [step in Marked]?: number } = {};
  private timeline: ReadyTimeline | undefined;

  /** @param now the clock, read at once for `subscribedAt` */
  constructor(private readonly now: () => number) {
    this.subscribedAt = now();
  }

  /** Marks `step` as happening now. */
  mark(step: Marked): void {
    if (this.timeline === undefined) this.moments[step] = this.now();
  }

  /** Marks ready and returns the timeline; a step never marked takes the moment of the one before it. */
  ready(): ReadyTimeline {
    if (this.timeline !== undefined) return this.timeline;
    const { subscribedAt, moments } = this;
    const logEndsReadAt = notBefore(subscribedAt, moments.logEndsReadAt);
    const joinStartedAt = notBefore(logEndsReadAt, moments.joinStartedAt);
    const assignedAt = notBefore(joinStartedAt, moments.assignedAt);
    const positionedAt = notBefore(assignedAt, moments.positionedAt);
    const readyAt = notBefore(positionedAt, this.now());
    this.timeline = { subscribedAt, logEndsReadAt, joinStartedAt, assignedAt, positionedAt, readyAt };
    return this.timeline;
  }
}
