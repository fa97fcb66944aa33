import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';

/**
 * Every JVM this process started and has not yet seen exit. On any exit of this Node process the
 * survivors are killed, and on Linux each JVM also carries a parent-death signal (`setpriv
 * --pdeathsig`), so even a SIGKILL of Node cannot leave a broker behind.
 */
const live = new Set<ChildProcess>();
/** The JVMs suspended by `freezeProcess` and not thawed since. */
const frozen = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    // SIGKILL ends a stopped (frozen) process too; SIGCONT after it is for the record only.
    for (const child of live) {
      child.kill('SIGKILL');
      if (frozen.has(child)) child.kill('SIGCONT');
    }
  });
}

/** Suspends a JVM (SIGSTOP) for a fault test; the exit hook still kills it. */
export function freezeProcess(child: ChildProcess): void {
  if (!live.has(child)) return;
  child.kill('SIGSTOP');
  frozen.add(child);
}

/** Resumes a JVM suspended by `freezeProcess` (SIGCONT); harmless when it is not frozen. */
export function thawProcess(child: ChildProcess): void {
  if (!frozen.delete(child)) return;
  child.kill('SIGCONT');
}

const setprivAvailable = (() => {
  let known: boolean | undefined;
  return () => (known ??= spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0);
})();

/**
 * Spawns `java <args>` with its output appended to `logFile`, tied to this process's life. With
 * `stdout: 'pipe'` only stderr goes to the log and the caller reads `child.stdout` (the Spring
 * peers print results there).
 */
export function spawnJava(
  args: readonly string[],
  logFile: string,
  options: { readonly stdout?: 'log' | 'pipe' } = {},
): ChildProcess {
  installExitHook();
  const log = createWriteStream(logFile, { flags: 'a' });
  const [command, argv] = setprivAvailable()
    ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', 'java', ...args]]
    : ['java', [...args]];
  // detached: its own process group, so a Ctrl-C in the terminal reaches Node, which then stops the
  // broker in order, instead of racing the JVM's own shutdown.
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (options.stdout !== 'pipe') child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    frozen.delete(child);
    log.end();
  });
  return child;
}

/** Runs `java <args>` to completion (storage formatting); returns its exit code and output. */
export function runJava(args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync('java', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Resident memory of a live process in bytes, read from /proc (0 where /proc is absent). */
export function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return 0;
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(status, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resolves once the child has exited, or at once if it already has. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The last `lines` lines of a text file, for error messages. */
export function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
