import { ErrorContext } from './pubscribe-error.js';

/**
 * Quotes a value for an error message. Correlation ids and remote messages come from other
 * processes, so control characters are escaped (no forged log lines) and long values are cut.
 *
 * @internal
 */
export const quote = (value: string, maxLength = 120): string => {
  const cut = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return `'${JSON.stringify(cut).slice(1, -1)}'`;
};

/**
 * Renders the known parts of a context as a phrase, e.g.
 * ` on topic 'replies' (partition 2, offset 17) for correlation id 'abc'`; empty when nothing is known.
 *
 * @internal
 */
export const describeContext = (context: ErrorContext): string => {
  const topic = context.topic === undefined ? '' : ` on topic ${quote(context.topic)}`;
  const coordinates = [
    context.partition === undefined ? undefined : `partition ${context.partition}`,
    context.offset === undefined ? undefined : `offset ${context.offset}`,
  ].filter((part) => part !== undefined);
  const location = coordinates.length === 0 ? '' : ` (${coordinates.join(', ')})`;
  const correlation = context.correlationId === undefined ? '' : ` for correlation id ${quote(context.correlationId)}`;
  return `${topic}${location}${correlation}`;
};

/**
 * Renders `elapsedMs` as ` after 1200 ms`, or nothing when unknown.
 *
 * @internal
 */
export const describeElapsed = (context: ErrorContext): string =>
  context.elapsedMs === undefined ? '' : ` after ${context.elapsedMs} ms`;
