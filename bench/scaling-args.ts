import { parseArgs } from 'node:util';
import type { BenchTransportKind } from './bench-transport';
import type { ScalingMode } from './scaling-types';

/** What `bench/scaling.ts` was asked to do. */
export interface ScalingArgs {
  readonly quick: boolean;
  /** Numbers of requester instances, each run in both modes. */
  readonly instances: readonly number[];
  readonly modes: readonly ScalingMode[];
  /**
   * The load: each instance sends `rate` requests per second (`per-instance`, the default: the
   * load grows with the instances, as when a service scales out with its traffic), or all of them
   * together (`total`, shared out evenly: each instance's rate falls as they multiply).
   */
  readonly load: ScalingLoad;
  readonly transport: BenchTransportKind;
  /** True when the default instances, load and both modes run: only then are the committed results replaced. */
  readonly complete: boolean;
  readonly help: boolean;
}

/** How much the instances of a run send. */
export interface ScalingLoad {
  readonly kind: 'per-instance' | 'total';
  /** Requests per second. */
  readonly rate: number;
}

/** A command line the benchmark refuses; the message says why and what is allowed. */
export class ScalingUsageError extends Error {
  override readonly name = 'ScalingUsageError';
}

/** The reply topic's partitions: the most instances that can each lease one. */
export const REPLY_PARTITIONS = 8;
export const defaultInstances: readonly number[] = [1, 2, 4, 8];
export const defaultLoad: ScalingLoad = { kind: 'per-instance', rate: 25 };
const allModes: readonly ScalingMode[] = ['shared', 'leased'];
const transports: readonly BenchTransportKind[] = ['kafkajs', 'platformatic'];

export const scalingUsage = [
  'usage: node build/bench/scaling.js [--quick] [--instances=1,2,4,8] [--modes=shared,leased]',
  `                                   [--rate=<requests per second per instance; default ${defaultLoad.rate}>`,
  '                                    | --total-rate=<requests per second, all instances together>]',
  '                                   [--transport=kafkajs|platformatic] [--help]',
].join('\n');

function wholeNumber(option: string, value: string, least: number, most: number): number {
  const number = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(number) || number < least || number > most) {
    throw new ScalingUsageError(
      `--${option}: ${JSON.stringify(value)} is not a whole number from ${least} to ${most}.`,
    );
  }
  return number;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value.trim());
  if (found === undefined) {
    throw new ScalingUsageError(`--${option}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}.`);
  }
  return found;
}

/**
 * Parses the scaling benchmark's command line strictly: an unknown flag, a stray argument, an
 * unknown mode or transport, or a bad number is a `ScalingUsageError`, never a silent default.
 */
export function parseScalingArgs(argv: readonly string[]): ScalingArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        instances: { type: 'string' },
        modes: { type: 'string' },
        rate: { type: 'string' },
        'total-rate': { type: 'string' },
        transport: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ScalingUsageError(error instanceof Error ? error.message : String(error));
  }
  const instances =
    values.instances === undefined
      ? [...defaultInstances]
      : [...new Set(values.instances.split(',').map((part) => wholeNumber('instances', part, 1, REPLY_PARTITIONS)))];
  const modes =
    values.modes === undefined
      ? [...allModes]
      : allModes.filter((mode) =>
          values
            .modes!.split(',')
            .map((part) => oneOf('modes', part, allModes))
            .includes(mode),
        );
  if (values.rate !== undefined && values['total-rate'] !== undefined) {
    throw new ScalingUsageError('--rate and --total-rate: one or the other.');
  }
  const load: ScalingLoad =
    values['total-rate'] !== undefined
      ? { kind: 'total', rate: wholeNumber('total-rate', values['total-rate'], 1, 10_000) }
      : values.rate !== undefined
        ? { kind: 'per-instance', rate: wholeNumber('rate', values.rate, 1, 10_000) }
        : defaultLoad;
  const transport = values.transport === undefined ? 'kafkajs' : oneOf('transport', values.transport, transports);
  return {
    quick: values.quick,
    instances: instances.sort((a, b) => a - b),
    modes,
    load,
    transport,
    complete:
      instances.join() === defaultInstances.join() &&
      modes.length === allModes.length &&
      load.kind === defaultLoad.kind &&
      load.rate === defaultLoad.rate,
    help: values.help,
  };
}
