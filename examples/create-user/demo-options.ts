import { ReplyMode } from './service-config';

/** What `npm run demo` was asked to do. */
export interface DemoSettings {
  readonly requests: number;
  readonly concurrency: number;
  readonly instances: number;
  /** How the GraphQL instances read their replies: leased partitions, or all of the topic. */
  readonly replies: ReplyMode;
  /** Where the picture of the traced mutation goes; undefined for the default. */
  readonly traceSvg: string | undefined;
  readonly help: boolean;
}

export const usage = `Usage: npm run demo -- [--requests N] [--concurrency N] [--instances N] [--replies MODE] [--trace-svg PATH]

  --requests N      createUser mutations to send (env DEMO_REQUESTS; default 200, at least 8)
  --concurrency N   mutations in flight at once (env DEMO_CONCURRENCY; default 32)
  --instances N     GraphQL service processes (env DEMO_INSTANCES; default 2)
  --replies MODE    how the GraphQL instances read the user-created replies (env DEMO_REPLIES):
                    leased (default): each reads only the partitions it leases (replyPartition 'auto');
                    shared: each reads every reply and drops the other instances' as foreign
  --trace-svg PATH  where the trace picture of one mutation goes (env DEMO_TRACE_SVG;
                    default build/demo/create-user-trace.svg)

Uses the Kafka cluster in KAFKA_BROKERS when set; otherwise starts a local broker and stops it.`;

function positiveInteger(name: string, text: string | undefined, fallback: number, minimum = 1): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer of at least ${minimum}, not '${text}'.\n\n${usage}`);
  }
  return value;
}

function replyMode(text: string | undefined): ReplyMode {
  if (text === undefined || text.trim() === '') return 'leased';
  if (!ReplyMode.is(text)) throw new RangeError(`--replies must be 'leased' or 'shared', not '${text}'.\n\n${usage}`);
  return text;
}

const nonEmpty = (text: string | undefined): string | undefined =>
  text === undefined || text.trim() === '' ? undefined : text;

/**
 * Reads the demo's settings from flags (`--requests 50` or `--requests=50`), falling back to the
 * environment (`DEMO_REQUESTS`, ...) and then to the defaults. Bad values throw with the usage.
 *
 * @param argv the arguments after the script, e.g. `process.argv.slice(2)`
 * @param env the environment
 * @returns the settings
 */
export function demoSettings(argv: readonly string[], env: NodeJS.ProcessEnv): DemoSettings {
  const flags = new Map<string, string>();
  let help = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') {
      help = true;
      continue;
    }
    const match = /^--(requests|concurrency|instances|replies|trace-svg)(?:=(.*))?$/.exec(argument);
    if (!match) throw new RangeError(`Unknown argument '${argument}'.\n\n${usage}`);
    flags.set(match[1], match[2] ?? argv[++index] ?? '');
  }
  return {
    requests: positiveInteger('--requests', flags.get('requests') ?? env.DEMO_REQUESTS, 200, 8),
    concurrency: positiveInteger('--concurrency', flags.get('concurrency') ?? env.DEMO_CONCURRENCY, 32),
    instances: positiveInteger('--instances', flags.get('instances') ?? env.DEMO_INSTANCES, 2),
    replies: replyMode(flags.get('replies') ?? env.DEMO_REPLIES),
    traceSvg: nonEmpty(flags.get('trace-svg') ?? env.DEMO_TRACE_SVG),
    help,
  };
}
