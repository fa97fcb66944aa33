import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnJava, tail } from '../broker/kafka-process';

/** One line a Spring peer printed on stdout: a JSON object with an `event` field. */
export interface PeerLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** The peer programs in peers/spring. */
export type SpringProgram = 'SpringRequester' | 'SpringResponder' | 'OneHopProbe';

/** A running peer JVM and what it has printed. */
export interface SpringPeerProcess {
  readonly child: ChildProcess;
  /** Every line printed so far, in order. */
  readonly lines: readonly PeerLine[];
  /** The first line with this event, printed already or later; fails when the JVM exits first or after `timeoutMs`. */
  waitFor(event: string, timeoutMs: number): Promise<PeerLine>;
  /** Resolves with the exit code once the JVM has exited and its output has been read. */
  readonly exit: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the JVM is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log (stderr), for error messages. */
  logTail(): string;
}

/**
 * Starts a peer program with `--name=value` arguments. Its stdout is parsed line by line; its
 * stderr (logs) goes to `logFile`. Like the broker, the JVM carries a parent-death signal and is
 * killed when this Node process exits, so no peer outlives a test run.
 */
export function startSpringPeer(
  program: SpringProgram,
  args: Readonly<Record<string, string | number | boolean>>,
  options: { readonly classpath: string; readonly logFile: string; readonly jvmArgs?: readonly string[] },
): SpringPeerProcess {
  const child = spawnJava(
    [
      ...(options.jvmArgs ?? []),
      // SLF4J's simple logger (on stderr): warnings and errors only.
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      options.classpath,
      `dev.pubscribe.spring.${program}`,
      ...Object.entries(args).map(([name, value]) => `--${name}=${value}`),
    ],
    options.logFile,
    { stdout: 'pipe' },
  );
  const lines: PeerLine[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: PeerLine;
    try {
      line = JSON.parse(text) as PeerLine;
    } catch {
      line = { event: 'text', text };
    }
    lines.push(line);
    for (const listener of listeners) listener();
  });
  // 'close', not 'exit': by then every line the JVM printed has been read.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const logTail = () => tail(options.logFile, 30);
  return {
    child,
    lines,
    exit,
    logTail,
    waitFor: (event, timeoutMs) =>
      new Promise<PeerLine>((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => line.event === event);
          if (!found) return;
          finish();
          resolve(found);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${program} printed no '${event}' line within ${timeoutMs} ms\n${logTail()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
        void exit.then((code) => {
          if (!listeners.has(check)) return;
          finish();
          reject(new Error(`${program} exited (${code}) before printing '${event}'\n${logTail()}`));
        });
      }),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
