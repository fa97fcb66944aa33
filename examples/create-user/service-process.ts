/**
 * Entry point of one service child process: `node service-process.js '<ServiceConfig JSON>'`.
 * Starts the service, tells the parent `ready`, and on `shutdown` (or SIGTERM, or the parent
 * going away) closes it, reports its counters and exits by itself: nothing may stay open.
 */
import * as E from 'fp-ts/lib/Either.js';
import { reportErrors } from '../../lib';
import { startEmailerService } from './emailer-service';
import { startGraphqlService } from './graphql-service';
import { ChildMessage, ParentMessage, ServiceConfig, ServiceReport } from './service-config';
import type { ServiceTracing } from './service-tracing';
import { startUserService } from './user-service';

interface Running {
  readonly port: number | null;
  report(): ServiceReport;
  close(): Promise<void>;
}

const log = (line: string) => console.error(line);

/** Sends a message to the parent; resolves once it is written, so a disconnect cannot drop it. */
function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) resolve();
    else process.send(message, () => resolve());
  });
}

async function start(
  config: ServiceConfig,
  onFailure: (error: unknown) => void,
  tracing: ServiceTracing | undefined,
): Promise<Running> {
  const telemetry = tracing?.telemetry;
  switch (config.role) {
    case 'graphql': {
      const service = await startGraphqlService({ ...config, log, telemetry });
      return {
        port: service.port,
        report: () => {
          const metrics = service.metrics();
          return {
            answered: metrics.answered,
            remoteErrors: metrics.remoteErrors,
            timedOut: metrics.timedOut,
            foreign: metrics.foreign,
            // Every reply the instance read lands in exactly one of these (one reply per request).
            repliesRead:
              metrics.answered +
              metrics.remoteErrors +
              metrics.decodeFailures +
              metrics.late +
              metrics.duplicates +
              metrics.foreign,
          };
        },
        close: () => service.close(),
      };
    }
    case 'user-service': {
      const service = await startUserService({ ...config, log, onFailure, telemetry });
      return { port: null, report: () => ({ ...service.counts() }), close: () => service.close() };
    }
    case 'emailer': {
      const service = await startEmailerService({ ...config, log, onFailure, telemetry });
      return { port: null, report: () => ({ ...service.counts() }), close: () => service.close() };
    }
  }
}

async function main(): Promise<void> {
  const parsed = E.tryCatch(
    (): unknown => JSON.parse(process.argv[2] ?? ''),
    () => null,
  );
  const config = E.isRight(parsed) ? ServiceConfig.decode(parsed.right) : E.left([]);
  if (E.isLeft(config)) {
    log(`service-process: bad config: ${reportErrors(config.left).join('; ') || 'not JSON'}`);
    process.exitCode = 2;
    return;
  }
  let tracing: ServiceTracing | undefined;
  let stopping: Promise<void> | undefined;
  let running: Running | undefined;
  const stop = (exitCode: number) => {
    stopping ??= (async () => {
      process.exitCode = exitCode;
      if (running) {
        await running.close();
        // Spans go before the report: the parent reads them until it sees `stopped`.
        await tracing?.shutdown();
        await tell({ type: 'stopped', report: running.report() });
      }
      // Closing the channel is what lets this process end by itself.
      if (process.connected) process.disconnect();
    })();
  };
  process.on('message', (message: unknown) => {
    if (E.isRight(ParentMessage.decode(message))) stop(0);
  });
  // The parent coordinates shutdown; Ctrl-C in a terminal reaches every process in the group.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => stop(0));
  // The parent died without saying goodbye: do not become an orphan.
  process.on('disconnect', () => stop(process.exitCode === undefined ? 0 : Number(process.exitCode)));
  try {
    // Loaded only where it is used: the SDK costs a process a few hundred milliseconds to load.
    if (config.right.trace) {
      const { startServiceTracing } = await import('./service-tracing');
      tracing = startServiceTracing(config.right.instance, (spans) => tell({ type: 'spans', spans }));
    }
    running = await start(
      config.right,
      (error) => {
        log(`${config.right.instance}: consumer failed: ${String(error)}`);
        stop(1);
      },
      tracing,
    );
  } catch (error) {
    log(`${config.right.instance}: could not start: ${error instanceof Error ? error.message : String(error)}`);
    stop(1);
    return;
  }
  if (stopping) {
    // Told to stop while starting: close what started.
    await running.close();
    return;
  }
  await tell({ type: 'ready', port: running.port });
}

void main();
