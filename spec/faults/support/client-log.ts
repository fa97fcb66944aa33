import { logLevel, LogEntry } from 'kafkajs';

/**
 * kafkajs logging of a fault-test child process: silent unless FAULT_KAFKAJS_LOG names a level
 * (ERROR, WARN, INFO, DEBUG), then one line per entry, prefixed with the process's name.
 */
export function clientLogging(name: string): { logLevel: logLevel; logCreator?: () => (entry: LogEntry) => void } {
  const wanted = process.env.FAULT_KAFKAJS_LOG?.toUpperCase();
  const level = wanted ? logLevel[wanted as keyof typeof logLevel] : undefined;
  if (level === undefined) return { logLevel: logLevel.NOTHING };
  return {
    logLevel: level,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      console.log(
        `${new Date(entry.log.timestamp).toISOString()} ${name} ${entry.namespace} ${message} ${JSON.stringify(extra)}`,
      );
    },
  };
}
