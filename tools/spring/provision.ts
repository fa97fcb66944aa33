import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { BrokerStartError } from '../broker/errors';
import { projectRoot } from '../broker/project-root';
import { requireJava } from '../broker/provision';

/** A built Spring peer: the classpath that runs its programs. */
export interface SpringPeerBuild {
  readonly springKafkaVersion: string;
  readonly classpath: string;
  /** True when this call ran Maven; false when the cache already held this exact build. */
  readonly built: boolean;
}

/** The spring-kafka version pinned in peers/spring/pom.xml. */
export function pinnedSpringKafkaVersion(root = projectRoot()): string {
  const pom = readFileSync(join(root, 'peers', 'spring', 'pom.xml'), 'utf8');
  const match = /<spring-kafka\.version>([^<]+)<\/spring-kafka\.version>/.exec(pom);
  if (!match) throw new Error('peers/spring/pom.xml has no <spring-kafka.version> property');
  return match[1]!;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder)
    .map((name) => join(folder, name))
    .flatMap((path) => (statSync(path).isDirectory() ? filesUnder(path) : [path]))
    .sort();
}

/** A digest of the module's POM and sources: a change to either is a new build folder. */
function sourceDigest(module: string): string {
  const hash = createHash('sha256');
  for (const file of [join(module, 'pom.xml'), ...filesUnder(join(module, 'src'))]) {
    hash.update(relative(module, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Makes sure the Spring peer (peers/spring) is built, and returns its classpath. Maven resolves
 * spring-kafka from Maven Central and compiles the module into `.cache/spring/<digest>` the first
 * time; later calls with the same POM and sources need neither Maven nor the network.
 */
export function ensureSpringPeerBuilt(log: (line: string) => void = () => undefined): SpringPeerBuild {
  const root = projectRoot();
  const module = join(root, 'peers', 'spring');
  const springKafkaVersion = pinnedSpringKafkaVersion(root);
  const out = join(process.env.PUBSCRIBE_SPRING_CACHE ?? join(root, '.cache', 'spring'), sourceDigest(module));
  const marker = join(out, 'complete');
  const classpath = [join(out, 'target', 'pubscribe-spring-peer-0.0.0.jar'), join(out, 'libs', '*')].join(delimiter);
  if (existsSync(marker)) return { springKafkaVersion, classpath, built: false };
  requireJava();
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) {
    throw new BrokerStartError(
      'maven-missing',
      'The Spring peer (peers/spring) is not built yet and mvn was not found on the PATH to build it. ' +
        'Install Maven 3.8+ (Debian: apt-get install maven).',
    );
  }
  log(`building the Spring peer (spring-kafka ${springKafkaVersion}) into ${out} ...`);
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const result = spawnSync('mvn', ['-B', '-q', '-f', join(module, 'pom.xml'), 'package', `-Dpeer.out=${out}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new BrokerStartError(
      'provision-failed',
      `mvn could not build the Spring peer (exit ${result.status}). Is Maven Central reachable?`,
      output,
    );
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  // Builds of earlier sources are of no further use.
  for (const name of readdirSync(dirname(out))) {
    if (/^[0-9a-f]{16}$/.test(name) && name !== basename(out))
      rmSync(join(dirname(out), name), { recursive: true, force: true });
  }
  log(`built the Spring peer in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { springKafkaVersion, classpath, built: true };
}
