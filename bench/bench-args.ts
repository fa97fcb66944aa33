import { parseArgs } from 'node:util';

/** What `bench/run.ts` was asked to do. */
export interface BenchArgs {
  readonly quick: boolean;
  readonly concurrencies: readonly number[];
  /** The variants to run, in bench/variants.ts order. */
  readonly variants: readonly string[];
  readonly rebalanceDelayMs: number;
  readonly memory: boolean;
  /** True when every variant and the default concurrencies run: only then are results/<mode> replaced. */
  readonly complete: boolean;
  readonly help: boolean;
}

/** A command line the benchmark refuses; the message says why and what is allowed. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const defaultConcurrencies: readonly number[] = [1, 64, 1024];

export const benchUsage = [
  'usage: node build/bench/run.js [--quick] [--variants=a,b] [--concurrency=1,64,1024]',
  '                               [--rebalance-delay=ms] [--no-memory] [--help]',
].join('\n');

function wholeNumbers(option: string, text: string, least: number): number[] {
  const values = text.split(',').map((part) => part.trim());
  return values.map((value) => {
    const number = Number(value);
    if (value === '' || !Number.isInteger(number) || number < least) {
      throw new BenchUsageError(`--${option}: ${JSON.stringify(value)} is not a whole number from ${least}.`);
    }
    return number;
  });
}

/**
 * Parses the benchmark's command line strictly: an unknown flag, a flag without its value, a
 * stray argument, an unknown variant or a bad number is a `BenchUsageError`, never a silent
 * default.
 */
export function parseBenchArgs(argv: readonly string[], knownVariants: readonly string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        variants: { type: 'string' },
        concurrency: { type: 'string' },
        'rebalance-delay': { type: 'string' },
        'no-memory': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  let variants = [...knownVariants];
  if (values.variants !== undefined) {
    const asked = values.variants.split(',').map((name) => name.trim());
    const unknown = asked.filter((name) => !knownVariants.includes(name));
    if (unknown.length > 0 || asked.length === 0) {
      throw new BenchUsageError(
        `--variants: unknown ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${knownVariants.join(', ')}.`,
      );
    }
    variants = knownVariants.filter((name) => asked.includes(name));
  }
  const concurrencies =
    values.concurrency === undefined ? [...defaultConcurrencies] : wholeNumbers('concurrency', values.concurrency, 1);
  const rebalanceDelayMs =
    values['rebalance-delay'] === undefined ? 3000 : wholeNumbers('rebalance-delay', values['rebalance-delay'], 0)[0]!;
  if (values['rebalance-delay']?.includes(',')) {
    throw new BenchUsageError('--rebalance-delay: one number of milliseconds.');
  }
  return {
    quick: values.quick,
    concurrencies,
    variants,
    rebalanceDelayMs,
    memory: !values['no-memory'],
    complete:
      variants.length === knownVariants.length &&
      concurrencies.join() === defaultConcurrencies.join() &&
      !values['no-memory'],
    help: values.help,
  };
}
