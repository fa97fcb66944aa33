/**
 * Mocha global fixture of `npm run test:faults`: a three-node KRaft cluster on loopback for the
 * whole run, and single-node clusters on demand (`startFaultKafka(1)`). Independent of `npm test`'s
 * fixture, and always local: fault tests kill, restart and freeze brokers, so KAFKA_BROKERS (a
 * cluster this run does not own) is ignored here. When a broker cannot start the run fails.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerStartError } from '../../../tools/broker/errors';
import { LocalKafka, startLocalKafka } from '../../../tools/broker/local-kafka';
import { faultTransportName } from './fault-transport';

const say = (line: string) => console.log(`  [kafka] ${line}`);
const running = new Set<LocalKafka>();
let threeNodeCluster: LocalKafka | undefined;

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Starts a local cluster of `nodes` nodes for fault tests; stopped by `stopFaultKafka` or at the end of the run. */
export async function startFaultKafka(nodes: number): Promise<LocalKafka> {
  try {
    // FAULT_BROKER_DEBUG=1: the brokers log leadership, ISR and group coordinator changes (see FAULT_BROKER_LOGS).
    const logLevels = process.env.FAULT_BROKER_DEBUG
      ? {
          'kafka.cluster.Partition': 'INFO',
          'org.apache.kafka.coordinator.group': 'INFO',
          'state.change.logger': 'INFO',
        }
      : undefined;
    const kafka = await startLocalKafka({ nodes, log: say, logLevels });
    running.add(kafka);
    say(
      `${nodes}-node cluster start-up ${kafka.startupMs} ms; JVM resident memory ${kafka.residentBytes().map(mebibytes).join(', ')}`,
    );
    return kafka;
  } catch (error) {
    if (error instanceof BrokerStartError) {
      console.error(`\n  [kafka] the fault-test cluster could not start (${error.reason}):\n  ${error.message}\n`);
    }
    throw error;
  }
}

/** Stops a cluster started by `startFaultKafka`; with FAULT_BROKER_LOGS=<folder>, keeps its broker logs there. */
export async function stopFaultKafka(kafka: LocalKafka): Promise<void> {
  running.delete(kafka);
  const keep = process.env.FAULT_BROKER_LOGS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const [index, file] of kafka.logFiles.entries()) {
      if (existsSync(file))
        copyFileSync(file, join(keep, `${kafka.nodes.length}-nodes-${process.pid}-node-${index + 1}.log`));
    }
  }
  await kafka.stop();
}

/** The run's three-node cluster. */
export function threeNodes(): LocalKafka {
  if (!threeNodeCluster) throw new Error('No fault cluster: run these specs with `npm run test:faults`.');
  return threeNodeCluster;
}

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) say('KAFKA_BROKERS is ignored: fault tests start (and hurt) their own cluster');
  say(`requesters and responders run on the ${faultTransportName} transport (FAULT_TRANSPORT)`);
  threeNodeCluster = await startFaultKafka(3);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await Promise.all([...running].map((kafka) => stopFaultKafka(kafka)));
}
