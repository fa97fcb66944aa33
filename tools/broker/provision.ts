import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerStartError } from './errors';
import { projectRoot } from './project-root';

/** Where the broker's classpath lives and which Kafka it is. */
export interface KafkaInstallation {
  readonly version: string;
  readonly libs: string;
}

/** The Kafka version pinned in broker/pom.xml: the single place it is written down. */
export function pinnedKafkaVersion(root = projectRoot()): string {
  const pom = readFileSync(join(root, 'broker', 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('broker/pom.xml has no <kafka.version> property');
  return match[1]!;
}

function commandWorks(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** Fails with a clear message when `java` is not on the PATH. */
export function requireJava(): void {
  if (!commandWorks('java', ['-version'])) {
    throw new BrokerStartError(
      'java-missing',
      'java was not found on the PATH. Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jre-headless), ' +
        'or point KAFKA_BROKERS=host:port at an existing cluster.',
    );
  }
}

/**
 * Makes sure Apache Kafka's broker jars are in the project's cache (`.cache/kafka/<version>/libs`),
 * resolving them from Maven Central with `mvn` the first time. The second call needs no network.
 */
export function ensureKafkaInstalled(log: (line: string) => void = () => undefined): KafkaInstallation {
  const root = projectRoot();
  const version = pinnedKafkaVersion(root);
  const cache = process.env.PUBSCRIBE_KAFKA_CACHE ?? join(root, '.cache', 'kafka');
  const libs = join(cache, version, 'libs');
  const marker = join(cache, version, 'complete');
  if (existsSync(marker) && readdirSync(libs).some((jar) => jar.startsWith(`kafka_2.13-${version}`))) {
    return { version, libs };
  }
  if (!commandWorks('mvn', ['-v'])) {
    throw new BrokerStartError(
      'maven-missing',
      `Apache Kafka ${version} is not in ${libs} yet and mvn was not found on the PATH to fetch it. ` +
        'Install Maven 3.8+ (Debian: apt-get install maven), or set KAFKA_BROKERS=host:port.',
    );
  }
  log(`provisioning Apache Kafka ${version} from Maven Central into ${libs} ...`);
  mkdirSync(libs, { recursive: true });
  const started = Date.now();
  const result = spawnSync(
    'mvn',
    ['-B', '-q', '-f', join(root, 'broker', 'pom.xml'), 'package', `-Dkafka.libs=${libs}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new BrokerStartError(
      'provision-failed',
      `mvn could not resolve Apache Kafka ${version} (exit ${result.status}). Is Maven Central reachable?`,
      output,
    );
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`provisioned Apache Kafka ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { version, libs };
}
