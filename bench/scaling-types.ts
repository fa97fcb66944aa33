import type { BenchTransportKind } from './bench-transport';

/** Who reads which reply partition: every instance the whole topic, or the partitions it leases. */
export type ScalingMode = 'shared' | 'leased';

/** What one requester instance of bench/scaling.ts is told, in its SCALING_JOB environment variable. */
export interface InstanceJob {
  readonly instance: number;
  readonly mode: ScalingMode;
  readonly transport: BenchTransportKind;
  readonly brokers: readonly string[];
  readonly requestTopic: string;
  readonly replyTopic: string;
  /** The lease group of this run (leased mode). */
  readonly leaseGroupId: string;
  /** Requests this instance sends per second: its share of the run's total rate. */
  readonly rate: number;
  /** Quiet time before the load, to measure what an idle instance costs. */
  readonly idleMs: number;
  /** Load not measured, before the measured window. */
  readonly warmupMs: number;
  /** The measured window. */
  readonly measureMs: number;
}

/** What one instance measured over its measured window, reported over IPC. */
export interface InstanceResult {
  readonly instance: number;
  /** Requests sent in the measured window. */
  readonly sent: number;
  /** Of those, answered with their own reply. */
  readonly answered: number;
  readonly errors: number;
  /** Answers that carried another request's value: must be 0. */
  readonly wrongReplies: number;
  /** Latencies of the answered ones, ms. */
  readonly latenciesMs: readonly number[];
  /** CPU time (user + system) of the process over the measured window, µs. */
  readonly cpuMicros: number;
  /** CPU time of the process while idle, µs per second. */
  readonly idleCpuMicrosPerSecond: number;
  /** Replies read and dropped as another instance's over the measured window. */
  readonly foreign: number;
  readonly measuredMs: number;
}

/** One row of the table: a mode at a number of instances. */
export interface ScalingRow {
  readonly mode: ScalingMode;
  readonly instances: number;
  /** Answered requests per second, all instances together. */
  readonly throughput: number;
  /** CPU µs per request of each instance, in instance order. */
  readonly cpuMicrosPerRequest: readonly number[];
  readonly meanCpuMicrosPerRequest: number;
  /**
   * CPU µs per request of each instance above what it costs idle (its idle CPU per second times
   * the window, taken off): the work requests and replies add.
   */
  readonly cpuAboveIdleMicrosPerRequest: readonly number[];
  /** Idle CPU of each instance, µs per second. */
  readonly idleCpuMicrosPerSecond: readonly number[];
  /** Foreign drops of each instance over the measured window. */
  readonly foreign: readonly number[];
  /** Foreign replies read per request sent, all instances together. */
  readonly foreignPerRequest: number;
  readonly sent: number;
  readonly errors: number;
  readonly wrongReplies: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}
